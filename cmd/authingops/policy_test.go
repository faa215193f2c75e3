package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run executes the CLI with args and returns stdout, stderr and the error.
func run(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.ExecuteContext(t.Context())
	return out.String(), errOut.String(), err
}

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if err != nil {
		return 1
	}
	return 0
}

func TestPolicyCheck(t *testing.T) {
	t.Setenv(envPolicies, "")
	t.Setenv(envEntities, "")
	tests := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"--caller", "slack:T1/U1", "--op", "delete_users_batch", "--surface", "slack", "--channel", "C1"}, 3,
			[]string{"decision: needs_approval (1 approval(s) required)", "policies: admins-delete-users-roles-with-approval"}},
		{[]string{"--caller", "slack:T1/U1", "--op", "delete_users_batch", "--approvals", "1"}, 0,
			[]string{"decision: allow"}},
		{[]string{"--caller", "slack:T9/U9", "--op", "list_users"}, 2,
			[]string{"decision: deny", "not registered", "policies: (none)"}},
		{[]string{"--caller", "mcp:claude-desktop", "--op", "delete_access_key"}, 2,
			[]string{"access-keys-owner-only, mcp-read-only"}},
		{[]string{"--caller", "slack:T1/U2", "--op", "delete_roles", "--approve"}, 0,
			[]string{"admins-may-approve"}},
		{[]string{"--caller", "cli:alice", "--op", "create_access_key", "--json"}, 0,
			[]string{`"effect": "allow"`, `"access-keys-owner"`}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, _, err := run(t, append([]string{"policy", "check", "--starter"}, tt.args...)...)
			if got := exitCode(err); got != tt.code {
				t.Errorf("exit code %d (%v); want %d", got, err, tt.code)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestPolicyValidate(t *testing.T) {
	t.Setenv(envPolicies, "")
	t.Setenv(envEntities, "")
	out, _, err := run(t, "policy", "validate", "--starter")
	if err != nil || !strings.Contains(out, "ok: embedded starter policies") {
		t.Errorf("validate --starter: %v\n%s", err, out)
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.cedar")
	if err := os.WriteFile(bad, []byte("@id(\"x\")\npermit(principal, action == Action::\"delete_user\", resource);\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := run(t, "policy", "validate", dir)
	if exitCode(err) != 1 || !strings.Contains(stderr, bad+":2:29: policy \"x\": unrecognized action") {
		t.Errorf("validate bad: %v\n%s", err, stderr)
	}

	t.Setenv(envPolicies, dir)
	if _, _, err := run(t, "policy", "validate"); exitCode(err) != 1 {
		t.Errorf("validate via %s: %v", envPolicies, err)
	}
	t.Setenv(envPolicies, "")
	if _, _, err := run(t, "policy", "validate"); err == nil || !strings.Contains(err.Error(), "no policies") {
		t.Errorf("validate without policies: %v", err)
	}
}

func TestPolicySchema(t *testing.T) {
	out, _, err := run(t, "policy", "schema")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`entity SlackUser in [Group]`, `action "users.write" in ["users", "write"];`, `"delete_users_batch"`} {
		if !strings.Contains(out, w) {
			t.Errorf("schema lacks %s", w)
		}
	}
}
