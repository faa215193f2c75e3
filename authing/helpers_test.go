package authing_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/seed-afc46a91/authingops/authing"
)

const (
	testKeyID     = "ak-test"
	testKeySecret = "sk-very-secret-value"
	testPool      = "pool-42"
)

// recorded is one management request the fake server received.
type recorded struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
}

// fakeAuthing is a minimal Authing endpoint: it issues tokens, records
// management requests and answers them with a handler the test sets.
type fakeAuthing struct {
	srv         *httptest.Server
	tokenCalls  atomic.Int64
	tokenSerial atomic.Int64
	// tokenFailures makes the next token requests answer HTTP 503.
	tokenFailures atomic.Int64
	expiresIn     int64

	mu       sync.Mutex
	requests []recorded
	noRecord bool
	// answer returns the raw HTTP status and body for a management request.
	answer func(r recorded, token string) (int, string)
}

// setup starts a fake Authing and a client pointed at it.
func setup(t *testing.T) (*authing.Client, *fakeAuthing) {
	t.Helper()
	return setupTB(t)
}

func setupTB(t testing.TB) (*authing.Client, *fakeAuthing) {
	t.Helper()
	f := &fakeAuthing{expiresIn: 7200}
	f.answer = func(recorded, string) (int, string) { return 200, `{"statusCode":200,"message":"ok","data":null}` }
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	c, err := authing.NewClient(authing.Options{
		AccessKeyID: testKeyID, AccessKeySecret: testKeySecret, Host: f.srv.URL + "/",
		Retry: authing.RetryPolicy{MaxAttempts: 3, BaseDelay: 1, MaxDelay: 2},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, f
}

func (f *fakeAuthing) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path == "/api/v3/get-management-token" {
		f.tokenCalls.Add(1)
		if f.tokenFailures.Add(-1) >= 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		var in struct{ AccessKeyID, AccessKeySecret string }
		_ = json.Unmarshal(body, &in)
		if in.AccessKeyID != testKeyID || in.AccessKeySecret != testKeySecret {
			fmt.Fprint(w, `{"statusCode":401,"apiCode":2021,"message":"bad access key","requestId":"rq-tok"}`)
			return
		}
		n := f.tokenSerial.Add(1)
		fmt.Fprintf(w, `{"statusCode":200,"message":"ok","data":{"access_token":%q,"expires_in":%d}}`, jwtFor(n), f.expiresIn)
		return
	}
	rec := recorded{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body}
	f.mu.Lock()
	if !f.noRecord {
		f.requests = append(f.requests, rec)
	}
	answer := f.answer
	f.mu.Unlock()
	status, out := answer(rec, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	w.WriteHeader(status)
	fmt.Fprint(w, out)
}

func (f *fakeAuthing) setAnswer(a func(r recorded, token string) (int, string)) {
	f.mu.Lock()
	f.answer = a
	f.mu.Unlock()
}

func (f *fakeAuthing) recorded() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.requests...)
}

// jwtFor returns an unsigned-looking JWT whose payload scopes it to testPool
// and whose serial makes every token distinct.
func jwtFor(serial int64) string {
	enc := base64.RawURLEncoding
	h := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	p := enc.EncodeToString([]byte(fmt.Sprintf(`{"scoped_userpool_id":%q,"serial":%d}`, testPool, serial)))
	return h + "." + p + ".sig"
}
