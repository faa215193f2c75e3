package audit

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// The plain implementation of RedactString: every pattern over every text,
// as before the pre-checks. The tests below check RedactString agrees with
// it.

var refTokenRE = regexp.MustCompile(`[A-Za-z0-9+/=_~.-]{20,}`)

// refRedactString is RedactString without pre-checks.
func refRedactString(r *Redactor, s string) string {
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
	return refTokenRE.ReplaceAllStringFunc(s, func(m string) string {
		if highEntropyToken(m) {
			return mark(m)
		}
		return m
	})
}

// redactCorpus is text with and without secrets, near misses of every
// pre-check included.
func redactCorpus(t testing.TB) []string {
	t.Helper()
	corpus := []string{
		"", "alice", "Alice Admin", "张爱丽", "alice@example.com", "13800000001", "2026-11-24T22:58:30.193Z",
		"6368c5f9b4a3c2d1e0f9a8b7", "3f2b8c1e-1d2a-4b5c-9d8e-7f6a5b4c3d2e", "https://files.authing.co/a/default-user-avatar.png",
		"/api/v3/get-access-key-list", "aZ3kP9qL2mX7vB4nR8tY", "aZ3kP9qL2mX7vB4nR8t", "0123456789abcdef0123456789abcdef",
		"Authorization: Bearer abc.def-ghi_jkl", "BASIC dXNlcjpwYXNz", "bearer short", "a bearer of news",
		`bad request {"password":"s3cr3t!","username":"bob"}`, "GET /x?access_token=tok123&x=1 failed",
		"posting with xoxb-99-88-abcdef failed", "xoxe.xoxp-1-abcdefgh", "xapp-1-A0-abcdef",
		"key -----BEGIN PRIVATE KEY-----\nMIIBVQ\n-----END PRIVATE KEY----- bad", "-----BEGIN CERT", "----BEGIN X-----",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2ln", "eyJhbGci", "sk-abcdefghijklmnop", "ghp_abcdefghij0123456789",
		"github_pat_11ABCDEFG0123456789_abcdef", "glpat-abcdefghij12345", "AKIAABCDEFGHIJKLMNOP", "AKIA123",
		"user 6368c5f9b4a3c2d1e0f9a8b7 not found (status code 404)", "status code: 404", "code=123456", "smsCode: 9876",
		"PassCode=abc", "api-key: k-123", "x-api-key=abc;", "PRIVATE_KEY='abc'", "session=abc; Path=/", "Cookie: a=b",
		"signature=deadbeef&x=1", "mfa=on", "recovery: 1234-5678", "otp:000111", "salt = NaCl", "credentials: none",
		"secretary: Bob", "tokenizer=o200k", "keyword=foo", "monkey: banana", "my ſecret=hidden", "\u212aey=abc",
		"api\u212aey: value", "ſalt=x", "[REDACTED]", "[REDACTED:hmac=0123456789ab]", "before [REDACTED:hmac=0123456789ab] after",
		"password=[REDACTED:hmac=0123456789ab]", "operation get_access_key_list (GET /api/v3/get-access-key-list) is not emulated",
		"a\xffb password=\xfe\xfd", strings.Repeat("x", 19) + "1", strings.Repeat("aZ3k", 6) + " " + strings.Repeat("P9qL", 6),
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)",
		"oj7Nq05R-RRaqak0_YlMLnnIwsvg", "R&D / Platform", "on-call rotation A; prefers Slack DM",
	}
	raw, err := os.ReadFile("testdata/user.json")
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return append(corpus, stringsOf(v)...)
}

// stringsOf returns the keys and string values of a decoded JSON value.
func stringsOf(v any) []string {
	var out []string
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			out = append(out, k)
			out = append(out, stringsOf(e)...)
		}
	case []any:
		for _, e := range t {
			out = append(out, stringsOf(e)...)
		}
	case string:
		out = append(out, t)
	}
	return out
}

// TestRedactStringMatchesReference: the pre-checks never change a result.
func TestRedactStringMatchesReference(t *testing.T) {
	t.Parallel()
	r := NewRedactor([]byte("test-key"))
	for _, s := range redactCorpus(t) {
		if got, want := r.RedactString(s), refRedactString(r, s); got != want {
			t.Errorf("RedactString(%q) = %q, the plain patterns give %q", s, got, want)
		}
	}
}

// FuzzRedactString checks RedactString agrees with the plain patterns on
// any text.
func FuzzRedactString(f *testing.F) {
	for _, s := range redactCorpus(f) {
		f.Add(s)
	}
	r := NewRedactor([]byte("fuzz-key"))
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := r.RedactString(s), refRedactString(r, s); got != want {
			t.Errorf("RedactString(%q) = %q, the plain patterns give %q", s, got, want)
		}
	})
}

// TestFoldsToASCIIComplete: ſ and the Kelvin sign are the only non-ASCII
// runes that case-insensitive regexps match against ASCII letters, which
// is what the pre-checks assume.
func TestFoldsToASCIIComplete(t *testing.T) {
	t.Parallel()
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < 0x80 && !foldsToASCII(string(r)) {
				t.Errorf("%U folds onto %q but foldsToASCII misses it", r, f)
			}
		}
	}
}

var refMarkerRE = regexp.MustCompile(`^\[REDACTED(:hmac=[0-9a-f]{12})?\]$`)

// refRedactArgs is RedactArgs as it was before the pre-checks: the plain
// patterns, and the redacted value encoded then canonicalised.
func refRedactArgs(r *Redactor, args json.RawMessage) json.RawMessage {
	if len(strings.TrimSpace(string(args))) == 0 {
		return args
	}
	dec := json.NewDecoder(strings.NewReader(string(args)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		b, _ := json.Marshal(r.Marker(args))
		return b
	}
	out, err := CanonicalJSON(mustMarshal(refRedactValue(r, v, keyFree)))
	if err != nil {
		b, _ := json.Marshal(r.Marker(args))
		return b
	}
	return out
}

func refRedactValue(r *Redactor, v any, class keyClass) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			switch kc := classifyKey(k); kc {
			case keySensitive:
				if s, ok := e.(string); ok && refMarkerRE.MatchString(s) {
					continue
				}
				t[k] = r.Marker(mustCanonical(e))
			default:
				t[k] = refRedactValue(r, e, kc)
			}
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = refRedactValue(r, e, class)
		}
		return t
	case string:
		if refMarkerRE.MatchString(t) {
			return t
		}
		if class == keySafe {
			if credentialRE.MatchString(t) {
				return r.Marker([]byte(t))
			}
			return t
		}
		trimmed := strings.TrimSpace(t)
		whole := credentialRE.MatchString(t) || !strings.ContainsAny(trimmed, " \t\r\n") && highEntropyToken(trimmed)
		if !strings.ContainsAny(t, " \t\r\n") && whole {
			return r.Marker([]byte(t))
		}
		return refRedactString(r, t)
	}
	return v
}

// argsCorpus is JSON documents: the user, and every corpus string under a
// safe, a sensitive and a free key, alone and in an array.
func argsCorpus(t testing.TB) []string {
	raw, err := os.ReadFile("testdata/user.json")
	if err != nil {
		t.Fatal(err)
	}
	docs := []string{string(raw), `{"a":`, ``, `null`, `[1,2.50,-0,1e400]`, `{"n":1e2,"s":"x\u2028y<>&"}`}
	for _, s := range redactCorpus(t) {
		v, _ := json.Marshal(s)
		for _, k := range []string{"name", "password", "note", "items"} {
			docs = append(docs, `{"`+k+`":`+string(v)+`}`, `{"`+k+`":[`+string(v)+`]}`)
		}
	}
	return docs
}

// TestRedactArgsMatchesReference: RedactArgs gives what it gave before the
// pre-checks and the direct canonical encoding.
func TestRedactArgsMatchesReference(t *testing.T) {
	t.Parallel()
	r := NewRedactor([]byte("test-key"))
	for _, doc := range argsCorpus(t) {
		if got, want := string(r.RedactArgs(json.RawMessage(doc))), string(refRedactArgs(r, json.RawMessage(doc))); got != want {
			t.Errorf("RedactArgs(%s) = %s, the reference gives %s", doc, got, want)
		}
	}
}

// FuzzRedactArgs checks RedactArgs agrees with the reference on any input.
func FuzzRedactArgs(f *testing.F) {
	for _, doc := range argsCorpus(f) {
		f.Add(doc)
	}
	r := NewRedactor([]byte("fuzz-key"))
	f.Fuzz(func(t *testing.T, doc string) {
		if got, want := string(r.RedactArgs(json.RawMessage(doc))), string(refRedactArgs(r, json.RawMessage(doc))); got != want {
			t.Errorf("RedactArgs(%q) = %s, the reference gives %s", doc, got, want)
		}
	})
}
