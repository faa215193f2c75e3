package authingtest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// signatureScheme prefixes the Authorization header of the Node SDK's signed
// requests: `authing <AK>:<base64(HMAC-SHA1(SK, stringToSign))>`.
const signatureScheme = "authing "

// signedRequest holds what the signature covers.
type signedRequest struct {
	method string
	path   string
	header http.Header
	query  url.Values
	body   []byte
}

// canonicalHeaders lists `date` and every `x-authing-*` header, lower-cased and
// sorted, as `name:value\n`, with tabs and line breaks turned into spaces.
func canonicalHeaders(h http.Header) string {
	names := make([]string, 0, len(h))
	values := map[string]string{}
	for k, vs := range h {
		lk := strings.ToLower(k)
		if (lk == "date" || strings.HasPrefix(lk, "x-authing-")) && len(vs) > 0 {
			names = append(names, lk)
			values[lk] = strings.TrimSpace(strings.Map(func(r rune) rune {
				if r == '\t' || r == '\n' || r == '\r' || r == '\f' {
					return ' '
				}
				return r
			}, vs[0]))
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n + ":" + values[n] + "\n")
	}
	return b.String()
}

// signedParams returns the candidate `key=value` lists the client may have
// signed: GET signs its query parameters, every other method the top-level
// keys of its JSON body. More than one candidate exists where the wire loses
// information (a query array of numbers looks like one of strings).
func signedParams(r signedRequest) [][]string {
	if r.method == http.MethodGet {
		return queryParamCandidates(r.query)
	}
	var body map[string]json.RawMessage
	if len(bytes.TrimSpace(r.body)) == 0 || json.Unmarshal(r.body, &body) != nil {
		return [][]string{nil}
	}
	pairs := make([]string, 0, len(body))
	for k, raw := range body {
		pairs = append(pairs, k+"="+signedValue(raw))
	}
	return [][]string{pairs}
}

// signedValue renders a JSON value as the SDK does: strings as their text,
// objects and arrays as compact JSON, numbers, booleans and null as written.
func signedValue(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) == nil {
		return buf.String()
	}
	return string(raw)
}

func queryParamCandidates(q url.Values) [][]string {
	var asStrings, asNumbers []string
	differ := false
	for k, vs := range q {
		name, isArray := strings.CutSuffix(k, "[]")
		if !isArray && len(vs) == 1 {
			p := name + "=" + vs[0]
			asStrings, asNumbers = append(asStrings, p), append(asNumbers, p)
			continue
		}
		s, _ := json.Marshal(vs)
		n := numericArray(vs)
		differ = differ || n != string(s)
		asStrings = append(asStrings, name+"="+string(s))
		asNumbers = append(asNumbers, name+"="+n)
	}
	if differ {
		return [][]string{asStrings, asNumbers}
	}
	return [][]string{asStrings}
}

// numericArray writes vs as a JSON array, leaving numbers unquoted.
func numericArray(vs []string) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		var n json.Number
		if json.Unmarshal([]byte(v), &n) == nil && v != "" {
			parts[i] = v
		} else {
			s, _ := json.Marshal(v)
			parts[i] = string(s)
		}
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// stringsToSign returns every string the client may have signed for r.
func stringsToSign(r signedRequest) []string {
	prefix := r.method + "\n" + canonicalHeaders(r.header) + r.path
	var out []string
	for _, pairs := range signedParams(r) {
		if len(pairs) == 0 {
			// The SDK appends a bare "?" when every parameter was undefined.
			out = append(out, prefix, prefix+"?")
			continue
		}
		sort.SliceStable(pairs, func(i, j int) bool { return pairKey(pairs[i]) < pairKey(pairs[j]) })
		out = append(out, prefix+"?"+strings.Join(pairs, "&"))
	}
	return out
}

func pairKey(p string) string {
	k, _, _ := strings.Cut(p, "=")
	return k
}

// signString returns base64(HMAC-SHA1(secret, s)).
func signString(secret, s string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// nonceCache remembers signature nonces for the allowed clock skew.
type nonceCache struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

// use records nonce at now and reports false when it was already used within ttl.
func (n *nonceCache) use(nonce string, now time.Time, ttl time.Duration) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.seen == nil {
		n.seen = map[string]time.Time{}
	}
	for k, t := range n.seen {
		if now.Sub(t) > ttl {
			delete(n.seen, k)
		}
	}
	if t, ok := n.seen[nonce]; ok && now.Sub(t) <= ttl {
		return false
	}
	n.seen[nonce] = now
	return true
}

// verifySignature checks a Node-SDK-signed request against the configured key
// pair and answers the apiCode 1300–1306 errors.
func (s *Server) verifySignature(auth string, r signedRequest) error {
	cred := strings.TrimPrefix(auth, signatureScheme)
	ak, sig, ok := strings.Cut(strings.TrimSpace(cred), ":")
	if !ok || ak == "" || sig == "" {
		return newAPIError(codeUnauthorized, apiCodeSignatureInvalid, "malformed authing signature")
	}
	if m := r.header.Get("x-authing-signature-method"); m != "" && m != "HMAC-SHA1" {
		return newAPIError(codeUnauthorized, apiCodeSignatureMethod, "unsupported signature method %q", m)
	}
	if v := r.header.Get("x-authing-signature-version"); v != "" && v != "1.0" {
		return newAPIError(codeUnauthorized, apiCodeSignatureVersion, "unsupported signature version %q", v)
	}
	date := r.header.Get("date")
	if date == "" {
		return newAPIError(codeUnauthorized, apiCodeSignatureNoDate, "the date header is missing")
	}
	at, err := http.ParseTime(date)
	if err != nil {
		return newAPIError(codeUnauthorized, apiCodeSignatureBadDate, "the date header is not an HTTP date")
	}
	now := s.now()
	if d := now.Sub(at); d > s.opts.SignatureMaxSkew || d < -s.opts.SignatureMaxSkew {
		return newAPIError(codeUnauthorized, apiCodeSignatureClockSkew, "the request date is too far from the server clock")
	}
	if ak != s.opts.AccessKeyID {
		return newAPIError(codeUnauthorized, apiCodeSignatureInvalid, "invalid signature")
	}
	matched := false
	for _, sts := range stringsToSign(r) {
		if hmac.Equal([]byte(signString(s.opts.AccessKeySecret, sts)), []byte(sig)) {
			matched = true
			break
		}
	}
	if !matched {
		return newAPIError(codeUnauthorized, apiCodeSignatureInvalid, "invalid signature")
	}
	if nonce := r.header.Get("x-authing-signature-nonce"); nonce != "" {
		if !s.nonces.use(nonce, now, s.opts.SignatureMaxSkew) {
			return newAPIError(codeUnauthorized, apiCodeSignatureReplayed, "the signature nonce was already used")
		}
	}
	return nil
}
