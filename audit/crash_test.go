package audit

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// crashChildEnv switches the test binary into the crash child: it opens the
// SQLite store at this path and appends forever, printing "seq N" after each
// Append returns.
const crashChildEnv = "AUTHINGOPS_AUDIT_CRASH_CHILD"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		os.Exit(runCrashChild(path))
	}
	code := m.Run()
	cleanupBenchData()
	os.Exit(code)
}

func runCrashChild(path string) int {
	s, err := Open(context.Background(), "sqlite:"+path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		return 2
	}
	var mu sync.Mutex // one write per line keeps lines whole
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				r := rec(fmt.Sprintf("mcp:w%d", w), "updateUser", PhaseExecuting, fmt.Sprintf(`{"userId":"u%d"}`, i))
				if err := s.Append(context.Background(), r); err != nil {
					fmt.Fprintln(os.Stderr, "crash child append:", err)
					os.Exit(3)
				}
				mu.Lock()
				_, _ = os.Stdout.WriteString("seq " + strconv.FormatInt(r.Seq, 10) + "\n")
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return 0
}

// TestCrashSafety SIGKILLs a child that appends in a loop, ten times, at
// points chosen by how many appends it has reported (never by wall-clock
// time). Every reported append must survive and the chain must verify.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "crash.db")
	reported := map[int64]bool{}
	const kills = 10
	for k := 0; k < kills; k++ {
		killAfter := 5 + (k*37)%120 // lines to read before the kill
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		lines, killed := 0, false
		for sc.Scan() {
			seq, err := strconv.ParseInt(strings.TrimPrefix(sc.Text(), "seq "), 10, 64)
			if err != nil {
				t.Fatalf("child printed %q", sc.Text())
			}
			reported[seq] = true
			if lines++; lines == killAfter && !killed {
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatalf("kill: %v", err)
				}
				killed = true
			}
		}
		err = cmd.Wait()
		if !killed {
			t.Fatalf("child %d exited before the kill: %v\n%s", k, err, stderr.String())
		}
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("child %d ended with %v, want SIGKILL\n%s", k, err, stderr.String())
		}
	}
	s, err := Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatalf("reopen after crashes: %v", err)
	}
	defer s.Close()
	present := map[int64]bool{}
	for after := int64(0); ; {
		recs, err := s.Query(context.Background(), Filter{AfterSeq: after, Limit: MaxQueryLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			break
		}
		for _, r := range recs {
			present[r.Seq] = true
		}
		after = recs[len(recs)-1].Seq
	}
	for seq := range reported {
		if !present[seq] {
			t.Errorf("record %d was reported durable before a SIGKILL but is missing", seq)
		}
	}
	rep, err := s.Verify(context.Background())
	if err != nil || !rep.OK {
		t.Fatalf("Verify after %d kills = %+v, %v", kills, rep, err)
	}
	t.Logf("%d kills, %d appends reported, %d records present, chain OK", kills, len(reported), rep.Records)
}
