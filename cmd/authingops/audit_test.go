package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-afc46a91/authingops/audit"
)

// newAuditDB creates a SQLite audit log with n records and returns its path.
func newAuditDB(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.db")
	s, err := audit.Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 1; i <= n; i++ {
		caller, op := "slack:T1/U1", "updateUser"
		if i%2 == 0 {
			caller, op = "mcp:claude", "deleteUser"
		}
		args := json.RawMessage(fmt.Sprintf(`{"userId":"u%d","password":"pw-%d"}`, i, i))
		r := &audit.Record{Phase: audit.PhaseSucceeded, Surface: audit.SurfaceCLI, Caller: caller,
			Operation: op, Args: args, Targets: audit.TargetIDs(args), ArgsHash: audit.ArgsHash(op, args)}
		if err := s.Append(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

func TestAuditCLI(t *testing.T) {
	t.Parallel()
	path := newAuditDB(t, 6)
	dsn := "--audit-dsn=" + path
	tests := []struct {
		name    string
		args    []string
		want    []string // substrings of the output
		notWant []string
		lines   int // JSON lines expected (0: not checked)
	}{
		{"tail table", []string{"audit", "tail", "-n", "2", dsn}, []string{"SEQ", "deleteUser", "u6", "u5"}, []string{"u4"}, 0},
		{"tail json", []string{"audit", "tail", "-n", "3", "--json", dsn}, []string{`"seq":4`, `"seq":6`}, []string{"pw-"}, 3},
		{"query caller", []string{"audit", "query", "--caller", "mcp:claude", "--json", dsn}, []string{`"caller":"mcp:claude"`}, []string{"slack:T1/U1"}, 3},
		{"query op target", []string{"audit", "query", "--op", "updateUser", "--target", "u3", dsn}, []string{"u3"}, []string{"u1 "}, 0},
		{"query since duration", []string{"audit", "query", "--since", "87600h", "--phase", "succeeded", "--json", dsn}, nil, nil, 6},
		{"query until past", []string{"audit", "query", "--until", "2000-01-01T00:00:00Z", "--json", dsn}, nil, []string{"seq"}, 0},
		{"export", []string{"audit", "export", "--format", "jsonl", dsn}, []string{`"seq":1`, `"hash":`}, []string{"pw-"}, 6},
		{"verify", []string{"audit", "verify", dsn}, []string{"audit chain OK: 6 records"}, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, err := runCLI(t, tc.args...)
			if err != nil {
				t.Fatalf("%v: %v\n%s", tc.args, err, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(out, w) {
					t.Errorf("output contains %q:\n%s", w, out)
				}
			}
			if tc.lines > 0 {
				if got := strings.Count(out, "\n"); got != tc.lines {
					t.Errorf("got %d lines, want %d:\n%s", got, tc.lines, out)
				}
			}
		})
	}
}

func TestAuditCLIBadFlags(t *testing.T) {
	t.Parallel()
	path := newAuditDB(t, 1)
	dsn := "--audit-dsn=" + path
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"audit", "query", "--since", "yesterday", dsn}, "invalid --since"},
		{[]string{"audit", "query", "--until", "-1h", dsn}, "invalid --until"},
		{[]string{"audit", "query", "--phase", "done", dsn}, "invalid --phase"},
		{[]string{"audit", "query", "--limit", "0", dsn}, "invalid --limit"},
		{[]string{"audit", "query", "--since", "2026-01-02T00:00:00Z", "--until", "2026-01-01T00:00:00Z", dsn}, "must be after"},
		{[]string{"audit", "export", "--format", "csv", dsn}, "only jsonl"},
		{[]string{"audit", "tail", "-n", "-3", dsn}, "invalid -n"},
		{[]string{"audit", "tail", "--audit-dsn", filepath.Join(t.TempDir(), "missing.db")}, "no audit database"},
	}
	for _, tc := range tests {
		_, err := runCLI(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one containing %q", tc.args, err, tc.want)
		}
	}
}

func TestAuditVerifyBroken(t *testing.T) {
	t.Parallel()
	path := newAuditDB(t, 5)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE audit_records SET caller = 'slack:T1/UEVIL' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, err := runCLI(t, "audit", "verify", "--audit-dsn", path)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 1 {
		t.Fatalf("verify of a broken chain = %v, want exit code 1", err)
	}
	if !strings.Contains(out, "BROKEN at seq 3") || !strings.Contains(err.Error(), "seq 3") {
		t.Fatalf("verify output %q / error %v do not name seq 3", out, err)
	}
}

func TestParseTimeFlag(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	got, err := parseTimeFlag("since", "90m", now)
	if err != nil || !got.Equal(now.Add(-90*time.Minute)) {
		t.Fatalf("90m = %v, %v", got, err)
	}
	got, err = parseTimeFlag("since", "2026-11-24T10:00:00+02:00", now)
	if err != nil || !got.Equal(time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("RFC3339 = %v, %v", got, err)
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one polling reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestAuditTailFollow(t *testing.T) {
	t.Parallel()
	path := newAuditDB(t, 2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	root := newRootCmd()
	var out syncBuffer
	root.SetOut(&out)
	root.SetArgs([]string{"audit", "tail", "-f", "-n", "1", "--json", "--interval", "5ms", "--audit-dsn", path})
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	waitFor := func(want string) {
		t.Helper()
		// The bound only guards against a hang; it is not part of the assertion.
		for i := 0; !strings.Contains(out.String(), want); i++ {
			if i == 6000 {
				t.Fatalf("tail -f never printed %s:\n%s", want, out.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor(`"seq":2,`)

	s, err := audit.Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := &audit.Record{Phase: audit.PhaseRequested, Surface: audit.SurfaceCLI, Caller: "cli:follow", Operation: "getUser"}
	if err := s.Append(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	waitFor(`"caller":"cli:follow"`)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("tail -f: %v", err)
	}
	if got := out.String(); strings.Contains(got, `"seq":1,`) || strings.Count(got, "\n") != 2 {
		t.Fatalf("tail -f -n 1 output:\n%s", got)
	}
}
