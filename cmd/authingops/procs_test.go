package main

// Helpers of the tests that run the authingops binary as separate
// processes (replicas_test.go, shutdown_test.go): build it once, start a
// standalone sandbox and `serve` processes on loopback ports chosen by the
// kernel, read their addresses from their output, stop them in t.Cleanup.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"github.com/seed-afc46a91/authingops/authing/authingtest"
)

// pgDSNEnv names the PostgreSQL server the multi-process tests use.
const pgDSNEnv = "AUTHINGOPS_TEST_POSTGRES_DSN"

// procTimeout bounds every wait on a child process. It is a safety net
// against hangs, never a speed requirement.
const procTimeout = 60 * time.Second

var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// TestMain removes the binary built for the process tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// binary builds cmd/authingops once per test run and returns its path.
func binary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "authingops-bin-"); built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "authingops")
		out, err := exec.Command("go", "build", "-o", built.path, ".").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// proc is a running child process whose combined output is kept.
type proc struct {
	name string
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{} // closed once the process exited
	err  error         // Wait's result, valid after done
}

// lockedBuffer is an output sink safe for the copier and the test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// childEnv is a minimal environment for a child: nothing of the test
// runner's own AUTHINGOPS_*, AUTHING_* or SLACK_* settings leaks in.
func childEnv(vars map[string]string) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TMPDIR=" + os.TempDir()}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}

// start runs the binary with args and env; t.Cleanup kills it if it still
// runs and, when the test failed, logs its output.
func start(t *testing.T, name string, env map[string]string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, cmd: exec.Command(binary(t), args...), out: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd.Env = childEnv(env)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("--- output of %s ---\n%s", name, p.out.String())
		}
	})
	return p
}

// waitOutput polls the output until find returns a value, the process
// exits, or procTimeout passes.
func (p *proc) waitOutput(t *testing.T, what string, find func(line string) (string, bool)) string {
	t.Helper()
	deadline := time.Now().Add(procTimeout)
	for time.Now().Before(deadline) {
		sc := bufio.NewScanner(strings.NewReader(p.out.String()))
		for sc.Scan() {
			if v, ok := find(sc.Text()); ok {
				return v
			}
		}
		select {
		case <-p.done:
			t.Fatalf("%s exited (%v) before printing %s", p.name, p.err, what)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("%s did not print %s within %s", p.name, what, procTimeout)
	return ""
}

// wait waits for the process to exit and returns its exit code.
func (p *proc) wait(t *testing.T, bound time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(bound):
		t.Fatalf("%s still runs after %s", p.name, bound)
	}
	if p.cmd.ProcessState == nil {
		t.Fatalf("%s: no exit status: %v", p.name, p.err)
	}
	return p.cmd.ProcessState.ExitCode()
}

// signal sends sig to the process.
func (p *proc) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %s: %v", p.name, err)
	}
}

// startSandboxProc starts `authingops sandbox` on a free loopback port and
// returns it with its host (http://127.0.0.1:PORT).
func startSandboxProc(t *testing.T) (*proc, string) {
	t.Helper()
	p := start(t, "sandbox", nil, "sandbox", "--addr", "127.0.0.1:0", "--seed", authingtest.SeedDemo)
	host := p.waitOutput(t, "its host", func(line string) (string, bool) {
		v, ok := strings.CutPrefix(strings.TrimSpace(line), "host:")
		return strings.TrimSpace(v), ok
	})
	return p, host
}

// startServe starts `authingops serve --addr 127.0.0.1:0` with env (and the
// sandbox's credentials for host) and returns the process and its base URL,
// read from the JSON log line announcing it, once /readyz answers 200.
func startServe(t *testing.T, name, host string, env map[string]string, args ...string) (*proc, string) {
	t.Helper()
	all := map[string]string{
		"AUTHING_HOST":              host,
		"AUTHING_ACCESS_KEY_ID":     authingtest.DemoAccessKeyID,
		"AUTHING_ACCESS_KEY_SECRET": authingtest.DemoAccessKeySecret,
		"AUTHINGOPS_LOG_FORMAT":     "json",
	}
	for k, v := range env {
		all[k] = v
	}
	p := start(t, name, all, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	addr := p.waitOutput(t, "its address", func(line string) (string, bool) {
		var l struct{ Message, Addr string }
		if json.Unmarshal([]byte(line), &l) != nil || l.Message != "authingops serving" || l.Addr == "" {
			return "", false
		}
		return l.Addr, true
	})
	base := "http://" + addr
	waitReady(t, base)
	return p, base
}

// waitReady polls /readyz until it answers 200.
func waitReady(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(procTimeout)
	var last string
	for time.Now().Before(deadline) {
		code, body := httpGet(t, base+"/readyz")
		if code == http.StatusOK {
			return
		}
		last = fmt.Sprintf("%d %s", code, body)
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s/readyz not ready within %s: %s", base, procTimeout, last)
}

// httpGet returns the status and body of a GET, or 0 when the request
// failed (connection refused).
func httpGet(t *testing.T, u string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// sandboxCalls reads the sandbox's request counter of one operation.
func sandboxCalls(t *testing.T, host, op string) int {
	t.Helper()
	code, body := httpGet(t, host+authingtest.AdminCallsPath)
	if code != http.StatusOK {
		t.Fatalf("%s: %d %s", authingtest.AdminCallsPath, code, body)
	}
	var counts map[string]int
	if err := json.Unmarshal([]byte(body), &counts); err != nil {
		t.Fatalf("%s: %v", authingtest.AdminCallsPath, err)
	}
	return counts[op]
}

// addSandboxFault installs a fault through the sandbox's admin endpoint.
func addSandboxFault(t *testing.T, host string, f authingtest.Fault) {
	t.Helper()
	body, _ := json.Marshal(f)
	res, err := http.Post(host+authingtest.AdminFaultsPath, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("add fault: %d %s", res.StatusCode, b)
	}
}

// postgresSchema returns a DSN of the test PostgreSQL server confined to a
// fresh schema (through search_path) that is dropped after the test. It
// skips the test when AUTHINGOPS_TEST_POSTGRES_DSN is unset.
func postgresSchema(t *testing.T) string {
	t.Helper()
	base := os.Getenv(pgDSNEnv)
	if base == "" {
		t.Skip("PostgreSQL not configured: set " + pgDSNEnv + " (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the multi-replica test; .ci/run sets it")
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	schema := "replicas_test_" + hex.EncodeToString(rnd[:])
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if db, err := sql.Open("pgx", base); err == nil {
			_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
			_ = db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// repoPath returns a path of the repository from this package's directory.
func repoPath(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", rel))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
