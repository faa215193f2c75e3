package gate_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/gate"
)

// Secrets planted in arguments: a short, low-entropy password that the
// free-text redaction rules cannot recognise on their own, and a client
// secret.
const (
	plantedPassword = "hunter2x"
	plantedSecret   = "cs-Very-Secret-Value-123"
	secretArgs      = `{"username":"zed","password":"` + plantedPassword + `","customData":{"clientSecret":"` + plantedSecret + `"}}`
)

// echoSecrets answers create_user with an Authing error that repeats the
// secrets it was sent, as a careless API might.
func echoSecrets(next gate.Invoker) gate.Invoker {
	return func(ctx context.Context, op *authing.Operation, args json.RawMessage) (any, error) {
		if op.Name != "create_user" {
			return next(ctx, op, args)
		}
		var a struct {
			Password   string         `json:"password"`
			CustomData map[string]any `json:"customData"`
		}
		_ = json.Unmarshal(args, &a)
		return nil, &authing.APIError{Operation: op.Name, StatusCode: 400, RequestID: "req-1",
			Message: fmt.Sprintf("password %s is too weak (client %v)", a.Password, a.CustomData["clientSecret"])}
	}
}

// TestSecretsNeverShown: planted secrets reach neither the result, its
// error text, the audit rows nor the logs — directly, after an approval,
// in a dry run and in a validation error.
func TestSecretsNeverShown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		policy string
		run    func(f *fixture) []*gate.Result
	}{
		{name: "Authing echoes the secrets", policy: `@id("p") permit(principal in Group::"admins", action == Action::"create_user", resource);`,
			run: func(f *fixture) []*gate.Result {
				return []*gate.Result{f.execute(call(admin, "create_user", secretArgs))}
			}},
		{name: "after an approval", policy: `@id("p") permit(principal in Group::"admins", action == Action::"create_user", resource) when { context.approvals >= 1 };
@id("a") permit(principal in Group::"admins", action == Action::"approve", resource);`,
			run: func(f *fixture) []*gate.Result {
				req := f.execute(call(admin, "create_user", secretArgs))
				if req.Status != gate.StatusPendingApproval {
					f.t.Fatalf("request: %s", req.Status)
				}
				st, _ := f.gate.Status(context.Background(), req.Approval.ID)
				out, _ := json.Marshal(st)
				if strings.Contains(string(out), plantedPassword) {
					f.t.Errorf("Status shows the password")
				}
				return []*gate.Result{req, f.approve(oncall, req.Approval.ID)}
			}},
		{name: "dry run", policy: `@id("p") permit(principal, action, resource);`,
			run: func(f *fixture) []*gate.Result {
				c := call(admin, "create_user", secretArgs)
				c.DryRun = true
				return []*gate.Result{f.execute(c)}
			}},
		{name: "validation error", policy: `@id("p") permit(principal, action, resource);`,
			run: func(f *fixture) []*gate.Result {
				return []*gate.Result{f.execute(call(admin, "create_user", `{"username":"zed","password":"`+plantedPassword+`","gender":"`+plantedPassword+`"}`))}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, withPolicies(tt.policy), withInvoke(echoSecrets), withOpts(func(o *gate.Options) { o.AuditReads = true }))
			var seen []string
			f.gate.OnApprovalResolved(func(_ context.Context, a *audit.Approval, res *gate.Result) {
				b, _ := json.Marshal(a)
				seen = append(seen, string(b), res.Message())
			})
			results := tt.run(f)
			for _, res := range results {
				out, _ := json.Marshal(res)
				seen = append(seen, res.Message(), fmt.Sprintf("%v %+v", res.Err, res.Decision), string(out))
			}
			seen = append(seen, f.logs.String(), f.dump())
			for _, secret := range []string{plantedPassword, plantedSecret} {
				for _, s := range seen {
					if strings.Contains(s, secret) {
						t.Errorf("%q leaked into: %.300s", secret, s)
					}
				}
			}
			if last := results[len(results)-1]; last.Status == gate.StatusFailed && !strings.Contains(last.Message(), "[REDACTED") {
				t.Errorf("the error was not kept, only redacted: %q", last.Message())
			}
		})
	}
}

// dump returns every value of every table of the fixture's database.
func (f *fixture) dump() string {
	f.t.Helper()
	db := f.rawDB()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		f.t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, table := range tables {
		rows, err := db.Query("SELECT * FROM " + table)
		if err != nil {
			f.t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			_ = rows.Scan(ptrs...)
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%s.%s=%v\n", table, cols[i], v)
			}
		}
		rows.Close()
	}
	if len(tables) == 0 {
		f.t.Fatalf("dump found no tables")
	}
	return b.String()
}
