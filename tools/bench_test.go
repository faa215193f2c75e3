package tools

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/authing/authingtest"
)

// Benchmarks of the figures. Run them with
//
//	go test ./tools/ -run '^$' -bench . -benchtime 20x
//
// They build the authingops binary once and spawn it, so they measure what a
// client sees: process start, runtime set-up (policy load, audit store,
// sandbox), the tool registry and the protocol.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// authingopsBinary builds the authingops binary once per test process.
func authingopsBinary(tb testing.TB) string {
	tb.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "authingops-test")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "authingops")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/seed-afc46a91/authingops/cmd/authingops").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		tb.Fatal(binErr)
	}
	return binPath
}

// stdioRun spawns the server, sends initialize then tools/list, and returns
// the times to each answer, the size of the tools/list answer and the
// process's peak RSS in bytes.
func stdioRun(b *testing.B, args ...string) (toInit, toList time.Duration, listBytes int, maxRSS int64) {
	b.Helper()
	cmd := exec.Command(authingopsBinary(b), args...)
	// The caller override lets the starter-policy mode act as the starter
	// assistant without the sandbox.
	cmd.Env = append(os.Environ(), "AUTHING_ACCESS_KEY_ID=bench", "AUTHING_ACCESS_KEY_SECRET=bench-secret", "AUTHINGOPS_ALLOW_CALLER_OVERRIDE=1")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	r := bufio.NewReaderSize(stdout, 1<<20)
	fmt.Fprintln(stdin, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}`)
	if _, err := r.ReadString('\n'); err != nil {
		b.Fatal(err)
	}
	toInit = time.Since(start)
	fmt.Fprintln(stdin, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	fmt.Fprintln(stdin, `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	line, err := r.ReadString('\n')
	if err != nil {
		b.Fatal(err)
	}
	toList = time.Since(start)
	_ = stdin.Close()
	_ = cmd.Wait()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		maxRSS = ru.Maxrss * 1024
	}
	return toInit, toList, len(line), maxRSS
}

func median(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)/2]
}

// BenchmarkStdioColdStart: from spawning `authingops mcp` to the initialize
// answer and to the full tools/list answer (medians), and the peak RSS.
func BenchmarkStdioColdStart(b *testing.B) {
	dir := b.TempDir()
	modes := []struct {
		name string
		args []string
	}{
		{"sandbox-default", []string{"mcp", "--sandbox"}},
		{"sandbox-all-tools", []string{"mcp", "--sandbox", "--toolsets", "all"}},
		{"sandbox-discovery", []string{"mcp", "--sandbox", "--discovery"}},
		{"starter-all-tools-no-sandbox", []string{"mcp", "--starter", "--caller", "mcp:claude-desktop", "--toolsets", "all"}},
	}
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			args := append(slices.Clone(m.args), "--audit-dsn", filepath.Join(dir, m.name+".db"), "--log-level", "error")
			var inits, lists []time.Duration
			var rss int64
			var size int
			for b.Loop() {
				i, l, n, r := stdioRun(b, args...)
				inits, lists = append(inits, i), append(lists, l)
				rss, size = max(rss, r), n
			}
			b.ReportMetric(float64(median(inits).Microseconds())/1000, "ms-to-initialize")
			b.ReportMetric(float64(median(lists).Microseconds())/1000, "ms-to-tools-list")
			b.ReportMetric(float64(rss)/(1<<20), "MiB-peak-RSS")
			b.ReportMetric(float64(size), "tools-list-bytes")
		})
	}
}

// BenchmarkReadCall compares a read (get_user) over MCP Streamable HTTP,
// through the gate, with the direct client call against the same sandbox,
// answering at once and with 5 ms of injected latency (closer to a real
// Authing round trip).
func BenchmarkReadCall(b *testing.B) {
	for _, latency := range []int64{0, 5} {
		b.Run(fmt.Sprintf("authing-latency-%dms", latency), func(b *testing.B) { benchReadCall(b, latency) })
	}
}

func benchReadCall(b *testing.B, latencyMS int64) {
	f := newFixture(b, fixtureOpts{})
	if latencyMS > 0 {
		if _, err := f.sandbox.Faults().Add(authingtest.Fault{Kind: authingtest.FaultLatency, LatencyMS: latencyMS, Operation: "get_user"}); err != nil {
			b.Fatal(err)
		}
	}
	ks, _ := NewKeySet([]KeyEntry{{Caller: "mcp:claude-desktop", SHA256: HashKey(testKey)}})
	h, err := f.srv.HTTPHandler(HTTPOptions{Keys: ks, RatePerMinute: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/mcp", h)
	ts := httptest.NewServer(mux)
	defer ts.Close()
	args := json.RawMessage(`{"userId":"alice","userIdType":"username"}`)
	creds := f.sandbox.Credentials()
	direct, err := authing.NewClient(authing.Options{AccessKeyID: creds.AccessKeyID, AccessKeySecret: creds.AccessKeySecret, Host: creds.Host})
	if err != nil {
		b.Fatal(err)
	}
	op, _ := authing.LookupOperation("get_user")
	ctx := context.Background()

	b.Run("direct-client", func(b *testing.B) {
		for b.Loop() {
			if _, err := op.Invoke(ctx, direct, args); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("mcp-http", func(b *testing.B) {
		c, err := client.NewStreamableHttpClient(ts.URL+"/mcp", transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + testKey}))
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		if err := c.Start(ctx); err != nil {
			b.Fatal(err)
		}
		init := mcp.InitializeRequest{}
		init.Params.ProtocolVersion = "2025-06-18"
		init.Params.ClientInfo = mcp.Implementation{Name: "bench", Version: "1"}
		if _, err := c.Initialize(ctx, init); err != nil {
			b.Fatal(err)
		}
		req := mcp.CallToolRequest{}
		req.Params.Name = "get_user"
		req.Params.Arguments = args
		for b.Loop() {
			res, err := c.CallTool(ctx, req)
			if err != nil || res.IsError {
				b.Fatalf("%v %v", err, res)
			}
		}
	})
}

// BenchmarkBuildTools builds every operation's tool (compact schema,
// description, annotations), as start-up does, without reflection.
func BenchmarkBuildTools(b *testing.B) {
	s := &Server{exposure: Exposure{Toolsets: []string{"all"}}}
	for b.Loop() {
		if _, err := s.operationTools(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkToolsList answers tools/list in process, policy-filtered for
// the starter assistant (cached per caller and policy version).
func BenchmarkToolsList(b *testing.B) {
	for _, m := range []struct {
		name string
		e    Exposure
	}{{"default", Exposure{}}, {"all", Exposure{Toolsets: []string{"all"}}}, {"discovery", Exposure{Discovery: true}}} {
		b.Run(m.name, func(b *testing.B) {
			f := newFixture(b, fixtureOpts{exposure: m.e})
			c := f.client(b)
			ctx := context.Background()
			for b.Loop() {
				if _, err := c.ListTools(ctx, mcp.ListToolsRequest{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
