package audit

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// Redactor removes secrets from arguments and free text before anything is
// stored or logged. A redacted value becomes "[REDACTED:hmac=<12 hex>]": the
// first 12 hex digits of HMAC-SHA256(key, value), so equal values can be
// matched across records without being revealed. Redaction is idempotent: a
// marker is never redacted again.
//
// Rules for JSON arguments, applied per object key at every depth:
//   - a key on the safe list (ids, names, usernames, emails, phones, status,
//     pagination, role and group codes, ...) keeps its value unless the value
//     is structurally a credential (JWT, Slack token, "Bearer ...", PEM);
//   - otherwise a key whose name contains a sensitive word (password, secret,
//     token, otp, salt, key, credential, cert, private, mfa, recovery, code,
//     session, cookie, signature, ...) has its whole value redacted, whatever
//     its type;
//   - any other string (free-form) is redacted entirely when it looks like a
//     secret (the above, or a long high-entropy token), and secret-looking
//     parts inside longer text are replaced in place;
//   - numbers, booleans and null under non-sensitive keys are kept.
type Redactor struct {
	key []byte
}

// NewRedactor returns a Redactor keyed with key. With an empty key it uses a
// random per-process key, so markers only match within this process; set a
// configured key to match values across processes and restarts.
func NewRedactor(key []byte) *Redactor {
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			panic("audit: no randomness for the redaction key: " + err.Error())
		}
	}
	return &Redactor{key: bytes.Clone(key)}
}

// Marker returns the redaction marker for value.
func (r *Redactor) Marker(value []byte) string {
	m := hmac.New(sha256.New, r.key)
	m.Write(value)
	return "[REDACTED:hmac=" + hex.EncodeToString(m.Sum(nil))[:12] + "]"
}

// IsMarker reports whether s is a redaction marker: "[REDACTED]" or
// "[REDACTED:hmac=" followed by 12 lower-case hex digits and "]".
func IsMarker(s string) bool {
	const prefix, bare = "[REDACTED:hmac=", "[REDACTED]"
	if s == bare {
		return true
	}
	if len(s) != len(prefix)+13 || !strings.HasPrefix(s, prefix) || s[len(s)-1] != ']' {
		return false
	}
	for i := len(prefix); i < len(s)-1; i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// RedactArgs returns args with secrets replaced by markers. Input that is not
// valid JSON is replaced by a single marker string.
func (r *Redactor) RedactArgs(args json.RawMessage) json.RawMessage {
	if len(bytes.TrimSpace(args)) == 0 {
		return args
	}
	dec := json.NewDecoder(bytes.NewReader(args))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		b, _ := json.Marshal(r.Marker(args))
		return b
	}
	v = r.redactValue(v, keyFree)
	// The redacted tree holds only what the decoder made (maps, slices,
	// strings, json.Number, bools, nil): write it canonically at once
	// rather than encoding it and canonicalising the encoding.
	var buf bytes.Buffer
	buf.Grow(len(args))
	if err := writeCanonical(&buf, v); err != nil {
		b, _ := json.Marshal(r.Marker(args))
		return b
	}
	return buf.Bytes()
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte("null")
	}
	return b
}

type keyClass int

const (
	keyFree keyClass = iota
	keySafe
	keySensitive
)

func (r *Redactor) redactValue(v any, class keyClass) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			switch kc := classifyKey(k); kc {
			case keySensitive:
				if s, ok := e.(string); ok && IsMarker(s) {
					continue
				}
				t[k] = r.Marker(mustCanonical(e))
			default:
				t[k] = r.redactValue(e, kc)
			}
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = r.redactValue(e, class)
		}
		return t
	case string:
		if IsMarker(t) {
			return t
		}
		if class == keySafe {
			if isCredentialShaped(t) {
				return r.Marker([]byte(t))
			}
			return t
		}
		return r.redactFree(t)
	}
	return v
}

func mustCanonical(v any) []byte {
	if s, ok := v.(string); ok {
		return []byte(s)
	}
	b, err := CanonicalJSON(mustMarshal(v))
	if err != nil {
		return mustMarshal(v)
	}
	return b
}

// normalizeKey lowercases k and drops separators: "Client_Secret" → "clientsecret".
func normalizeKey(k string) string {
	var b strings.Builder
	b.Grow(len(k))
	for _, c := range strings.ToLower(k) {
		if c == '_' || c == '-' || c == '.' || c == ' ' {
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// safeKeys are parameter names whose values are known not to be secrets.
var safeKeys = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`id ids userid userids username usernames name names nickname
		givenname familyname middlename displayname preferredusername email emails phone phones
		phonecountrycode countrycode status page limit offset pagesize cursor total order orderby
		sortby sort rolecode rolecodes groupcode groupcodes departmentid departmentids
		organizationcode orgcode departmentcode appid appids namespace namespacecode namespacecodes
		resourcecode resourcecodes resourcetype externalid externalids userpoolid tenantid
		blocked gender type types withcustomdata withidentities
		withdepartmentids withpost includechildren authorizable enabled disabled dryrun force
		locale timezone company country province city address region extidpid identifier`) {
		safeKeys[k] = true
	}
}

// sensitiveWords mark a parameter name as holding a secret.
var sensitiveWords = []string{
	"password", "passwd", "pwd", "passcode", "secret", "token", "otp", "salt", "key",
	"credential", "cert", "private", "mfa", "recovery", "code", "session", "cookie",
	"signature", "jwt", "bearer", "authorization", "hash", "cipher", "encrypt", "nonce",
	"ticket", "pin",
}

// freeTextKeys would match a sensitive word but hold ordinary free text
// (search terms); their values get the free-form checks instead.
var freeTextKeys = map[string]bool{"keyword": true, "keywords": true}

func classifyKey(k string) keyClass {
	n := normalizeKey(k)
	if safeKeys[n] {
		return keySafe
	}
	if freeTextKeys[n] {
		return keyFree
	}
	for _, w := range sensitiveWords {
		if w == "pin" {
			if strings.HasSuffix(n, "pin") {
				return keySensitive
			}
			continue
		}
		if strings.Contains(n, w) {
			return keySensitive
		}
	}
	return keyFree
}
