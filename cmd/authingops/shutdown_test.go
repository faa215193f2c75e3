package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/internal/loadtest"
	"github.com/seed-afc46a91/authingops/tools"
)

// `authingops serve` in production shape, one process: the standalone
// sandbox as Authing, a SQLite audit log, the example policies, an MCP API
// key. On SIGTERM it refuses new connections, finishes the call in flight
// with its audit records, and exits 0; /healthz, /readyz and /metrics say
// what an orchestrator and Prometheus need.

// serveKey is the MCP API key of mcp:claude-desktop in these tests.
const serveKey = "ao_serve-test-key-of-the-assistant"

// holdingProxy stands between serve and Authing and holds requests to one
// path until the test releases them, so a call is in flight for exactly as
// long as the test needs, whatever the machine's speed.
type holdingProxy struct {
	url     string
	arrived chan struct{}
	release chan struct{}
	once    sync.Once
}

func newHoldingProxy(t *testing.T, target, path string) *holdingProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	h := &holdingProxy{arrived: make(chan struct{}, 16), release: make(chan struct{})}
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == path {
			h.arrived <- struct{}{}
			<-h.release
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(h.releaseAll) // runs first: Close waits for held requests
	h.url = srv.URL
	return h
}

func (h *holdingProxy) releaseAll() { h.once.Do(func() { close(h.release) }) }

// serveEnv writes an MCP keys file and returns the settings of one serve
// process with a SQLite audit log in dir.
func serveEnv(t *testing.T, dir string) map[string]string {
	t.Helper()
	keys := filepath.Join(dir, "mcp-keys.yaml")
	doc := "keys:\n  - caller: mcp:claude-desktop\n    name: Claude Desktop\n    sha256: " + tools.HashKey(serveKey) + "\n"
	if err := os.WriteFile(keys, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"AUTHINGOPS_AUDIT_DSN":     filepath.Join(dir, "audit.db"),
		"AUTHINGOPS_SECRET_KEY":    replicaSecretKey,
		"AUTHINGOPS_POLICIES":      repoPath(t, "examples/policies"),
		"AUTHINGOPS_MCP_KEYS_FILE": keys,
	}
}

// openListeningStream opens an MCP session and its standing GET stream
// (server-to-client messages), as long-lived clients keep one open; the
// stream is read until the server ends it.
func openListeningStream(t *testing.T, base string) {
	t.Helper()
	const init = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"listener","version":"1"}}}`
	req, _ := http.NewRequest(http.MethodPost, base+"/mcp", strings.NewReader(init))
	req.Header.Set("Authorization", "Bearer "+serveKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	session := res.Header.Get("Mcp-Session-Id")
	if res.StatusCode != http.StatusOK || session == "" {
		t.Fatalf("initialize: %d, session %q", res.StatusCode, session)
	}
	get, _ := http.NewRequest(http.MethodGet, base+"/mcp", nil)
	get.Header.Set("Authorization", "Bearer "+serveKey)
	get.Header.Set("Accept", "text/event-stream")
	get.Header.Set("Mcp-Session-Id", session)
	get.Header.Set("Mcp-Protocol-Version", "2025-06-18")
	stream, err := http.DefaultClient.Do(get)
	if err != nil {
		t.Fatal(err)
	}
	if stream.StatusCode != http.StatusOK {
		t.Fatalf("GET stream: %d", stream.StatusCode)
	}
	go func() {
		_, _ = io.Copy(io.Discard, stream.Body)
		stream.Body.Close()
	}()
}

func TestServeSIGTERMFinishesInFlightCall(t *testing.T) {
	_, sandboxHost := startSandboxProc(t)
	hold := newHoldingProxy(t, sandboxHost, "/api/v3/create-user")
	dir := t.TempDir()
	env := serveEnv(t, dir)
	p, base := startServe(t, "serve", hold.url, env)

	openListeningStream(t, base)
	tg, err := loadtest.NewMCPTarget(context.Background(), loadtest.MCPOptions{URL: base + "/mcp", Key: serveKey, Clients: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tg.Close() })
	type outcome struct {
		status string
		err    error
	}
	done := make(chan outcome, 1)
	go func() {
		st, err := tg.Call(context.Background(), 0, "create_user", json.RawMessage(`{"username":"in-flight-at-sigterm","name":"SIGTERM test"}`))
		done <- outcome{st, err}
	}()
	<-hold.arrived // the call is in Authing's hands now
	p.signal(t, syscall.SIGTERM)

	waitFor(t, "new connections to be refused", func() bool {
		code, _ := httpGet(t, base+"/healthz")
		return code == 0
	})
	select {
	case o := <-done:
		t.Fatalf("the call ended (%v) while Authing still held it", o)
	default:
	}

	hold.releaseAll()
	o := <-done
	if o.err != nil || o.status != "succeeded" {
		t.Fatalf("the in-flight call ended %q, %v; want succeeded", o.status, o.err)
	}
	if code := p.wait(t, procTimeout); code != 0 {
		t.Fatalf("serve exited %d after SIGTERM, want 0", code)
	}
	if n := sandboxCalls(t, sandboxHost, "create_user"); n != 1 {
		t.Fatalf("Authing saw %d create_user, want 1", n)
	}

	st, err := audit.Open(context.Background(), env["AUTHINGOPS_AUDIT_DSN"])
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	recs, err := st.Query(context.Background(), audit.Filter{Operation: "create_user"})
	if err != nil {
		t.Fatal(err)
	}
	var phases []string
	for _, r := range recs {
		phases = append(phases, string(r.Phase))
	}
	if got := strings.Join(phases, ","); got != "executing,succeeded" {
		t.Fatalf("create_user audit phases %q, want executing,succeeded", got)
	}
	if rep, err := st.Verify(context.Background()); err != nil || !rep.OK {
		t.Fatalf("audit verify: %v %+v", err, rep)
	}
}
