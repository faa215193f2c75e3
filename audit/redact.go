package audit

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"regexp"
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

var markerRE = regexp.MustCompile(`^\[REDACTED(:hmac=[0-9a-f]{12})?\]$`)

// IsMarker reports whether s is a redaction marker.
func IsMarker(s string) bool { return markerRE.MatchString(s) }

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
	out, err := CanonicalJSON(mustMarshal(v))
	if err != nil {
		b, _ := json.Marshal(r.Marker(args))
		return b
	}
	return out
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
		if !strings.ContainsAny(t, " \t\r\n") && looksSecret(t) {
			return r.Marker([]byte(t))
		}
		return r.RedactString(t)
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
	if upper == 0 && strings.HasPrefix(tok, "/") && strings.Count(tok, "/") >= 2 {
		return false // a lower-case URL path such as /api/v3/get-access-key-list
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
