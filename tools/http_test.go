package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

const testKey = "ao_test-key-for-the-assistant"

// httpFixture serves the fixture's MCP server over Streamable HTTP with one
// key for mcp:claude-desktop and one for mcp:stranger-bot.
func httpFixture(t *testing.T, mutate func(*HTTPOptions)) (*fixture, *httptest.Server) {
	t.Helper()
	// The default caller is unregistered: over HTTP the key decides.
	f := newFixture(t, fixtureOpts{caller: "mcp:nobody"})
	ks, err := NewKeySet([]KeyEntry{
		{Caller: "mcp:claude-desktop", SHA256: HashKey(testKey)},
		{Caller: "mcp:other", SHA256: HashKey(testKey + "-other")},
	})
	if err != nil {
		t.Fatal(err)
	}
	opts := HTTPOptions{Keys: ks, MaxBodyBytes: 64 << 10}
	if mutate != nil {
		mutate(&opts)
	}
	h, err := f.srv.HTTPHandler(opts)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/mcp", h)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return f, ts
}

const initBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`

func post(t *testing.T, url, body string, hdr map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = res.Body.Close() })
	return res
}

func TestHTTPSecurity(t *testing.T) {
	t.Parallel()
	_, ts := httpFixture(t, nil)
	url := ts.URL + "/mcp"
	auth := "Bearer " + testKey
	// A real session of the assistant, to forge around.
	res := post(t, url, initBody, map[string]string{"Authorization": auth})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("initialize: %d", res.StatusCode)
	}
	session := res.Header.Get("Mcp-Session-Id")
	if session == "" {
		t.Fatal("no session id issued")
	}
	list := `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`
	tests := []struct {
		name   string
		body   string
		hdr    map[string]string
		status int
	}{
		{"no key", initBody, nil, http.StatusUnauthorized},
		{"wrong key", initBody, map[string]string{"Authorization": "Bearer nope"}, http.StatusUnauthorized},
		{"not bearer", initBody, map[string]string{"Authorization": "Basic " + testKey}, http.StatusUnauthorized},
		{"foreign origin", initBody, map[string]string{"Authorization": auth, "Origin": "https://evil.example"}, http.StatusForbidden},
		{"loopback origin", initBody, map[string]string{"Authorization": auth, "Origin": "http://localhost:6274"}, http.StatusOK},
		{"oversized body", `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"` + strings.Repeat("a", 70<<10) + `"}}`, map[string]string{"Authorization": auth}, http.StatusRequestEntityTooLarge},
		{"forged session id", list, map[string]string{"Authorization": auth, "Mcp-Session-Id": "ao-" + strings.Repeat("0", 64)}, http.StatusNotFound},
		{"mcp-go style session id never issued", list, map[string]string{"Authorization": auth, "Mcp-Session-Id": "mcp-session-6f1c1f4e-8d0b-4f5a-9a59-2d6f0c9e2b11"}, http.StatusNotFound},
		{"another caller's session", list, map[string]string{"Authorization": "Bearer " + testKey + "-other", "Mcp-Session-Id": session}, http.StatusNotFound},
		{"own session", list, map[string]string{"Authorization": auth, "Mcp-Session-Id": session}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := post(t, url, tt.body, tt.hdr)
			if res.StatusCode != tt.status {
				b, _ := io.ReadAll(res.Body)
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tt.status, b)
			}
			if tt.status == http.StatusUnauthorized && !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Fatalf("401 without WWW-Authenticate: Bearer")
			}
			b, _ := io.ReadAll(res.Body)
			if bytes.Contains(b, []byte(testKey)) {
				t.Fatal("the key is echoed")
			}
		})
	}
}

func TestHTTPRateLimit(t *testing.T) {
	t.Parallel()
	_, ts := httpFixture(t, func(o *HTTPOptions) { o.RatePerMinute, o.Burst = 1, 2 })
	var codes []int
	for range 4 {
		codes = append(codes, post(t, ts.URL+"/mcp", initBody, map[string]string{"Authorization": "Bearer " + testKey}).StatusCode)
	}
	if codes[0] != 200 || codes[1] != 200 || codes[3] != http.StatusTooManyRequests {
		t.Fatalf("codes %v", codes)
	}
}

func TestHTTPLoopbackCallerOnlyWithoutKey(t *testing.T) {
	t.Parallel()
	_, ts := httpFixture(t, func(o *HTTPOptions) {
		o.Keys = nil
		o.LoopbackCaller = &Caller{ID: "mcp:claude-desktop"}
	})
	if res := post(t, ts.URL+"/mcp", initBody, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("loopback without key: %d", res.StatusCode)
	}
	if res := post(t, ts.URL+"/mcp", initBody, map[string]string{"Authorization": "Bearer guess"}); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a wrong key still passes: %d", res.StatusCode)
	}
}

// TestHTTPClientListsAndCalls drives the server with mcp-go's Streamable
// HTTP client as the key's caller: list, read, and a denial.
func TestHTTPClientListsAndCalls(t *testing.T) {
	t.Parallel()
	_, ts := httpFixture(t, nil)
	c, err := client.NewStreamableHttpClient(ts.URL+"/mcp", transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + testKey}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "t", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	tools, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tools.Tools) < 50 {
		t.Fatalf("%d tools", len(tools.Tools))
	}
	res, err := call(t, c, "get_user", map[string]any{"userId": "alice", "userIdType": "username"})
	if err != nil || res.IsError {
		t.Fatalf("get_user: %v %s", err, text(res))
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(text(res)), &v); err != nil || v["username"] != "alice" {
		t.Fatalf("get_user result %s", text(res))
	}
	res, err = call(t, c, "audit_query", map[string]any{})
	if err != nil || res.IsError {
		t.Fatalf("audit_query: %v", err)
	}
}
