package authingtest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// stdPayload decodes a JWT payload with the standard base64 alphabet, as one
// SDK does, failing on '-' or '_'.
func stdPayload(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	if strings.ContainsAny(parts[1], "-_") {
		t.Fatalf("payload %q has base64url-only characters", parts[1])
	}
	raw, err := base64.RawStdEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("standard base64 decode: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("payload JSON: %v", err)
	}
	return m
}

func TestManagementToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    Options
		wantTTL float64
	}{
		{"defaults", Options{}, 7200},
		{"custom ttl and pool", Options{TokenTTL: time.Minute, UserPoolID: "pool?~>ünï😀"}, 60},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := newClient(t, tt.opts)
			var tok struct {
				AccessToken string  `json:"access_token"`
				ExpiresIn   float64 `json:"expires_in"`
			}
			c.post(tokenPath, map[string]string{"accessKeyId": s.opts.AccessKeyID, "accessKeySecret": s.opts.AccessKeySecret}).into(t, &tok)
			if tok.ExpiresIn != tt.wantTTL {
				t.Errorf("expires_in = %v, want %v", tok.ExpiresIn, tt.wantTTL)
			}
			p := stdPayload(t, tok.AccessToken)
			if p["scoped_userpool_id"] != s.opts.UserPoolID {
				t.Errorf("scoped_userpool_id = %v, want %q", p["scoped_userpool_id"], s.opts.UserPoolID)
			}
			iat, _ := p["iat"].(float64)
			exp, _ := p["exp"].(float64)
			if exp-iat != tt.wantTTL {
				t.Errorf("exp - iat = %v, want %v", exp-iat, tt.wantTTL)
			}
		})
	}
}

func TestTokenPayloadAlphabet(t *testing.T) {
	t.Parallel()
	// Every pool id shape and many claims: the payload never needs base64url.
	pools := []string{"a", "ab", "abc", "~~~", "???", ">>>", "x~y?z>", "池子", "\x7f\x00", strings.Repeat("~?>", 20)}
	for _, pool := range pools {
		for i := int64(0); i < 50; i++ {
			tok := signJWT([]byte("k"), tokenClaims{UserPoolID: pool, IssuedAt: 1700000000 + i, ExpiresAt: 1700007200 + i*7, ID: strings.Repeat("~", int(i%5))})
			p := stdPayload(t, tok)
			if p["scoped_userpool_id"] != pool {
				t.Fatalf("round trip of %q gave %v", pool, p["scoped_userpool_id"])
			}
			if _, err := parseJWT([]byte("k"), tok); err != nil {
				t.Fatalf("parseJWT: %v", err)
			}
		}
	}
}

func TestAuthenticationFailures(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	s, c := newClient(t, Options{Now: clock.Now, TokenTTL: time.Hour})
	good := c.token
	other, err := New(Options{AccessKeySecret: "another-secret"})
	if err != nil {
		t.Fatal(err)
	}
	forged := other.IssueToken()

	tests := []struct {
		name   string
		header string
		status int
		code   int
	}{
		{"bearer token", "Bearer " + good, 200, 0},
		{"raw token", good, 200, 0},
		{"missing", "", 401, apiCodeNotLoggedIn},
		{"garbage", "Bearer not-a-jwt", 401, apiCodeNotLoggedIn},
		{"other key", "Bearer " + forged, 401, apiCodeNotLoggedIn},
		{"tampered", "Bearer " + good[:len(good)-2] + "xx", 401, apiCodeNotLoggedIn},
		{"bad signature", "authing " + s.opts.AccessKeyID + ":c2lnbmF0dXJl", 401, apiCodeSignatureNoDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, _ := http.NewRequest(http.MethodGet, s.URL()+"/api/v3/list-roles", nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			e := send(t, req)
			if tt.status == 200 {
				e.into(t, nil)
				return
			}
			e.fails(t, tt.status, tt.code)
		})
	}
}

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	_, c := newClient(t, Options{Now: clock.Now, TokenTTL: time.Hour})
	c.get("/api/v3/list-roles", nil).into(t, nil)
	clock.Add(time.Hour)
	c.get("/api/v3/list-roles", nil).fails(t, 401, apiCodeNotLoggedIn)
}

func TestWrongCredentials(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := &rawClient{t: t, base: s.URL()}
	tests := []struct {
		name   string
		body   any
		status int
	}{
		{"wrong secret", map[string]string{"accessKeyId": DemoAccessKeyID, "accessKeySecret": "nope"}, 403},
		{"wrong id", map[string]string{"accessKeyId": "nope", "accessKeySecret": DemoAccessKeySecret}, 403},
		{"missing secret", map[string]string{"accessKeyId": DemoAccessKeyID}, 400},
		{"malformed", `{"accessKeyId":`, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c.post(tokenPath, tt.body).fails(t, tt.status, 0)
		})
	}
}

func TestRoutingAndEnvelopes(t *testing.T) {
	t.Parallel()
	_, c := newClient(t, Options{})
	tests := []struct {
		name, method, path string
		body               any
		q                  url.Values
		status             int
		msg                string
	}{
		{"unknown path", "GET", "/api/v3/no-such-thing", nil, nil, 404, "Cannot GET"},
		{"wrong method", "DELETE", "/api/v3/list-roles", nil, nil, 404, "another method"},
		{"not emulated", "GET", "/api/v3/list-post", nil, nil, 501, "post_list"},
		{"row batch without /api/v3", "POST", "/get-row-batch", map[string]any{}, nil, 501, "get_row_batch"},
		{"literal {id}", "DELETE", "/api/v3/ip-list/{id}", nil, nil, 501, "delete_by_id"},
		{"real id", "DELETE", "/api/v3/user-list/abc", nil, nil, 501, "delete_user_list_by_id"},
		{"delete with query array", "DELETE", "/api/v3/batch-applications-auth", nil, url.Values{"authIds[]": {"a", "b"}}, 501, "delete_auth"},
		{"malformed body", "POST", "/api/v3/create-user", `{"username":`, nil, 400, "malformed JSON body"},
		{"array body", "POST", "/api/v3/create-user", `[1]`, nil, 400, "expected an object"},
		{"no identifier", "POST", "/api/v3/create-user", map[string]any{"name": "x"}, nil, 400, "Must contain one of the following fields: username, phone, email"},
		{"limit over 50", "GET", "/api/v3/list-roles", nil, url.Values{"limit": {"51"}}, 400, "limit"},
		{"page 0", "GET", "/api/v3/list-groups", nil, url.Values{"page": {"0"}}, 400, "page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := c.do(tt.method, tt.path, tt.body, tt.q)
			e.fails(t, tt.status, 0)
			if !strings.Contains(e.Message, tt.msg) {
				t.Errorf("message %q does not mention %q", e.Message, tt.msg)
			}
		})
	}
}

func TestEmulatedOperationsAreInTheCatalog(t *testing.T) {
	t.Parallel()
	known := map[string]bool{}
	for _, r := range catalogRoutes() {
		known[r.name] = true
	}
	for _, n := range Emulated() {
		if !known[n] {
			t.Errorf("handler %s is not a catalog operation", n)
		}
	}
}

// send performs req and decodes the envelope.
func send(t *testing.T, req *http.Request) env {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e env
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return e
}

func TestInProcessHandler(t *testing.T) {
	t.Parallel()
	s, err := New(Options{Seed: SeedDemo})
	if err != nil {
		t.Fatal(err)
	}
	if s.URL() != "" || s.Close() != nil {
		t.Fatal("a New server does not listen")
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v3/get-user?userId=alice&userIdType=username", nil)
	req.Header.Set("Authorization", "Bearer "+s.IssueToken())
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	var e env
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || rec.Code != 200 {
		t.Fatalf("HTTP %d: %s", rec.Code, rec.Body)
	}
	var u struct{ Username string }
	e.into(t, &u)
	if u.Username != "alice" {
		t.Fatalf("got %+v", u)
	}
}
