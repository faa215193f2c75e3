package authingtest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// nodeSDKEnv names the variable pointing at an installed node_modules that
// holds authing-node-sdk 4.0.1. When it is set the Node SDK test is
// mandatory; otherwise the test looks in testdata/nodesdk/node_modules and
// skips when Node or the package is missing.
const nodeSDKEnv = "AUTHINGOPS_NODE_SDK"

// nodeSDK returns the node binary and the node_modules folder, or skips.
func nodeSDK(t *testing.T) (node, modules string) {
	t.Helper()
	mandatory := os.Getenv(nodeSDKEnv) != ""
	missing := func(format string, args ...any) {
		t.Helper()
		if mandatory {
			t.Fatalf(format, args...)
		}
		t.Skipf(format+" (install with: npm ci --prefix authing/authingtest/testdata/nodesdk, or set "+nodeSDKEnv+")", args...)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not installed: %v", err)
	}
	modules = os.Getenv(nodeSDKEnv)
	if modules == "" {
		modules = filepath.Join("testdata", "nodesdk", "node_modules")
	}
	modules, err = filepath.Abs(modules)
	if err != nil {
		t.Fatal(err)
	}
	pkg := filepath.Join(modules, "authing-node-sdk", "package.json")
	raw, err := os.ReadFile(pkg)
	if err != nil {
		missing("authing-node-sdk is not installed in %s", modules)
	}
	var meta struct{ Version string }
	if err := json.Unmarshal(raw, &meta); err != nil || meta.Version != "4.0.1" {
		missing("%s is authing-node-sdk %q, want 4.0.1", pkg, meta.Version)
	}
	return node, modules
}

// TestOfficialNodeSDK drives the sandbox with authing-node-sdk 4.0.1, which
// signs every request with the access key (no token), and asserts on the
// envelopes it returns.
func TestOfficialNodeSDK(t *testing.T) {
	t.Parallel()
	node, modules := nodeSDK(t)
	s := startServer(t, Options{Seed: SeedDemo})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("testdata", "nodesdk", "drive.js"))
	cmd.Env = append(os.Environ(),
		"NODE_PATH="+modules,
		"SANDBOX_HOST="+s.URL(),
		"SANDBOX_ACCESS_KEY_ID="+s.opts.AccessKeyID,
		"SANDBOX_ACCESS_KEY_SECRET="+s.opts.AccessKeySecret,
		"SANDBOX_ORG_CODE="+DemoOrganizationCode,
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node driver: %v\n%s", err, stderr.String())
	}
	var out map[string]env
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("driver output: %v\n%s", err, stdout.String())
	}
	tests := []struct {
		step    string
		status  int
		apiCode int
		check   func(t *testing.T, data json.RawMessage)
	}{
		{"listUsers", 200, 0, func(t *testing.T, d json.RawMessage) {
			var p page[userOut]
			mustDecode(t, d, &p)
			if p.TotalCount != 5 {
				t.Errorf("totalCount = %d, want the 5 demo users", p.TotalCount)
			}
		}},
		{"createUser", 200, 0, func(t *testing.T, d json.RawMessage) {
			var u userOut
			mustDecode(t, d, &u)
			if u.UserID == "" || u.Status != "Activated" || u.CustomData["source"] != "node" {
				t.Errorf("created user: %s", d)
			}
		}},
		{"createUserInvalid", 400, 0, nil},
		{"getUser", 200, 0, func(t *testing.T, d json.RawMessage) {
			var u userOut
			mustDecode(t, d, &u)
			if u.Username == nil || *u.Username != "nodesdk-user" {
				t.Errorf("got user %s", d)
			}
		}},
		{"getUserMissing", 404, apiCodeUserNotFound, nil},
		{"getUserBatch", 200, 0, nil},
		{"createRole", 200, 0, nil},
		{"assignRole", 200, 0, nil},
		{"listRoleMembers", 200, 0, func(t *testing.T, d json.RawMessage) {
			var p page[userOut]
			mustDecode(t, d, &p)
			if p.TotalCount != 1 {
				t.Errorf("role members: %s", d)
			}
		}},
		{"getUserRoles", 200, 0, func(t *testing.T, d json.RawMessage) {
			var p page[json.RawMessage]
			mustDecode(t, d, &p)
			if p.TotalCount != 1 {
				t.Errorf("totalCount = %d, want 1: %s", p.TotalCount, d)
			}
		}},
		{"createGroup", 200, 0, nil},
		{"addGroupMembers", 200, 0, nil},
		{"listGroupMembers", 200, 0, func(t *testing.T, d json.RawMessage) {
			var p page[json.RawMessage]
			mustDecode(t, d, &p)
			if p.TotalCount != 1 {
				t.Errorf("totalCount = %d, want 1: %s", p.TotalCount, d)
			}
		}},
		{"getOrganization", 200, 0, nil},
		{"createDepartment", 200, 0, nil},
		{"addDepartmentMembers", 200, 0, nil},
		{"listDepartmentMembers", 200, 0, func(t *testing.T, d json.RawMessage) {
			var p page[json.RawMessage]
			mustDecode(t, d, &p)
			if p.TotalCount != 1 {
				t.Errorf("totalCount = %d, want 1: %s", p.TotalCount, d)
			}
		}},
		{"createApplication", 200, 0, nil},
		{"getApplication", 200, 0, nil},
		{"listApplications", 200, 0, func(t *testing.T, d json.RawMessage) {
			var p page[json.RawMessage]
			mustDecode(t, d, &p)
			if p.TotalCount != 2 {
				t.Errorf("totalCount = %d, want 2: %s", p.TotalCount, d)
			}
		}},
		{"deleteApplication", 200, 0, nil},
		{"notEmulated", 501, 0, nil},
		{"deleteUsersBatch", 200, 0, nil},
		{"getUserAfterDelete", 404, apiCodeUserNotFound, nil},
		{"listRoleMembersAfterDelete", 200, 0, func(t *testing.T, d json.RawMessage) {
			var p page[json.RawMessage]
			mustDecode(t, d, &p)
			if p.TotalCount != 0 {
				t.Errorf("totalCount = %d, want 0: %s", p.TotalCount, d)
			}
		}},
		{"listGroupMembersAfterDelete", 200, 0, func(t *testing.T, d json.RawMessage) {
			var p page[json.RawMessage]
			mustDecode(t, d, &p)
			if p.TotalCount != 0 {
				t.Errorf("totalCount = %d, want 0: %s", p.TotalCount, d)
			}
		}},
		{"listDepartmentMembersAfterDelete", 200, 0, func(t *testing.T, d json.RawMessage) {
			var p page[json.RawMessage]
			mustDecode(t, d, &p)
			if p.TotalCount != 0 {
				t.Errorf("totalCount = %d, want 0: %s", p.TotalCount, d)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.step, func(t *testing.T) {
			t.Parallel()
			e, ok := out[tt.step]
			if !ok {
				t.Fatalf("the driver did not report %s", tt.step)
			}
			if tt.status != 200 {
				e.fails(t, tt.status, tt.apiCode)
				return
			}
			e.into(t, nil)
			if tt.check != nil {
				tt.check(t, e.Data)
			}
		})
	}
	if got := s.Calls(tokenOp); got != 0 {
		t.Errorf("the Node SDK signs its requests; it fetched %d tokens", got)
	}
}

func mustDecode(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
}
