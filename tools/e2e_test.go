package tools

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The end-to-end tests drive the server with the official TypeScript SDK
// and run the MCP conformance suite. They need Node.js ≥ 22 and
// `npm ci --prefix tools/testdata/e2e`; without them they skip, unless
// AUTHINGOPS_REQUIRE_NODE is set (.ci/run sets it), when they fail.

const e2eDir = "testdata/e2e"

func requireNode(t *testing.T) string {
	t.Helper()
	skip := t.Skip
	skipf := t.Skipf
	if os.Getenv("AUTHINGOPS_REQUIRE_NODE") != "" {
		skip, skipf = t.Fatal, t.Fatalf
	}
	node, err := exec.LookPath("node")
	if err != nil {
		skip("node not found: install Node.js ≥ 22 and run npm ci --prefix tools/testdata/e2e")
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		skipf("node --version: %v", err)
	}
	m := regexp.MustCompile(`^v(\d+)`).FindStringSubmatch(strings.TrimSpace(string(out)))
	if m == nil {
		skipf("node version %q not understood", out)
	}
	if major, _ := strconv.Atoi(m[1]); major < 22 {
		skipf("node %s is too old: the MCP SDK e2e and the conformance suite need Node.js ≥ 22", strings.TrimSpace(string(out)))
	}
	if _, err := os.Stat(filepath.Join(e2eDir, "node_modules", "@modelcontextprotocol", "sdk")); err != nil {
		skip("npm packages missing: run npm ci --prefix tools/testdata/e2e")
	}
	return node
}

func runNode(t *testing.T, node string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = e2eDir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestTypeScriptSDKStdio(t *testing.T) {
	node := requireNode(t)
	bin := authingopsBinary(t)
	out := runNode(t, node, "e2e.mjs", "stdio", bin, "mcp", "--sandbox", "--discovery",
		"--audit-dsn", filepath.Join(t.TempDir(), "audit.db"), "--log-level", "error")
	if !strings.Contains(out, `"read":"ok"`) || !strings.Contains(out, "mcp-read-only") {
		t.Fatalf("e2e over stdio: %s", out)
	}
}

func TestTypeScriptSDKHTTP(t *testing.T) {
	node := requireNode(t)
	f := newFixture(t, fixtureOpts{caller: "mcp:nobody", exposure: Exposure{Discovery: true}})
	ks, err := NewKeySet([]KeyEntry{{Caller: "mcp:claude-desktop", SHA256: HashKey(testKey)}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := f.srv.HTTPHandler(HTTPOptions{Keys: ks})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/mcp", h)
	ts := httptest.NewServer(mux)
	defer ts.Close()
	out := runNode(t, node, "e2e.mjs", "http", ts.URL+"/mcp", testKey)
	if !strings.Contains(out, `"read":"ok"`) || !strings.Contains(out, "mcp-read-only") {
		t.Fatalf("e2e over HTTP: %s", out)
	}
}

// TestConformance runs the official conformance suite against
// `authingops serve --sandbox` with the checked-in expected failures.
func TestConformance(t *testing.T) {
	node := requireNode(t)
	bin := authingopsBinary(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	srv := exec.Command(bin, "serve", "--sandbox", "--addr", addr, "--audit-dsn", filepath.Join(t.TempDir(), "audit.db"),
		"--mcp-rate", "60000", "--log-format", "json")
	stderr, _ := srv.StderrPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Process.Signal(os.Interrupt); _ = srv.Wait() }()
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "authingops serving") {
				close(ready)
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("authingops serve did not start")
	}
	conformance := filepath.Join("node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js")
	runNode(t, node, conformance, "server", "--url", "http://"+addr+"/mcp",
		"--expected-failures", filepath.Join("..", "conformance", "expected-failures.yaml"))
}
