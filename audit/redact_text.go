package audit

import (
	"math"
	"regexp"
	"strings"
)

// Free-text redaction: the patterns of secrets inside strings, and the
// cheap pre-checks (see hints.go) that let RedactString skip a pattern that
// cannot match. Every pre-check is a necessary condition of its pattern, so
// the result is the same as running every pattern; redact_ref_test.go keeps
// the plain regex implementation and checks both agree, by fuzzing too.

// credentialRE matches values that are credentials by their shape alone.
var credentialRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*` +
	`|\bxox[a-z]-[A-Za-z0-9-]{6,}|\bxapp-[A-Za-z0-9-]{6,}|\bxoxe\.[A-Za-z0-9.-]{6,}` +
	`|(?i:\b(?:bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,})` +
	`|-----BEGIN [A-Z ]+-----` +
	`|\b(?:sk-|ghp_|gho_|ghs_|github_pat_|glpat-)[A-Za-z0-9_-]{10,}|\bAKIA[0-9A-Z]{16}\b`)

// isCredentialShaped reports whether s contains a structurally recognisable
// credential: a JWT, a Slack token, an HTTP Authorization value, a PEM block
// or a well-known API key prefix.
func isCredentialShaped(s string) bool {
	return scanHints(s).shaped && credentialRE.MatchString(s)
}

// looksSecret reports whether the whole value s should be treated as a
// secret: it is credential-shaped, or it is one long high-entropy token.
func looksSecret(s string) bool { return looksSecretHinted(s, scanHints(s)) }

// looksSecretHinted is looksSecret with the hints of s already computed.
func looksSecretHinted(s string, h hints) bool {
	if h.shaped && credentialRE.MatchString(s) {
		return true
	}
	t := strings.TrimSpace(s)
	return !strings.ContainsAny(t, " \t\r\n") && highEntropyToken(t)
}

// redactFree redacts a string under a key that is neither safe nor
// sensitive: a value without spaces that looks like a secret becomes one
// marker; other text has its secret-looking parts replaced.
func (r *Redactor) redactFree(s string) string {
	h := scanHints(s)
	if !strings.ContainsAny(s, " \t\r\n") && looksSecretHinted(s, h) {
		return r.Marker([]byte(s))
	}
	return r.redactText(s, h)
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// highEntropyToken reports whether tok looks like a random key: at least 20
// characters of a token alphabet, mixing letters and digits, with high
// Shannon entropy. UUIDs and hex ids shorter than 32 digits (Authing object
// ids are 24) are not treated as secrets; longer hex strings are.
func highEntropyToken(tok string) bool {
	if len(tok) < 20 || len(tok) == 36 && uuidRE.MatchString(tok) {
		return false
	}
	var lower, upper, digit, other, hexOnly = 0, 0, 0, 0, true
	for i := 0; i < len(tok); i++ {
		switch c := tok[i]; {
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
		case isTokenPunct(c):
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

// isTokenPunct reports whether c is a punctuation byte of the token
// alphabet: + / = _ ~ - .
func isTokenPunct(c byte) bool {
	switch c {
	case '+', '/', '=', '_', '~', '-', '.':
		return true
	}
	return false
}

// isTokenByte reports whether c belongs to the token alphabet
// [A-Za-z0-9+/=_~.-].
func isTokenByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || isTokenPunct(c)
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
)

// minTokenRun is the shortest run of token bytes that can be a
// high-entropy secret.
const minTokenRun = 20

// RedactString returns s with secret-looking parts replaced by markers: PEM
// blocks, JWTs, Slack tokens, Authorization values, well-known API keys,
// "password=…"-style assignments (also in JSON and URL query form) and long
// high-entropy tokens. Use it for error messages and other free text.
//
// Each pattern runs only when its pre-check says it could match the text as
// it stands at that step; text without a sign of any secret (most names,
// emails, ids, dates) is returned after one scan, without a regex.
func (r *Redactor) RedactString(s string) string {
	if s == "" || IsMarker(s) {
		return s
	}
	return r.redactText(s, scanHints(s))
}

// redactText is RedactString with the hints of s already computed.
func (r *Redactor) redactText(s string, h hints) string {
	if s == "" || IsMarker(s) || !h.any() {
		return s
	}
	changed := false
	mark := func(m string) string {
		if strings.HasPrefix(m, "[REDACTED") {
			return m
		}
		changed = true
		return r.Marker([]byte(m))
	}
	// step runs one pattern and re-scans the text if it changed, so that
	// every later pre-check sees the text its pattern will see.
	step := func(run bool, f func(string) string) {
		if !run {
			return
		}
		changed = false
		s = f(s)
		if changed {
			h = scanHints(s)
		}
	}
	step(h.pem, func(s string) string { return pemRE.ReplaceAllStringFunc(s, mark) })
	step(h.scheme, func(s string) string {
		return schemeRE.ReplaceAllStringFunc(s, func(m string) string {
			sub := schemeRE.FindStringSubmatch(m)
			return sub[1] + sub[2] + mark(sub[3])
		})
	})
	step(h.shaped, func(s string) string { return shapedRE.ReplaceAllStringFunc(s, mark) })
	step(h.keyValue, func(s string) string {
		return keyValueRE.ReplaceAllStringFunc(s, func(m string) string {
			sub := keyValueRE.FindStringSubmatch(m)
			return sub[1] + mark(sub[2])
		})
	})
	step(h.longRun, func(s string) string { return replaceTokens(s, mark) })
	return s
}

// replaceTokens replaces each maximal run of at least minTokenRun token
// bytes that is a high-entropy token with mark(run). It does what
// regexp `[A-Za-z0-9+/=_~.-]{20,}` with ReplaceAllStringFunc does (the
// leftmost-longest matches of a single repeated class are exactly the
// maximal runs), without the regex.
func replaceTokens(s string, mark func(string) string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		if !isTokenByte(s[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && isTokenByte(s[j]) {
			j++
		}
		if j-i >= minTokenRun && highEntropyToken(s[i:j]) {
			if b.Len() == 0 {
				b.Grow(len(s))
			}
			b.WriteString(s[last:i])
			b.WriteString(mark(s[i:j]))
			last = j
		}
		i = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}
