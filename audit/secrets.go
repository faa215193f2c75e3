package audit

import (
	"math"
	"regexp"
	"strings"
)

// credentialRE matches values that are credentials by their shape alone.
var credentialRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*` +
	`|\bxox[a-z]-[A-Za-z0-9-]{6,}|\bxapp-[A-Za-z0-9-]{6,}|\bxoxe\.[A-Za-z0-9.-]{6,}` +
	`|(?i:\b(?:bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,})` +
	`|-----BEGIN [A-Z ]+-----` +
	`|\b(?:sk-|ghp_|gho_|ghs_|github_pat_|glpat-)[A-Za-z0-9_-]{10,}|\bAKIA[0-9A-Z]{16}\b`)

// isCredentialShaped reports whether s contains a structurally recognisable
// credential: a JWT, a Slack token, an HTTP Authorization value, a PEM block
// or a well-known API key prefix.
func isCredentialShaped(s string) bool { return credentialRE.MatchString(s) }

// looksSecret reports whether the whole value s should be treated as a
// secret: it is credential-shaped, or it is one long high-entropy token.
func looksSecret(s string) bool {
	if isCredentialShaped(s) {
		return true
	}
	t := strings.TrimSpace(s)
	return !strings.ContainsAny(t, " \t\r\n") && highEntropyToken(t)
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// highEntropyToken reports whether tok looks like a random key: at least 20
// characters of a token alphabet, mixing letters and digits, with high
// Shannon entropy. UUIDs and hex ids shorter than 32 digits (Authing object
// ids are 24) are not treated as secrets; longer hex strings are.
func highEntropyToken(tok string) bool {
	if len(tok) < 20 || uuidRE.MatchString(tok) {
		return false
	}
	var lower, upper, digit, other, hexOnly = 0, 0, 0, 0, true
	for _, c := range tok {
		switch {
		case c >= 'a' && c <= 'z':
			lower++
			if c > 'f' {
				hexOnly = false
			}
		case c >= 'A' && c <= 'Z':
			upper++
			if c > 'F' {
				hexOnly = false
			}
		case c >= '0' && c <= '9':
			digit++
		case strings.ContainsRune("+/=_~-.", c):
			other++
			hexOnly = false
		default:
			return false
		}
	}
	if hexOnly {
		return len(tok) >= 32
	}
	if digit == 0 || lower+upper == 0 {
		return false
	}
	return shannon(tok) >= 3.5
}

func shannon(s string) float64 {
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	var h float64
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

var (
	pemRE      = regexp.MustCompile(`-----BEGIN [A-Z ]+-----[\s\S]*?(?:-----END [A-Z ]+-----|$)`)
	shapedRE   = regexp.MustCompile(credentialRE.String())
	schemeRE   = regexp.MustCompile(`(?i)\b(bearer|basic)(\s+)([A-Za-z0-9._~+/=-]{8,})`)
	keyValueRE = regexp.MustCompile(`(?i)([a-z0-9_-]*(?:password|passwd|pwd|passcode|secret|token|otp|salt|api[_-]?key|private[_-]?key|access[_-]?key|signing[_-]?key|credential|mfa|recovery|(?:verif(?:y|ication)|sms|email|phone|auth|pass)[_-]?code|session|cookie|signature)[a-z0-9_-]*["']?\s*[:=]\s*["']?)([^\s"',;&}]+)`)
	tokenRE    = regexp.MustCompile(`[A-Za-z0-9+/=_~.-]{20,}`)
)

// RedactString returns s with secret-looking parts replaced by markers: PEM
// blocks, JWTs, Slack tokens, Authorization values, well-known API keys,
// "password=…"-style assignments (also in JSON and URL query form) and long
// high-entropy tokens. Use it for error messages and other free text.
func (r *Redactor) RedactString(s string) string {
	if s == "" || IsMarker(s) {
		return s
	}
	mark := func(m string) string {
		if strings.HasPrefix(m, "[REDACTED") {
			return m
		}
		return r.Marker([]byte(m))
	}
	s = pemRE.ReplaceAllStringFunc(s, mark)
	s = schemeRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := schemeRE.FindStringSubmatch(m)
		return sub[1] + sub[2] + mark(sub[3])
	})
	s = shapedRE.ReplaceAllStringFunc(s, mark)
	s = keyValueRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := keyValueRE.FindStringSubmatch(m)
		return sub[1] + mark(sub[2])
	})
	s = tokenRE.ReplaceAllStringFunc(s, func(m string) string {
		if highEntropyToken(m) {
			return mark(m)
		}
		return m
	})
	return s
}
