package main

import (
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/seed-afc46a91/authingops/authing/authingtest"
)

// TestApprovalAcrossProcessesOfTheCLI requests a deletion in one command and
// approves it in another, sharing only the audit file, the secret key and
// Authing (a sandbox server), as two replicas would.
func TestApprovalAcrossProcessesOfTheCLI(t *testing.T) {
	srv, err := authingtest.NewServer(authingtest.Options{Seed: authingtest.SeedDemo})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cr := srv.Credentials()
	t.Setenv("AUTHING_HOST", cr.Host)
	t.Setenv("AUTHING_ACCESS_KEY_ID", cr.AccessKeyID)
	t.Setenv("AUTHING_ACCESS_KEY_SECRET", cr.AccessKeySecret)
	t.Setenv(secretKeyEnv, "a-test-secret-key-of-at-least-32-characters")
	t.Setenv(auditDSNEnv, filepath.Join(t.TempDir(), "audit.db"))
	t.Setenv(callerOverrideEnv, "1")

	out, err := runCLI(t, "call", "--starter", "--caller", "slack:T1/U2", "delete_users_batch", "userIds=5a4d00000000000000000002")
	if err != nil || !strings.Contains(out, "needs approval") {
		t.Fatalf("request: %v\n%s", err, out)
	}
	id := regexp.MustCompile(`approval id ([0-9a-f-]{36})`).FindStringSubmatch(out)
	if id == nil {
		t.Fatalf("no approval id in:\n%s", out)
	}
	if srv.Calls("delete_users_batch") != 0 {
		t.Fatal("the deletion ran before approval")
	}

	_, err = runCLI(t, "approvals", "approve", id[1], "--starter", "--caller", "slack:T1/U2")
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 3 || !strings.Contains(err.Error(), "a different admin") {
		t.Fatalf("self-approval: %v", err)
	}
	out, err = runCLI(t, "approvals", "approve", id[1], "--starter", "--caller", "cli:alice")
	if err != nil || !strings.Contains(out, "succeeded") {
		t.Fatalf("approve: %v\n%s", err, out)
	}
	if _, err := runCLI(t, "approvals", "approve", id[1], "--starter", "--caller", "cli:alice"); err == nil || !strings.Contains(err.Error(), "already executed") {
		t.Fatalf("second approval: %v", err)
	}
	if n := srv.Calls("delete_users_batch"); n != 1 {
		t.Fatalf("delete_users_batch ran %d times, want 1", n)
	}
	out, err = runCLI(t, "approvals", "status", id[1], "--starter")
	if err != nil || !strings.Contains(out, `"state": "executed"`) || !strings.Contains(out, `"phase": "succeeded"`) {
		t.Fatalf("status: %v\n%s", err, out)
	}
	out, err = runCLI(t, "audit", "verify")
	if err != nil || !strings.Contains(out, "chain OK") {
		t.Fatalf("verify: %v\n%s", err, out)
	}
}

func TestCallerOverrideNeedsConsent(t *testing.T) {
	srv, err := authingtest.NewServer(authingtest.Options{Seed: authingtest.SeedDemo})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cr := srv.Credentials()
	t.Setenv("AUTHING_HOST", cr.Host)
	t.Setenv("AUTHING_ACCESS_KEY_ID", cr.AccessKeyID)
	t.Setenv("AUTHING_ACCESS_KEY_SECRET", cr.AccessKeySecret)
	t.Setenv(auditDSNEnv, filepath.Join(t.TempDir(), "audit.db"))
	t.Setenv(callerOverrideEnv, "")
	_, err = runCLI(t, "call", "--starter", "--caller", "cli:alice", "get_access_key_list")
	if err == nil || !strings.Contains(err.Error(), callerOverrideEnv) {
		t.Fatalf("acting as another principal without consent: %v", err)
	}
	if srv.Calls("get_access_key_list") != 0 {
		t.Fatal("the call ran")
	}
}
