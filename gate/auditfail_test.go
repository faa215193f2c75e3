package gate_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/gate"
)

// TestAuditDown: when the record that must precede a step cannot be
// written, Execute fails with ErrAuditUnavailable and nothing reaches
// Authing.
func TestAuditDown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		call       gate.Call
		auditReads bool
		runs       bool // a read that is not audited still runs
	}{
		{name: "allowed write", call: call(oncall, "update_user", updateDave)},
		{name: "denied write", call: call(reader, "update_user", updateDave)},
		{name: "approval request", call: call(oncall, "delete_users_batch", deleteErin)},
		{name: "dry run of a write", call: func() gate.Call { c := call(oncall, "update_user", updateDave); c.DryRun = true; return c }()},
		{name: "audited read", call: call(reader, "get_user", getBob), auditReads: true},
		{name: "unaudited read runs", call: call(reader, "get_user", getBob), runs: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := &failingStore{}
			fs.failAppend.Store(true)
			f := setup(t, withStore(func(s audit.Store) audit.Store { fs.Store = s; return fs }),
				withOpts(func(o *gate.Options) { o.AuditReads = tt.auditReads }))
			res, err := f.gate.Execute(context.Background(), tt.call)
			if tt.runs {
				if err != nil || res.Status != gate.StatusSucceeded {
					t.Fatalf("unaudited read: %v %v", res, err)
				}
				return
			}
			if !errors.Is(err, gate.ErrAuditUnavailable) || !errors.Is(err, errDiskFull) || res != nil {
				t.Fatalf("Execute = %v, %v; want ErrAuditUnavailable", res, err)
			}
			if f.invokes.Load() != 0 || f.srv.Calls(tt.call.Operation) != 0 {
				t.Fatalf("the call reached Authing with the audit log down")
			}
			if recs := f.records(); len(recs) != 0 {
				t.Errorf("records written: %v", phases(recs))
			}
		})
	}
}

// TestOutcomeWriteFails: the call ran; its outcome record cannot be
// written. The result stands, the failure is logged, nothing runs again.
func TestOutcomeWriteFails(t *testing.T) {
	t.Parallel()
	t.Run("direct", func(t *testing.T) {
		t.Parallel()
		fs := &failingStore{}
		fs.failOutcome.Store(true)
		f := setup(t, withStore(func(s audit.Store) audit.Store { fs.Store = s; return fs }))
		res := f.execute(call(oncall, "update_user", updateDave))
		if res.Status != gate.StatusSucceeded || f.srv.Calls("update_user") != 1 || f.invokes.Load() != 1 {
			t.Fatalf("status %s, %d updates, %d invokes", res.Status, f.srv.Calls("update_user"), f.invokes.Load())
		}
		checkOutcomeLogged(t, f, "update_user")
		if got := phases(f.records()); !equalPhases(got, []audit.Phase{audit.PhaseExecuting}) {
			t.Errorf("records %v", got)
		}
	})
	t.Run("approved", func(t *testing.T) {
		t.Parallel()
		fs := &failingStore{}
		fs.failOutcome.Store(true)
		f := setup(t, withStore(func(s audit.Store) audit.Store { fs.Store = s; return fs }))
		id := f.requestDelete()
		res := f.approve(admin, id)
		if res.Status != gate.StatusSucceeded || f.srv.Calls("delete_users_batch") != 1 {
			t.Fatalf("status %s, %d deletes", res.Status, f.srv.Calls("delete_users_batch"))
		}
		checkOutcomeLogged(t, f, "delete_users_batch")
		// The approval stays approved (not executed) and cannot run again.
		if s := f.state(id); s != audit.StateApproved {
			t.Errorf("state %s", s)
		}
		if c := refusal(t, f.approve(cliAlice, id)); c != "approval_closed" || f.srv.Calls("delete_users_batch") != 1 {
			t.Errorf("second approval: %s, %d deletes", c, f.srv.Calls("delete_users_batch"))
		}
	})
}

func checkOutcomeLogged(t *testing.T, f *fixture, op string) {
	t.Helper()
	logs := f.logs.String()
	if !strings.Contains(logs, "could not be written to the audit log") || !strings.Contains(logs, `"op":"`+op+`"`) {
		t.Errorf("the lost outcome was not logged: %s", logs)
	}
}

// TestContextEnded: a call whose context has ended runs nothing.
func TestContextEnded(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := f.gate.Execute(ctx, call(oncall, "update_user", updateDave))
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Fatalf("Execute = %v, %v; want context.Canceled", res, err)
	}
	if f.invokes.Load() != 0 || len(f.records()) != 0 {
		t.Errorf("a cancelled call ran or was recorded")
	}
}

// TestApprovedButNotAudited: an approved call whose executing record cannot
// be written does not run, and the requester is told.
func TestApprovedButNotAudited(t *testing.T) {
	t.Parallel()
	fs := &failingStore{}
	f := setup(t, withStore(func(s audit.Store) audit.Store { fs.Store = s; return fs }))
	var told *gate.Result
	f.gate.OnApprovalResolved(func(_ context.Context, _ *audit.Approval, res *gate.Result) { told = res })
	id := f.requestDelete()
	fs.failExec.Store(true)
	res, err := f.gate.Approve(context.Background(), approver(admin), id)
	if !errors.Is(err, gate.ErrAuditUnavailable) || res != nil {
		t.Fatalf("Approve = %v, %v", res, err)
	}
	var ce *gate.CallError
	if told == nil || told.Status != gate.StatusFailed || !errors.As(told.Err, &ce) || ce.Class != "audit_unavailable" {
		t.Fatalf("requester told %+v", told)
	}
	if f.invokes.Load() != 0 {
		t.Errorf("the call ran without its executing record")
	}
}

// TestWriteOutlivesCaller: once its executing record is durable a write
// runs to its end even if the caller's context ends meanwhile, and its
// real outcome is recorded.
func TestWriteOutlivesCaller(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := setup(t, withInvoke(func(next gate.Invoker) gate.Invoker {
		return func(ictx context.Context, op *authing.Operation, args json.RawMessage) (any, error) {
			cancel() // the caller goes away after the record was written
			return next(ictx, op, args)
		}
	}))
	res, err := f.gate.Execute(ctx, call(oncall, "update_user", updateDave))
	if err != nil || res.Status != gate.StatusSucceeded {
		t.Fatalf("Execute = %v (%v), %v", res.Status, res.Err, err)
	}
	if got := phases(f.records()); !equalPhases(got, []audit.Phase{audit.PhaseExecuting, audit.PhaseSucceeded}) {
		t.Errorf("records %v", got)
	}
}
