package gate_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/gate"
)

// Arguments naming sandbox demo users by username.
const (
	getBob     = `{"userId":"bob","userIdType":"username"}`
	updateDave = `{"userId":"dave","nickname":"D","options":{"userIdType":"username"}}`
	createZed  = `{"username":"zed","email":"zed@example.com"}`
	deleteErin = `{"userIds":["erin"],"options":{"userIdType":"username"}}`
	assignDev  = `{"code":"developer","targets":[{"targetType":"USER","targetIdentifier":"u-1"}]}`
)

// TestDecisionTable runs the starter policies through Execute: every group,
// surface, reads and writes, approvals, forbids; what is audited and whether
// Authing was called.
func TestDecisionTable(t *testing.T) {
	t.Parallel()
	onSurface := func(c gate.Call, s string) gate.Call { c.Surface = s; return c }
	tests := []struct {
		name       string
		call       gate.Call
		auditReads bool
		policy     string // inline policies instead of the starter ones
		status     gate.Status
		ids        []string
		phases     []audit.Phase
		sent       int // requests reaching Authing for the operation
		errs       int // policy evaluation errors in the decision
	}{
		{name: "reader reads, reads not audited", call: call(reader, "get_user", getBob),
			status: gate.StatusSucceeded, ids: []string{"registered-may-read"}, sent: 1},
		{name: "reader reads, AuditReads", call: call(reader, "get_user", getBob), auditReads: true,
			status: gate.StatusSucceeded, ids: []string{"registered-may-read"}, sent: 1,
			phases: []audit.Phase{audit.PhaseExecuting, audit.PhaseSucceeded}},
		{name: "unregistered caller may not read", call: call(stranger, "get_user", getBob),
			status: gate.StatusDenied, phases: []audit.Phase{audit.PhaseDenied}},
		{name: "malformed caller id is denied", call: gate.Call{Caller: "nobody", Surface: "slack", Operation: "get_user", Args: json.RawMessage(getBob)},
			status: gate.StatusDenied, phases: []audit.Phase{audit.PhaseDenied}},
		{name: "reader may not write", call: call(reader, "update_user", updateDave),
			status: gate.StatusDenied, phases: []audit.Phase{audit.PhaseDenied}},
		{name: "oncall updates from slack", call: call(oncall, "update_user", updateDave),
			status: gate.StatusSucceeded, ids: []string{"oncall-manage-users-from-slack"}, sent: 1,
			phases: []audit.Phase{audit.PhaseExecuting, audit.PhaseSucceeded}},
		{name: "oncall may not update from the cli surface", call: onSurface(call(oncall, "update_user", updateDave), "cli"),
			status: gate.StatusDenied, phases: []audit.Phase{audit.PhaseDenied}},
		{name: "admin not oncall may not update", call: call(admin, "update_user", updateDave),
			status: gate.StatusDenied, phases: []audit.Phase{audit.PhaseDenied}},
		{name: "admin delete needs approval", call: call(admin, "delete_users_batch", deleteErin),
			status: gate.StatusPendingApproval, ids: []string{"admins-delete-users-roles-with-approval"},
			phases: []audit.Phase{audit.PhaseApprovalRequested}},
		{name: "oncall delete needs approval", call: call(oncall, "delete_users_batch", deleteErin),
			status: gate.StatusPendingApproval, ids: []string{"admins-delete-users-roles-with-approval"},
			phases: []audit.Phase{audit.PhaseApprovalRequested}},
		{name: "reader delete denied outright", call: call(reader, "delete_users_batch", deleteErin),
			status: gate.StatusDenied, phases: []audit.Phase{audit.PhaseDenied}},
		{name: "assistant reads over mcp", call: call(assistant, "get_user", getBob),
			status: gate.StatusSucceeded, ids: []string{"registered-may-read"}, sent: 1},
		{name: "assistant creates a user over mcp", call: call(assistant, "create_user", createZed),
			status: gate.StatusSucceeded, ids: []string{"assistants-create-user-assign-role"}, sent: 1,
			phases: []audit.Phase{audit.PhaseExecuting, audit.PhaseSucceeded}},
		{name: "assistant assigns a role over mcp", call: call(assistant, "assign_role", assignDev),
			status: gate.StatusFailed, ids: []string{"assistants-create-user-assign-role"}, sent: 1,
			phases: []audit.Phase{audit.PhaseExecuting, audit.PhaseFailed}},
		{name: "assistant may not update (mcp read-only)", call: call(assistant, "update_user", updateDave),
			status: gate.StatusDenied, ids: []string{"mcp-read-only"}, phases: []audit.Phase{audit.PhaseDenied}},
		{name: "assistant may not delete", call: call(assistant, "delete_users_batch", deleteErin),
			status: gate.StatusDenied, ids: []string{"mcp-read-only"}, phases: []audit.Phase{audit.PhaseDenied}},
		{name: "oncall over mcp is read-only too", call: onSurface(call(oncall, "update_user", updateDave), "mcp"),
			status: gate.StatusDenied, ids: []string{"mcp-read-only"}, phases: []audit.Phase{audit.PhaseDenied}},
		{name: "access keys: admin from slack forbidden", call: call(admin, "get_access_key_list", `{}`),
			status: gate.StatusDenied, ids: []string{"access-keys-owner-only"}, phases: []audit.Phase{audit.PhaseDenied}},
		{name: "access keys: owner from slack forbidden", call: onSurface(call(cliAlice, "get_access_key_list", `{}`), "slack"),
			status: gate.StatusDenied, ids: []string{"access-keys-owner-only"}, phases: []audit.Phase{audit.PhaseDenied}},
		{name: "access keys: owner from cli reads", call: call(cliAlice, "get_access_key_list", `{}`),
			status: gate.StatusFailed, sent: 1}, // the sandbox does not emulate access keys (501)
		{name: "access keys: owner from cli writes", call: call(cliAlice, "create_access_key", `{"type":"user"}`),
			status: gate.StatusFailed, ids: []string{"access-keys-owner"}, sent: 1,
			phases: []audit.Phase{audit.PhaseExecuting, audit.PhaseFailed}},
		{name: "missing attribute does not match", call: call(reader, "update_user", updateDave),
			policy: `@id("mail") permit(principal, action, resource) when { principal has email && principal.email like "*@example.com" };`,
			status: gate.StatusDenied, phases: []audit.Phase{audit.PhaseDenied}},
		{name: "present attribute matches", call: call(admin, "update_user", updateDave),
			policy: `@id("mail") permit(principal, action, resource) when { principal has email && principal.email like "*@example.com" };`,
			status: gate.StatusSucceeded, ids: []string{"mail"}, sent: 1, phases: []audit.Phase{audit.PhaseExecuting, audit.PhaseSucceeded}},
		{name: "policy error fails closed", call: call(admin, "get_user", getBob),
			policy: `@id("p") permit(principal, action, resource); @id("overflow") forbid(principal, action, resource) when { context.approvals - 9223372036854775807 - 2 < 0 };`,
			status: gate.StatusDenied, ids: []string{"overflow"}, errs: 1, phases: []audit.Phase{audit.PhaseDenied}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfgs := []func(*config){withOpts(func(o *gate.Options) { o.AuditReads = tt.auditReads })}
			if tt.policy != "" {
				cfgs = append(cfgs, withPolicies(tt.policy))
			}
			f := setup(t, cfgs...)
			res := f.execute(tt.call)
			if res.Status != tt.status {
				t.Fatalf("status = %s (%v; %s), want %s", res.Status, res.Err, res.Decision.Reason, tt.status)
			}
			if tt.ids != nil && !slices.Equal(res.Decision.PolicyIDs, tt.ids) {
				t.Errorf("policy ids = %q, want %q", res.Decision.PolicyIDs, tt.ids)
			}
			if len(res.Decision.Errors) != tt.errs {
				t.Errorf("policy errors = %q, want %d", res.Decision.Errors, tt.errs)
			}
			if got := f.srv.Calls(tt.call.Operation); got != tt.sent {
				t.Errorf("Authing received %d %s requests, want %d", got, tt.call.Operation, tt.sent)
			}
			recs := f.records()
			if diff := cmp.Diff(tt.phases, phases(recs), cmpEmpty); diff != "" {
				t.Fatalf("audit phases (-want +got):\n%s", diff)
			}
			for _, r := range recs {
				checkRecord(t, r, tt.call, res)
			}
			f.verify()
		})
	}
}

var cmpEmpty = cmp.Comparer(func(a, b []audit.Phase) bool { return slices.Equal(a, b) })

// checkRecord asserts the fields every gate record carries for call.
func checkRecord(t *testing.T, r audit.Record, c gate.Call, res *gate.Result) {
	t.Helper()
	args := json.RawMessage(c.Args)
	if r.Caller != c.Caller || r.Surface != c.Surface || r.Operation != c.Operation {
		t.Errorf("record %s: caller/surface/op = %s/%s/%s", r.Phase, r.Caller, r.Surface, r.Operation)
	}
	if want := audit.ArgsHash(c.Operation, args); r.ArgsHash != want {
		t.Errorf("record %s: args hash %s, want %s", r.Phase, r.ArgsHash, want)
	}
	if want := audit.TargetIDs(args); !slices.Equal(r.Targets, want) && !(len(r.Targets) == 0 && len(want) == 0) {
		t.Errorf("record %s: targets %q, want %q", r.Phase, r.Targets, want)
	}
	wantDecision := res.Decision.Effect.String()
	if r.Decision != wantDecision {
		t.Errorf("record %s: decision %q, want %q", r.Phase, r.Decision, wantDecision)
	}
	if !slices.Equal(r.PolicyIDs, res.Decision.PolicyIDs) && len(r.PolicyIDs)+len(res.Decision.PolicyIDs) > 0 {
		t.Errorf("record %s: policy ids %q, want %q", r.Phase, r.PolicyIDs, res.Decision.PolicyIDs)
	}
	// The store redacts free text (and over-redacts "access_key_list: x").
	if r.Phase == audit.PhaseDenied && (r.ErrorMessage == "" || r.ErrorMessage != audit.NewRedactor(testKey).RedactString(res.Decision.Reason)) {
		t.Errorf("denial record without the reason: %q", r.ErrorMessage)
	}
}
