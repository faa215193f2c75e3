package tools

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/seed-afc46a91/authingops/audit"
)

func toolNames(t *testing.T, c *client.Client) []string {
	t.Helper()
	res, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range res.Tools {
		names = append(names, tl.Name)
	}
	return names
}

func TestToolListFollowsPolicyAndExposure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fo       fixtureOpts
		want     []string
		dontWant []string
	}{
		{name: "default toolsets, starter assistant",
			want:     []string{"list_users", "get_user", "create_user", "assign_role", "list_roles", "list_groups", "approval_status", "audit_query", "describe_operation"},
			dontWant: []string{"delete_users_batch", "update_user", "list_applications", "search_operations", "call_operation"}},
		{name: "read-only wins over tools",
			fo:       fixtureOpts{exposure: Exposure{ReadOnly: true, Tools: []string{"create_user", "list_*"}}},
			want:     []string{"list_users", "list_roles"},
			dontWant: []string{"create_user", "get_user"}},
		{name: "exclude globs",
			fo:       fixtureOpts{exposure: Exposure{Toolsets: []string{"users"}, ExcludeTools: []string{"list_*"}}},
			want:     []string{"get_user", "create_user"},
			dontWant: []string{"list_users", "list_roles"}},
		{name: "discovery",
			fo:       fixtureOpts{exposure: Exposure{Discovery: true}},
			want:     []string{"search_operations", "describe_operation", "call_operation", "approval_status", "audit_query"},
			dontWant: []string{"list_users"}},
		{name: "unregistered caller sees only the local tools",
			fo:       fixtureOpts{caller: "mcp:stranger"},
			want:     []string{"approval_status", "audit_query"},
			dontWant: []string{"list_users", "get_user"}},
		{name: "approval makes a tool visible",
			fo:   fixtureOpts{caller: "mcp:ops-bot", testPolicy: true},
			want: []string{"delete_users_batch", "create_user", "list_users"}, dontWant: []string{"update_user"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, tt.fo)
			names := toolNames(t, f.client(t))
			for _, w := range tt.want {
				if !slices.Contains(names, w) {
					t.Errorf("tool %s missing from %v", w, names)
				}
			}
			for _, d := range tt.dontWant {
				if slices.Contains(names, d) {
					t.Errorf("tool %s listed, should not be", d)
				}
			}
		})
	}
}

func TestCallRead(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	c := f.client(t)
	res, err := call(t, c, "list_users", map[string]any{"keywords": "bob"})
	if err != nil {
		t.Fatal(err)
	}
	if res.IsError || !strings.Contains(text(res), "bob@sandbox.example") {
		t.Fatalf("list_users: %s", text(res))
	}
	if structured(t, res) == nil {
		t.Fatal("no structured content")
	}
}

func TestHiddenToolCannotBeCalled(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	c := f.client(t)
	// update_user is forbidden to MCP clients by the starter policy: it is
	// not listed and mcp-go refuses the call.
	if _, err := call(t, c, "update_user", map[string]any{"userId": "x", "nickname": "y"}); err == nil {
		t.Fatal("calling a hidden tool succeeded")
	}
	// Not exposed (toolset applications): not even registered.
	if _, err := call(t, c, "list_applications", map[string]any{}); err == nil {
		t.Fatal("calling an unexposed tool succeeded")
	}
}

func TestUndeclaredArgumentRejected(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	res, err := call(t, f.client(t), "get_user", map[string]any{"userId": "x", "bogus": 1})
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsError || !strings.Contains(text(res), "bogus") {
		t.Fatalf("want an isError naming bogus, got %s", text(res))
	}
}

func TestDenialExplainsPolicy(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{exposure: Exposure{Discovery: true}})
	c := f.client(t)
	res, err := call(t, c, "call_operation", map[string]any{"operation": "delete_users_batch", "arguments": map[string]any{"userIds": []string{"u1"}}, "confirm": true})
	if err != nil {
		t.Fatal(err)
	}
	st := structured(t, res)
	if !res.IsError || st["status"] != "denied" || !strings.Contains(text(res), "mcp-read-only") {
		t.Fatalf("want a denial naming mcp-read-only, got %s", text(res))
	}
	recs, err := f.store.Query(context.Background(), audit.Filter{Caller: "mcp:claude-desktop", Phase: audit.PhaseDenied})
	if err != nil || len(recs) != 1 {
		t.Fatalf("denial audit records: %v %d", err, len(recs))
	}
}

func TestDryRun(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	c := f.client(t)
	res, err := call(t, c, "create_user", map[string]any{"username": "zed", "password": "Secr3t-pass!", "dry_run": true})
	if err != nil {
		t.Fatal(err)
	}
	st := structured(t, res)
	if res.IsError || st["status"] != "dry_run" {
		t.Fatalf("dry run: %s", text(res))
	}
	if strings.Contains(text(res), "Secr3t-pass!") {
		t.Fatal("dry run shows the password")
	}
	if n := f.sandbox.Calls("create_user"); n != 0 {
		t.Fatalf("dry run sent %d calls", n)
	}
	// dry_run is refused on a read.
	res, err = call(t, c, "list_users", map[string]any{"dry_run": true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsError {
		t.Fatalf("dry_run on a read: %s", text(res))
	}
}

func TestInvalidArgumentsNameTheField(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{exposure: Exposure{Discovery: true}})
	res, err := call(t, f.client(t), "call_operation", map[string]any{"operation": "list_users", "arguments": map[string]any{"options": map[string]any{"pagination": map[string]any{"limit": 500}}}})
	if err != nil {
		t.Fatal(err)
	}
	st := structured(t, res)
	if !res.IsError || st["status"] != "invalid" || !strings.Contains(text(res), "options.pagination.limit") {
		t.Fatalf("want invalid naming the field: %s", text(res))
	}
}

func TestAuthingErrorCarriesRequestID(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	res, err := call(t, f.client(t), "get_user", map[string]any{"userId": "nobody"})
	if err != nil {
		t.Fatal(err)
	}
	st := structured(t, res)
	if !res.IsError || st["status"] != "failed" || st["error_class"] != "not_found" {
		t.Fatalf("want a not_found failure: %s %v", text(res), st)
	}
	if id, _ := st["request_id"].(string); id == "" || !strings.Contains(text(res), id) {
		t.Fatalf("no Authing request id in %s", text(res))
	}
}

func TestSecretsAreRedactedFromResults(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	c := f.client(t)
	res, err := call(t, c, "create_user", map[string]any{"username": "yuki", "password": "Secr3t-pass!"})
	if err != nil {
		t.Fatal(err)
	}
	if res.IsError {
		t.Fatalf("create_user: %s", text(res))
	}
	if strings.Contains(text(res), "Secr3t-pass!") {
		t.Fatal("the password appears in the result")
	}
}

func TestDiscovery(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{exposure: Exposure{Discovery: true, ReadOnly: true}})
	c := f.client(t)
	tests := []struct {
		name    string
		tool    string
		args    map[string]any
		isError bool
		want    string
		notWant string
	}{
		{"search finds by words", "search_operations", map[string]any{"query": "list users"}, false, "list_users (users, read)", ""},
		{"search hides what read-only hides", "search_operations", map[string]any{"query": "create user"}, false, "0 of 0", "create_user"},
		{"search by category", "search_operations", map[string]any{"query": "list", "category": "roles", "limit": 3}, false, "3 of", "list_users"},
		{"describe gives the full schema", "describe_operation", map[string]any{"operation": "list_users"}, false, "模糊搜索关键字", ""},
		{"describe an unknown operation", "describe_operation", map[string]any{"operation": "list_userz"}, true, "unknown operation", ""},
		{"call a read", "call_operation", map[string]any{"operation": "get_user", "arguments": map[string]any{"userId": "carol", "userIdType": "username"}}, false, "carol@sandbox.example", ""},
		{"read-only wins over the policy", "call_operation", map[string]any{"operation": "create_user", "arguments": map[string]any{"username": "x"}}, true, "not available", ""},
		{"undeclared argument of call_operation", "call_operation", map[string]any{"operation": "get_user", "bogus": true}, true, "bogus", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := call(t, c, tt.tool, tt.args)
			if err != nil {
				t.Fatal(err)
			}
			got := text(res)
			if res.IsError != tt.isError || !strings.Contains(got, tt.want) || (tt.notWant != "" && strings.Contains(got, tt.notWant)) {
				t.Fatalf("isError=%v %q", res.IsError, got)
			}
		})
	}
}

// TestAuditFailureIsAProtocolError: when the audit record that must precede
// a write cannot be written, nothing runs and the client gets a protocol
// error, not a tool result.
func TestAuditFailureIsAProtocolError(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	c := f.client(t)
	if err := f.store.Close(); err != nil {
		t.Fatal(err)
	}
	res, err := call(t, c, "create_user", map[string]any{"username": "nobody-audited"})
	if err == nil {
		t.Fatalf("want a protocol error, got a result: %s", text(res))
	}
	// The fixed text, not the store's own error (which can name hosts or files).
	if !strings.Contains(err.Error(), "audit log cannot be written") || strings.Contains(err.Error(), "closed") {
		t.Fatalf("protocol error %q", err)
	}
	if f.sandbox.Calls("create_user") != 0 {
		t.Fatal("the write ran without its audit record")
	}
}
