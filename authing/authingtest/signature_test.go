package authingtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sigVector is one case of the shared signature-vectors.json, made with the
// Node SDK's own signing code.
type sigVector struct {
	Method        string            `json:"method"`
	URL           string            `json:"url"`
	Data          *string           `json:"data"`
	Params        map[string]any    `json:"params"`
	Headers       map[string]string `json:"headers"`
	StringToSign  string            `json:"stringToSign"`
	Authorization string            `json:"authorization"`
}

type sigVectors struct {
	AccessKeyID     string      `json:"accessKeyId"`
	AccessKeySecret string      `json:"accessKeySecret"`
	Cases           []sigVector `json:"cases"`
}

func loadVectors(t *testing.T) sigVectors {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(sharedAPIDir(), "signature-vectors.json"))
	if err != nil {
		t.Skipf("signature vectors not available (set AUTHING_API_DATA): %v", err)
	}
	var v sigVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Cases) == 0 {
		t.Fatal("no signature vectors")
	}
	return v
}

// axiosQuery encodes params as axios does: arrays as k[]=v, scalars as text.
func axiosQuery(params map[string]any) string {
	q := url.Values{}
	for k, v := range params {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				q.Add(k+"[]", fmt.Sprint(e))
			}
		default:
			q.Add(k, fmt.Sprint(x))
		}
	}
	return q.Encode()
}

// vectorRequest rebuilds the HTTP request the Node SDK sent for v.
func vectorRequest(t *testing.T, base string, v sigVector) *http.Request {
	t.Helper()
	u := base + v.URL
	if len(v.Params) > 0 {
		u += "?" + axiosQuery(v.Params)
	}
	var body *strings.Reader
	if v.Data != nil {
		body = strings.NewReader(*v.Data)
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(v.Method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, val := range v.Headers {
		req.Header.Set(k, val)
	}
	req.Header.Set("Authorization", v.Authorization)
	return req
}

func TestSignatureStringsToSign(t *testing.T) {
	t.Parallel()
	vs := loadVectors(t)
	for i, v := range vs.Cases {
		t.Run(fmt.Sprintf("%d %s %s", i, v.Method, v.URL), func(t *testing.T) {
			t.Parallel()
			req := vectorRequest(t, "http://sandbox", v)
			var raw []byte
			if v.Data != nil {
				raw = []byte(*v.Data)
			}
			cands := stringsToSign(signedRequest{method: req.Method, path: req.URL.Path, header: req.Header, query: req.URL.Query(), body: raw})
			found := false
			for _, c := range cands {
				found = found || c == v.StringToSign
			}
			if !found {
				t.Fatalf("no candidate matches\nwant %q\ngot  %q", v.StringToSign, cands)
			}
			if got := "authing " + vs.AccessKeyID + ":" + signString(vs.AccessKeySecret, v.StringToSign); got != v.Authorization {
				t.Fatalf("authorization = %q, want %q", got, v.Authorization)
			}
		})
	}
}

func TestSignatureVectorsEndToEnd(t *testing.T) {
	t.Parallel()
	vs := loadVectors(t)
	for i, v := range vs.Cases {
		t.Run(fmt.Sprintf("%d %s %s", i, v.Method, v.URL), func(t *testing.T) {
			t.Parallel()
			at, err := http.ParseTime(v.Headers["date"])
			if err != nil {
				t.Fatal(err)
			}
			s := startServer(t, Options{AccessKeyID: vs.AccessKeyID, AccessKeySecret: vs.AccessKeySecret, Now: func() time.Time { return at.Add(time.Minute) }})
			e := send(t, vectorRequest(t, s.URL(), v))
			if e.StatusCode == 401 {
				t.Fatalf("signed request rejected: %d/%d %s", e.StatusCode, e.APICode, e.Message)
			}
			// The nonce is now used: the same request again is a replay.
			send(t, vectorRequest(t, s.URL(), v)).fails(t, 401, apiCodeSignatureReplayed)
		})
	}
}

func TestSignatureFailures(t *testing.T) {
	t.Parallel()
	vs := loadVectors(t)
	base := vs.Cases[1] // POST create-user with a body
	at, _ := http.ParseTime(base.Headers["date"])
	tests := []struct {
		name   string
		mutate func(r *http.Request)
		now    time.Time
		code   int
	}{
		{"body changed", func(r *http.Request) {
			b := strings.Replace(*base.Data, "alice", "mallory", 1)
			r.Body = ioNopCloser(b)
			r.ContentLength = int64(len(b))
		}, at, apiCodeSignatureInvalid},
		{"wrong access key", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(base.Authorization, vs.AccessKeyID, "other", 1))
		}, at, apiCodeSignatureInvalid},
		{"header changed", func(r *http.Request) { r.Header.Set("x-authing-lang", "en-US") }, at, apiCodeSignatureInvalid},
		{"method", func(r *http.Request) { r.Header.Set("x-authing-signature-method", "HMAC-SHA256") }, at, apiCodeSignatureMethod},
		{"version", func(r *http.Request) { r.Header.Set("x-authing-signature-version", "2.0") }, at, apiCodeSignatureVersion},
		{"bad date", func(r *http.Request) { r.Header.Set("date", "yesterday") }, at, apiCodeSignatureBadDate},
		{"no date", func(r *http.Request) { r.Header.Del("date") }, at, apiCodeSignatureNoDate},
		{"clock skew", func(*http.Request) {}, at.Add(time.Hour), apiCodeSignatureClockSkew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			now := tt.now
			s := startServer(t, Options{AccessKeyID: vs.AccessKeyID, AccessKeySecret: vs.AccessKeySecret, Now: func() time.Time { return now }})
			req := vectorRequest(t, s.URL(), base)
			tt.mutate(req)
			send(t, req).fails(t, 401, tt.code)
		})
	}
}

// sharedAPIDir is the shared Authing API data (../shared/authing-api from the
// repository root), which holds the signature test vectors; AUTHING_API_DATA
// overrides it.
func sharedAPIDir() string {
	if d := os.Getenv("AUTHING_API_DATA"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "authing-api")
}
