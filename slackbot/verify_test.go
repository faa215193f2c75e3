package slackbot

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Slack's documented example (api.slack.com, "Verifying requests from Slack").
const (
	exampleTS   = 1531420618
	exampleBody = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	exampleSig  = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

func TestSignDocumentedExample(t *testing.T) {
	t.Parallel()
	if got := Sign(testSecret, exampleTS, []byte(exampleBody)); got != exampleSig {
		t.Fatalf("Sign = %s, want %s", got, exampleSig)
	}
}

func headers(ts, sig string) http.Header {
	h := http.Header{}
	if ts != "" {
		h.Set(HeaderTimestamp, ts)
	}
	if sig != "" {
		h.Set(HeaderSignature, sig)
	}
	return h
}

func TestVerify(t *testing.T) {
	t.Parallel()
	at := func(d time.Duration) func() time.Time {
		return func() time.Time { return time.Unix(exampleTS, 0).Add(d) }
	}
	ts := strconv.Itoa(exampleTS)
	tests := []struct {
		name   string
		now    func() time.Time
		secret string
		h      http.Header
		body   string
		want   error
	}{
		{"documented example", at(30 * time.Second), testSecret, headers(ts, exampleSig), exampleBody, nil},
		{"upper-case hex", at(0), testSecret, headers(ts, "v0="+strings.ToUpper(exampleSig[3:])), exampleBody, nil},
		{"edge of the window", at(DefaultMaxSkew), testSecret, headers(ts, exampleSig), exampleBody, nil},
		{"tampered body", at(0), testSecret, headers(ts, exampleSig), strings.Replace(exampleBody, "text=", "text=delete", 1), ErrBadSignature},
		{"tampered timestamp", at(0), testSecret, headers(strconv.Itoa(exampleTS+1), exampleSig), exampleBody, ErrBadSignature},
		{"forged with another secret", at(0), "not-the-secret", headers(ts, exampleSig), exampleBody, ErrBadSignature},
		{"stale", at(DefaultMaxSkew + time.Second), testSecret, headers(ts, exampleSig), exampleBody, ErrStale},
		{"future", at(-DefaultMaxSkew - time.Second), testSecret, headers(ts, exampleSig), exampleBody, ErrStale},
		{"no signature", at(0), testSecret, headers(ts, ""), exampleBody, ErrUnsigned},
		{"no timestamp", at(0), testSecret, headers("", exampleSig), exampleBody, ErrUnsigned},
		{"not a number", at(0), testSecret, headers("yesterday", exampleSig), exampleBody, ErrUnsigned},
		{"other version", at(0), testSecret, headers(ts, "v1="+exampleSig[3:]), exampleBody, ErrUnsigned},
		{"short signature", at(0), testSecret, headers(ts, exampleSig[:20]), exampleBody, ErrUnsigned},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := NewVerifier(tt.secret, 0, tt.now)
			if err := v.Verify(tt.h, []byte(tt.body)); !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVerifyRefusesReplays(t *testing.T) {
	t.Parallel()
	now := time.Unix(exampleTS, 0)
	v := NewVerifier(testSecret, 0, func() time.Time { return now })
	h := headers(strconv.Itoa(exampleTS), exampleSig)
	if err := v.Verify(h, []byte(exampleBody)); err != nil {
		t.Fatal(err)
	}
	if err := v.Verify(h, []byte(exampleBody)); !errors.Is(err, ErrReplay) {
		t.Fatalf("second delivery: %v, want ErrReplay", err)
	}
	// A forged request is not remembered, so it cannot block the real one.
	v2 := NewVerifier(testSecret, 0, func() time.Time { return now })
	_ = v2.Verify(headers(strconv.Itoa(exampleTS), "v0="+strings.Repeat("0", 64)), []byte(exampleBody))
	if err := v2.Verify(h, []byte(exampleBody)); err != nil {
		t.Fatalf("genuine request after a forgery: %v", err)
	}
	if !v.Remember("trigger", "T-1") || v.Remember("trigger", "T-1") {
		t.Error("trigger ids are not remembered once")
	}
	if !v.Remember("trigger", "") || !v.Remember("trigger", "") {
		t.Error("an empty trigger id must not count as seen")
	}
}

func TestReplayCacheExpiresAndBounds(t *testing.T) {
	t.Parallel()
	c := newReplayCache(3)
	t0 := time.Unix(0, 0)
	for i := range 5 {
		if !c.add(fmt.Sprint(i), t0.Add(time.Minute), t0) {
			t.Fatalf("key %d refused", i)
		}
	}
	c.add("x", t0.Add(time.Minute), t0) // prunes beyond capacity
	if n := c.len(); n > 4 {
		t.Errorf("cache holds %d keys, capacity 3", n)
	}
	if c.add("x", t0.Add(time.Minute), t0.Add(time.Second)) {
		t.Error("a live key was accepted again")
	}
	if !c.add("x", t0.Add(3*time.Minute), t0.Add(2*time.Minute)) {
		t.Error("an expired key was refused")
	}
	if n := c.len(); n != 1 {
		t.Errorf("after expiry the cache holds %d keys, want 1", n)
	}
}

// Over HTTP: nothing unverified is read or run; replays are refused; the
// payload is read from the body only.
func TestHTTPRefusesUnverifiedRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	form := e.commandForm("U1", "list_users", "h")
	post := func(path, query, body string, h http.Header) int {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path+query, strings.NewReader(body))
		req.Header = h
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	now := time.Now().Unix()
	signed := func(ts int64, body string) http.Header {
		return headers(strconv.FormatInt(ts, 10), Sign(testSecret, ts, []byte(body)))
	}
	tests := []struct {
		name, path, query, body string
		h                       http.Header
		want                    int
	}{
		{"unsigned command", PathCommands, "", form, http.Header{}, http.StatusUnauthorized},
		{"forged command", PathCommands, "", form, headers(strconv.FormatInt(now, 10), "v0="+strings.Repeat("ab", 32)), http.StatusUnauthorized},
		{"stale command", PathCommands, "", form, signed(now-600, form), http.StatusUnauthorized},
		{"future command", PathCommands, "", form, signed(now+600, form), http.StatusUnauthorized},
		{"tampered command", PathCommands, "", form + "&x=1", signed(now, form), http.StatusUnauthorized},
		{"forged click", PathInteractions, "", "payload=%7B%7D", headers(strconv.FormatInt(now, 10), "v0="+strings.Repeat("cd", 32)), http.StatusUnauthorized},
	}
	for _, tt := range tests {
		if got := post(tt.path, tt.query, tt.body, tt.h); got != tt.want {
			t.Errorf("%s: HTTP %d, want %d", tt.name, got, tt.want)
		}
	}
	// The same signed request twice, then the same trigger re-signed later.
	h := signed(now, form)
	if got := post(PathCommands, "", form, h.Clone()); got != http.StatusOK {
		t.Fatalf("genuine command: HTTP %d", got)
	}
	if got := post(PathCommands, "", form, h.Clone()); got != http.StatusConflict {
		t.Errorf("replayed command: HTTP %d, want 409", got)
	}
	if got := post(PathCommands, "", form, signed(now+1, form)); got != http.StatusConflict {
		t.Errorf("re-signed replay of a trigger: HTTP %d, want 409", got)
	}
	// Fields in the URL query are ignored: the body asks for help.
	body := e.commandForm("U1", "help", "q")
	q := "?" + url.Values{"text": {"delete_users_batch userIds=x"}, "user_id": {"U2"}}.Encode()
	if got := post(PathCommands, q, body, signed(now, body)); got != http.StatusOK {
		t.Errorf("command with a query: HTTP %d", got)
	}
	if recs := e.records("delete_users_batch"); len(recs) != 0 {
		t.Errorf("the URL query was read: %d records", len(recs))
	}
}
