package policy

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/rs/zerolog"
)

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestEngineReloadKeepsOldSetOnError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "entities.yaml"), testEntities)
	writeFile(t, filepath.Join(dir, "read.cedar"), `@id("read") permit(principal, action in Action::"read", resource);`)
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := zerolog.New(zerolog.SyncWriter(&lockedWriter{w: &logs, mu: &mu}))
	e, err := NewEngine(fixtureSchema(t), FromPaths(dir, ""), Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	req := Request{Caller: "cli:root", Operation: "create_user"}
	if d := e.Decide(t.Context(), req); d.Effect != Deny {
		t.Fatalf("before reload: %v", d.Effect)
	}

	// A bad version: the old set stays, the error says where.
	writeFile(t, filepath.Join(dir, "write.cedar"), "@id(\"write\")\npermit(principal, action == Action::\"create_usr\", resource);")
	err = e.Reload()
	if !errors.Is(err, ErrUnknownAction) || !strings.Contains(err.Error(), "write.cedar:2:29:") {
		t.Fatalf("Reload error = %v; want unknown action at write.cedar:2:29", err)
	}
	if d := e.Decide(t.Context(), Request{Caller: "cli:root", Operation: "list_users"}); d.Effect != Allow {
		t.Errorf("after a failed reload the old set should still allow reads, got %v", d.Effect)
	}
	mu.Lock()
	if !strings.Contains(logs.String(), "keeping the current policies") {
		t.Errorf("failed reload not logged: %s", logs.String())
	}
	mu.Unlock()

	// A good version replaces it.
	writeFile(t, filepath.Join(dir, "write.cedar"), `@id("write") permit(principal, action == Action::"create_user", resource);`)
	if err := e.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if d := e.Decide(t.Context(), req); d.Effect != Allow || d.PolicyIDs[0] != "write" {
		t.Errorf("after reload: %v %v", d.Effect, d.PolicyIDs)
	}

	// A bad entities file is refused the same way.
	writeFile(t, filepath.Join(dir, "entities.yaml"), "callers:\n  - id: nobody\n")
	if err := e.Reload(); !errors.Is(err, ErrEntities) {
		t.Fatalf("Reload with bad entities = %v; want ErrEntities", err)
	}
	if d := e.Decide(t.Context(), req); d.Effect != Allow {
		t.Errorf("bad entities replaced the set: %v", d.Effect)
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestEngineConcurrentDecideAndReload(t *testing.T) {
	t.Parallel()
	e := starterEngine(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				if d := e.Decide(t.Context(), Request{Caller: "slack:T1/U3", Operation: "list_users"}); d.Effect != Allow {
					t.Errorf("decide during reload: %v", d.Effect)
					return
				}
			}
		})
	}
	for range 5 {
		if err := e.Reload(); err != nil {
			t.Error(err)
		}
	}
	wg.Wait()
}

func TestNewEngineFailsOnBadPolicies(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.cedar")
	writeFile(t, path, "permit(principal is Robot, action, resource);")
	_, err := NewEngine(fixtureSchema(t), FromPaths(path, ""), Options{})
	if !errors.Is(err, ErrUnknownType) || !strings.HasPrefix(err.Error(), path+":1:21: ") {
		t.Errorf("NewEngine = %v", err)
	}
	if _, err := NewEngine(fixtureSchema(t), FromPaths(filepath.Join(dir, "missing"), ""), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing policies: %v", err)
	}
}

func TestReloadLoop(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "p.cedar"), `@id("read") permit(principal, action in Action::"read", resource);`)
	writeFile(t, filepath.Join(dir, "entities.yaml"), testEntities)
	e, err := NewEngine(fixtureSchema(t), FromPaths(dir, ""), Options{})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "p.cedar"), `@id("all") permit(principal, action, resource);`)
	ch := make(chan os.Signal)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { e.reloadLoop(ctx, ch); close(done) }()
	ch <- syscall.SIGHUP // unbuffered: received once the loop takes it
	cancel()
	<-done
	if d := e.Decide(t.Context(), Request{Caller: "cli:root", Operation: "create_user"}); d.Effect != Allow {
		t.Errorf("after SIGHUP: %v (%s)", d.Effect, d.Reason)
	}
}
