package main

import (
	"strings"
	"unicode"
)

// initialisms are written in upper case in Go identifiers.
var initialisms = map[string]string{
	"id": "ID", "ids": "IDs", "url": "URL", "urls": "URLs", "uri": "URI", "api": "API", "http": "HTTP",
	"https": "HTTPS", "ip": "IP", "ips": "IPs", "json": "JSON", "jwt": "JWT", "mfa": "MFA", "otp": "OTP",
	"sso": "SSO", "ldap": "LDAP", "oidc": "OIDC", "saml": "SAML", "cas": "CAS", "sms": "SMS", "ak": "AK",
	"sk": "SK", "uuid": "UUID", "acl": "ACL", "asa": "ASA", "ad": "AD", "sql": "SQL", "xml": "XML",
	"ttl": "TTL", "qr": "QR", "udf": "UDF", "udv": "UDV", "ueba": "UEBA", "tls": "TLS", "db": "DB",
}

// words splits a camelCase, PascalCase, snake_case or kebab-case name into
// lower-case words.
func words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r):
			// Start a new word at a lower→upper change, or before the last
			// upper of an acronym followed by a lower ("HTTPServer").
			if len(cur) > 0 {
				prev := rs[i-1]
				nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
				if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
					flush()
				}
			}
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

// goName converts a wire or data name to an exported Go identifier with
// Go's initialisms: "userId" → "UserID", "list_users" → "ListUsers".
func goName(s string) string {
	var b strings.Builder
	for _, w := range words(s) {
		if up, ok := initialisms[w]; ok {
			b.WriteString(up)
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	name := b.String()
	if name == "" {
		return "X"
	}
	if unicode.IsDigit(rune(name[0])) {
		name = "N" + name
	}
	return name
}

// modelGoName is the Go type name of a model: its data name without a
// trailing "Dto", unless that would collide with another name.
func modelGoName(name string, taken map[string]bool) string {
	base := goName(name)
	if n := strings.TrimSuffix(name, "Dto"); n != name && n != "" {
		short := goName(n)
		if !taken[short] {
			return short
		}
	}
	return base
}
