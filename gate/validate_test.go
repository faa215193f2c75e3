package gate_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/gate"
)

// TestValidation: a malformed call is answered StatusInvalid with an error
// naming the field; nothing is decided, audited or sent.
func TestValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		op    string
		args  string
		field string
		want  []string // substrings of the message
	}{
		{name: "unknown operation with suggestions", op: "delete_user", args: `{}`, want: []string{`unknown operation "delete_user"`, "did you mean", "delete_users_batch"}},
		{name: "unknown argument", op: "update_user", args: `{"userId":"u1","nickName":"x"}`, field: "nickName", want: []string{"not an argument"}},
		{name: "unknown nested argument", op: "delete_users_batch", args: `{"userIds":["u1"],"options":{"idType":"x"}}`, field: "options.idType", want: []string{"not an argument"}},
		{name: "wrong type", op: "update_user", args: `{"userId":"u1","emailVerified":"yes"}`, field: "emailVerified", want: []string{"boolean"}},
		{name: "wrong item type", op: "delete_users_batch", args: `{"userIds":[1]}`, field: "userIds.0", want: []string{"string"}},
		{name: "missing required", op: "get_user", args: `{}`, field: "userId", want: []string{"required"}},
		{name: "bad enum", op: "get_user", args: `{"userId":"u1","userIdType":"nick"}`, field: "userIdType", want: []string{"user_id"}},
		{name: "not an object", op: "get_user", args: `["u1"]`, want: []string{"JSON object"}},
		{name: "not JSON", op: "get_user", args: `{"userId":`, want: []string{"not valid JSON"}},
	}
	f := setup(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := call(admin, tt.op, tt.args)
			c.Args = json.RawMessage(tt.args)
			res := f.execute(c)
			if res.Status != gate.StatusInvalid {
				t.Fatalf("status = %s, want invalid", res.Status)
			}
			var ve *gate.ValidationError
			if !errors.As(res.Err, &ve) || !errors.Is(res.Err, gate.ErrInvalid) {
				t.Fatalf("error %T %v is not a ValidationError", res.Err, res.Err)
			}
			if ve.Field != tt.field {
				t.Errorf("field = %q, want %q (%v)", ve.Field, tt.field, ve)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.Message(), w) {
					t.Errorf("message %q lacks %q", res.Message(), w)
				}
			}
			if res.Decision.PolicyIDs != nil || res.Decision.Reason != "" {
				t.Errorf("a decision was made for an invalid call: %+v", res.Decision)
			}
			if out, _ := json.Marshal(res); strings.Contains(string(out), "decision") {
				t.Errorf("an invalid call renders a decision: %s", out)
			}
		})
	}
	t.Cleanup(func() {
		if recs := f.records(); len(recs) != 0 {
			t.Errorf("invalid calls were audited: %v", phases(recs))
		}
		if n := f.invokes.Load(); n != 0 {
			t.Errorf("invalid calls reached the invoker %d times", n)
		}
	})
}

// TestNullArgs: absent arguments are the empty object, for validation,
// the hash and the call alike.
func TestNullArgs(t *testing.T) {
	t.Parallel()
	f := setup(t, withOpts(func(o *gate.Options) { o.AuditReads = true }))
	for _, args := range []string{"", "null", "  "} {
		c := call(reader, "list_roles", "")
		c.Args = json.RawMessage(args)
		res := f.execute(c)
		if res.Status != gate.StatusSucceeded {
			t.Fatalf("args %q: status %s (%v)", args, res.Status, res.Err)
		}
	}
	for _, r := range f.records() {
		if r.ArgsHash != audit.ArgsHash("list_roles", json.RawMessage("{}")) || string(r.Args) != "{}" {
			t.Errorf("record %s: args %s hash %s, want the empty object's", r.Phase, r.Args, r.ArgsHash)
		}
	}
}

// TestDryRun: the exact request (method, path, redacted body) and the
// decision, nothing sent; writes are audited as dry runs.
func TestDryRun(t *testing.T) {
	t.Parallel()
	const password = "Correct-Horse-9"
	tests := []struct {
		name   string
		call   gate.Call
		status gate.Status
		method string
		path   string
		query  string // a query parameter that must be present
		phases []audit.Phase
	}{
		{name: "write with a password", call: call(assistant, "create_user", `{"username":"zed","password":"`+password+`"}`),
			status: gate.StatusDryRun, method: "POST", path: "/api/v3/create-user", phases: []audit.Phase{audit.PhaseRequested}},
		{name: "write needing approval", call: call(admin, "delete_users_batch", deleteErin),
			status: gate.StatusDryRun, method: "POST", path: "/api/v3/delete-users-batch", phases: []audit.Phase{audit.PhaseRequested}},
		{name: "read, not audited", call: call(reader, "get_user", getBob),
			status: gate.StatusDryRun, method: "GET", path: "/api/v3/get-user", query: "userId"},
		{name: "denied write", call: call(reader, "create_user", `{"username":"zed","password":"`+password+`"}`),
			status: gate.StatusDenied, phases: []audit.Phase{audit.PhaseDenied}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			tt.call.DryRun = true
			res := f.execute(tt.call)
			if res.Status != tt.status {
				t.Fatalf("status = %s (%v %s), want %s", res.Status, res.Err, res.Decision.Reason, tt.status)
			}
			if f.invokes.Load() != 0 || f.srv.Calls(tt.call.Operation) != 0 {
				t.Fatalf("a dry run reached Authing")
			}
			out, _ := json.Marshal(res)
			if strings.Contains(string(out), password) {
				t.Errorf("the result shows the password: %s", out)
			}
			if tt.status == gate.StatusDryRun {
				if res.Request == nil || res.Request.Method != tt.method || res.Request.Path != tt.path {
					t.Fatalf("request = %+v, want %s %s", res.Request, tt.method, tt.path)
				}
				if res.Decision.Reason == "" {
					t.Errorf("the dry run carries no decision")
				}
				if tt.query != "" && res.Request.Query.Get(tt.query) == "" {
					t.Errorf("query %v lacks %s", res.Request.Query, tt.query)
				}
				if strings.Contains(tt.call.Operation, "create_user") && !strings.Contains(string(res.Request.Body), `"password":"[REDACTED`) {
					t.Errorf("body %s does not show the redaction marker", res.Request.Body)
				}
			}
			recs := f.records()
			if len(recs) != len(tt.phases) {
				t.Fatalf("records %v, want %v", phases(recs), tt.phases)
			}
			for i, r := range recs {
				if r.Phase != tt.phases[i] || !r.DryRun {
					t.Errorf("record %d: phase %s dry_run %v, want %s dry run", i, r.Phase, r.DryRun, tt.phases[i])
				}
				if strings.Contains(string(r.Args), password) {
					t.Errorf("record %d stores the password: %s", i, r.Args)
				}
				if tt.status == gate.StatusDryRun && r.Outcome != "dry_run" {
					t.Errorf("record %d: outcome %q, want dry_run", i, r.Outcome)
				}
			}
		})
	}
}
