package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/authing/authingtest"
)

func TestSandboxList(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	cmd := newRootCmd()
	cmd.SetArgs([]string{"sandbox", "--list"})
	cmd.SetOut(&out)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(authingtest.Emulated()) {
		t.Fatalf("%d lines for %d emulated operations", len(lines), len(authingtest.Emulated()))
	}
	if !strings.Contains(out.String(), "create_user") || !strings.Contains(out.String(), "/api/v3/create-user") {
		t.Fatalf("list lacks create_user:\n%s", out.String())
	}
}

func TestSandboxFlagsValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
	}{
		{"only the key id", []string{"sandbox", "--addr", "127.0.0.1:0", "--access-key-id", "x"}},
		{"unknown seed", []string{"sandbox", "--addr", "127.0.0.1:0", "--seed", "huge"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cmd := newRootCmd()
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			if err := cmd.Execute(); err == nil {
				t.Fatal("want an error")
			}
		})
	}
}

// TestSandboxRunsUntilCancelled runs the command, reads the host it prints,
// calls the sandbox with the printed credentials, then cancels.
func TestSandboxRunsUntilCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	cmd := newRootCmd()
	cmd.SetArgs([]string{"sandbox", "--addr", "127.0.0.1:0", "--access-key-id", "k", "--access-key-secret", "s3cret"})
	cmd.SetOut(pw)
	done := make(chan error, 1)
	go func() {
		err := cmd.ExecuteContext(ctx)
		pw.Close()
		done <- err
	}()
	var host string
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, "s3cret") {
			t.Errorf("the command printed a secret it was given: %q", line)
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "host:"); ok {
			host = strings.TrimSpace(v)
		}
		if strings.HasPrefix(line, "Stop with") {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if host == "" {
		t.Fatal("no host printed")
	}
	c, err := authing.NewClient(authing.Options{AccessKeyID: "k", AccessKeySecret: "s3cret", Host: host})
	if err != nil {
		t.Fatal(err)
	}
	users, err := c.ListUsers(ctx, &authing.ListUsersRequest{})
	if err != nil || users.TotalCount != 5 {
		t.Fatalf("demo users through the command's sandbox: %+v %v", users, err)
	}
	resp, err := http.Get(host + authingtest.AdminCallsPath)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("admin endpoint: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("sandbox command: %v", err)
	}
}

func TestSandboxClientOptions(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, opts, err := startSandbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := authing.NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetUser(ctx, &authing.GetUserRequest{UserID: "alice", UserIDType: ptr(authing.UserIDTypeUsername)}); err != nil {
		t.Fatalf("demo user alice: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestCallWithSandboxFlag(t *testing.T) {
	t.Setenv("AUTHING_ACCESS_KEY_ID", "")
	t.Setenv("AUTHING_ACCESS_KEY_SECRET", "")
	var out bytes.Buffer
	cmd := newRootCmd()
	cmd.SetArgs([]string{"call", "get_user", "userId=alice", "userIdType=username", "--sandbox", "--audit-dsn", filepath.Join(t.TempDir(), "audit.db")})
	cmd.SetOut(&out)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // stops the in-process sandbox
	if err := cmd.ExecuteContext(ctx); err != nil {
		t.Fatalf("call --sandbox: %v", err)
	}
	if !strings.Contains(out.String(), `"username": "alice"`) {
		t.Fatalf("call --sandbox printed:\n%s", out.String())
	}
}
