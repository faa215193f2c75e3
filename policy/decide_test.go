package policy

import (
	"slices"
	"strings"
	"testing"
)

func TestDecideStarterPolicies(t *testing.T) {
	t.Parallel()
	e := starterEngine(t)
	const (
		oncall    = "slack:T1/U1" // oncall-admins, in admins
		admin     = "slack:T1/U2" // admins
		reader    = "slack:T1/U3" // no group
		cliAlice  = "cli:alice"   // admins, access key owner
		assistant = "mcp:claude-desktop"
	)
	tests := []struct {
		name      string
		req       Request
		want      Effect
		ids       []string
		approvals int
		reason    string // substring of the reason
	}{
		{"unregistered slack user", Request{Caller: "slack:T1/U99", Operation: "list_users"}, Deny, nil, 0, "not registered"},
		{"unregistered mcp client", Request{Caller: "mcp:rogue", Operation: "list_users"}, Deny, nil, 0, "not registered"},
		{"malformed caller", Request{Caller: "alice", Operation: "list_users"}, Deny, nil, 0, "not valid"},
		{"unknown operation", Request{Caller: oncall, Operation: "drop_database"}, Deny, nil, 0, "unknown operation"},

		{"reader reads", Request{Caller: reader, Operation: "list_users"}, Allow, []string{"registered-may-read"}, 0, "permitted by"},
		{"reader cannot write", Request{Caller: reader, Operation: "update_user"}, Deny, nil, 0, "no policy permits"},
		{"assistant reads", Request{Caller: assistant, Operation: "get_user", Surface: "mcp"}, Allow, []string{"registered-may-read"}, 0, ""},
		{"cli reads", Request{Caller: cliAlice, Operation: "list_roles"}, Allow, []string{"registered-may-read"}, 0, ""},

		{"oncall updates from slack", Request{Caller: oncall, Operation: "update_user", Surface: "slack", Channel: "C1"}, Allow, []string{"oncall-manage-users-from-slack"}, 0, ""},
		{"oncall resigns from slack", Request{Caller: oncall, Operation: "resign_user"}, Allow, []string{"oncall-manage-users-from-slack"}, 0, ""},
		{"oncall kicks (disables sessions)", Request{Caller: oncall, Operation: "kick_users"}, Allow, []string{"oncall-manage-users-from-slack"}, 0, ""},
		{"oncall cannot update from cli surface", Request{Caller: oncall, Operation: "update_user", Surface: "cli"}, Deny, nil, 0, "no policy permits"},
		{"plain admin cannot update", Request{Caller: admin, Operation: "update_user"}, Deny, nil, 0, ""},
		{"oncall cannot create roles", Request{Caller: oncall, Operation: "create_role"}, Deny, nil, 0, ""},

		{"delete users needs approval", Request{Caller: oncall, Operation: "delete_users_batch", Approvals: 0}, NeedsApproval, []string{"admins-delete-users-roles-with-approval"}, 1, "1 distinct approver"},
		{"delete users approved", Request{Caller: oncall, Operation: "delete_users_batch", Approvals: 1}, Allow, []string{"admins-delete-users-roles-with-approval"}, 0, ""},
		{"delete roles from cli needs approval", Request{Caller: cliAlice, Operation: "delete_roles"}, NeedsApproval, []string{"admins-delete-users-roles-with-approval"}, 1, ""},
		{"delete roles from cli approved twice", Request{Caller: cliAlice, Operation: "delete_roles_batch", Approvals: 2}, Allow, []string{"admins-delete-users-roles-with-approval"}, 0, ""},
		{"dry run does not skip approval", Request{Caller: admin, Operation: "delete_users_batch", DryRun: true}, NeedsApproval, []string{"admins-delete-users-roles-with-approval"}, 1, ""},
		{"reader delete is denied, not approvable", Request{Caller: reader, Operation: "delete_users_batch"}, Deny, nil, 0, "no policy permits"},
		{"negative approvals count as zero", Request{Caller: admin, Operation: "delete_roles", Approvals: -4}, NeedsApproval, []string{"admins-delete-users-roles-with-approval"}, 1, "has 0"},

		{"assistant creates user", Request{Caller: assistant, Operation: "create_user", Surface: "mcp", Transport: "stdio"}, Allow, []string{"assistants-create-user-assign-role"}, 0, ""},
		{"assistant assigns role", Request{Caller: assistant, Operation: "assign_role"}, Allow, []string{"assistants-create-user-assign-role"}, 0, ""},
		{"assistant cannot update user", Request{Caller: assistant, Operation: "update_user"}, Deny, []string{"mcp-read-only"}, 0, "read-only"},
		{"assistant cannot delete even approved", Request{Caller: assistant, Operation: "delete_users_batch", Approvals: 3}, Deny, []string{"mcp-read-only"}, 0, "forbidden"},
		{"admin over mcp is read-only", Request{Caller: admin, Operation: "delete_users_batch", Surface: "mcp", Approvals: 1}, Deny, []string{"mcp-read-only"}, 0, ""},

		{"oncall cannot read access keys", Request{Caller: oncall, Operation: "get_access_key_list"}, Deny, []string{"access-keys-owner-only"}, 0, "owner"},
		{"admin cannot delete access keys", Request{Caller: admin, Operation: "delete_access_key", Approvals: 3}, Deny, []string{"access-keys-owner-only"}, 0, ""},
		{"assistant cannot create access keys", Request{Caller: assistant, Operation: "create_access_key"}, Deny, []string{"access-keys-owner-only", "mcp-read-only"}, 0, ""},
		{"owner manages access keys from cli", Request{Caller: cliAlice, Operation: "create_access_key"}, Allow, []string{"access-keys-owner"}, 0, ""},
		{"owner reads access keys", Request{Caller: cliAlice, Operation: "get_access_key_list"}, Allow, []string{"access-keys-owner", "registered-may-read"}, 0, ""},
		{"owner not from slack surface", Request{Caller: cliAlice, Operation: "delete_access_key", Surface: "slack"}, Deny, []string{"access-keys-owner-only"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := e.Decide(t.Context(), tt.req)
			if d.Effect != tt.want || !slices.Equal(d.PolicyIDs, tt.ids) || d.RequiredApprovals != tt.approvals {
				t.Errorf("Decide(%+v) = %v %q approvals %d; want %v %q approvals %d\nreason: %s",
					tt.req, d.Effect, d.PolicyIDs, d.RequiredApprovals, tt.want, tt.ids, tt.approvals, d.Reason)
			}
			if !strings.Contains(d.Reason, tt.reason) {
				t.Errorf("reason %q does not contain %q", d.Reason, tt.reason)
			}
			if d.Reason == "" {
				t.Error("empty reason")
			}
		})
	}
}

func TestCanApproveStarterPolicies(t *testing.T) {
	t.Parallel()
	e := starterEngine(t)
	tests := []struct {
		approver, op string
		want         Effect
		ids          []string
	}{
		{"slack:T1/U2", "delete_users_batch", Allow, []string{"admins-may-approve"}},
		{"slack:T1/U1", "delete_roles", Allow, []string{"admins-may-approve"}},
		{"cli:alice", "delete_users_batch", Allow, []string{"admins-may-approve"}},
		{"slack:T1/U3", "delete_users_batch", Deny, nil},
		{"mcp:claude-desktop", "delete_users_batch", Deny, []string{"mcp-never-approves"}},
		{"slack:T9/U9", "delete_users_batch", Deny, nil},
		{"slack:T1/U2", "no_such_op", Deny, nil},
	}
	for _, tt := range tests {
		t.Run(tt.approver+"/"+tt.op, func(t *testing.T) {
			t.Parallel()
			d := e.CanApprove(t.Context(), tt.approver, tt.op)
			if d.Effect != tt.want || !slices.Equal(d.PolicyIDs, tt.ids) {
				t.Errorf("CanApprove(%s, %s) = %v %q; want %v %q (%s)", tt.approver, tt.op, d.Effect, d.PolicyIDs, tt.want, tt.ids, d.Reason)
			}
		})
	}
	if d := e.DecideApproval(t.Context(), Request{Caller: "slack:T1/U2", Operation: "delete_roles", Surface: "mcp"}); d.Effect != Deny {
		t.Errorf("admin approving over mcp: got %v, want deny", d.Effect)
	}
}

func TestDecideHandWritten(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		policy    string
		req       Request
		want      Effect
		approvals int
		ids       []string
		errs      int
	}{
		{
			name:   "forbid overrides permit",
			policy: `@id("p") permit(principal, action, resource); @id("f") forbid(principal, action == Action::"create_user", resource);`,
			req:    Request{Caller: "cli:root", Operation: "create_user"},
			want:   Deny, ids: []string{"f"},
		},
		{
			name:   "missing optional attribute does not match",
			policy: `@id("mail") permit(principal is SlackUser, action, resource) when { principal has email && principal.email like "*@example.com" };`,
			req:    Request{Caller: "slack:T1/U2", Operation: "create_user"},
			want:   Deny,
		},
		{
			name:   "present optional attribute matches",
			policy: `@id("mail") permit(principal is SlackUser, action, resource) when { principal has email && principal.email like "*@example.com" };`,
			req:    Request{Caller: "slack:T1/U1", Operation: "create_user"},
			want:   Allow, ids: []string{"mail"},
		},
		{
			name:   "evaluation error on a write denies",
			policy: `@id("p") permit(principal, action, resource); @id("overflow") forbid(principal, action, resource) when { context.approvals + 9223372036854775807 < 0 };`,
			req:    Request{Caller: "cli:root", Operation: "create_user", Approvals: 1},
			want:   Deny, ids: []string{"overflow"}, errs: 1,
		},
		{
			name:   "evaluation error on a read denies too",
			policy: `@id("p") permit(principal, action, resource) when { context.approvals + 9223372036854775807 > 0 };`,
			req:    Request{Caller: "cli:root", Operation: "list_users", Approvals: 2},
			want:   Deny, ids: []string{"p"}, errs: 1,
		},
		{
			name:   "approvals probe finds N",
			policy: `@id("two") permit(principal in Group::"admins", action in Action::"destructive", resource) when { context.approvals >= 2 };`,
			req:    Request{Caller: "slack:T1/U1", Operation: "delete_roles"},
			want:   NeedsApproval, approvals: 2, ids: []string{"two"},
		},
		{
			name:   "approvals beyond the probe are a deny",
			policy: `@id("many") permit(principal in Group::"admins", action in Action::"destructive", resource) when { context.approvals >= 4 };`,
			req:    Request{Caller: "slack:T1/U1", Operation: "delete_roles"},
			want:   Deny,
		},
		{
			name:   "approval expressed as forbid-unless",
			policy: `@id("p") permit(principal, action, resource); @id("second") forbid(principal, action in Action::"users.destructive", resource) unless { context.approvals >= 1 };`,
			req:    Request{Caller: "cli:root", Operation: "delete_users_batch"},
			want:   NeedsApproval, approvals: 1, ids: []string{"second", "p"},
		},
		{
			name:   "resource attributes and operation groups",
			policy: `@id("g") permit(principal, action, resource in OperationGroup::"users.write") when { resource.category == "users" && !resource.destructive };`,
			req:    Request{Caller: "mcp:bot", Operation: "update_user"},
			want:   Allow, ids: []string{"g"},
		},
		{
			name:   "destructive is in write",
			policy: `@id("w") permit(principal, action in Action::"write", resource);`,
			req:    Request{Caller: "mcp:bot", Operation: "delete_access_key"},
			want:   Allow, ids: []string{"w"},
		},
		{
			name:   "targets and channel reach the context",
			policy: `@id("t") permit(principal, action, resource) when { context.targets.contains("u1") && context.channel == "C1" && context.transport == "socket" };`,
			req:    Request{Caller: "slack:T1/U2", Operation: "update_user", Channel: "C1", Transport: "socket", Targets: []string{"u0", "u1"}},
			want:   Allow, ids: []string{"t"},
		},
		{
			name:   "surface defaults to the caller prefix",
			policy: `@id("s") permit(principal, action, resource) when { context.surface == "cli" };`,
			req:    Request{Caller: "cli:root", Operation: "update_user"},
			want:   Allow, ids: []string{"s"},
		},
		{
			name:   "policy without @id is named by position",
			policy: "\n\npermit(principal, action, resource);",
			req:    Request{Caller: "cli:root", Operation: "update_user"},
			want:   Allow, ids: []string{"test.cedar:3"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			set, err := loadText(t, tt.policy)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			d := set.decide(tt.req, tt.req.Operation, true, DefaultMaxApprovals)
			if d.Effect != tt.want || d.RequiredApprovals != tt.approvals || !slices.Equal(d.PolicyIDs, tt.ids) || len(d.Errors) != tt.errs {
				t.Errorf("got %v approvals %d ids %q errors %q; want %v approvals %d ids %q errors %d\nreason: %s",
					d.Effect, d.RequiredApprovals, d.PolicyIDs, d.Errors, tt.want, tt.approvals, tt.ids, tt.errs, d.Reason)
			}
		})
	}
}

func TestReadsApprovals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cond string
		want bool
	}{
		{`context.approvals >= 1`, true},
		{`context has approvals`, true},
		{`context.surface == "slack"`, false},
		{`[context].contains(context)`, true},
		{`principal in Group::"admins"`, false},
		{`context.targets.contains("x") && (if context.dryRun then true else context.approvals > 0)`, true},
	}
	for _, tt := range tests {
		t.Run(tt.cond, func(t *testing.T) {
			t.Parallel()
			set, err := loadText(t, `@id("p") permit(principal, action, resource) when { `+tt.cond+` };`)
			if err != nil {
				t.Fatal(err)
			}
			if got := set.policies[0].dynamic; got != tt.want {
				t.Errorf("readsApprovals(%s) = %v; want %v", tt.cond, got, tt.want)
			}
		})
	}
}
