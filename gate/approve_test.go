package gate_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/gate"
)

// requestDelete has oncall ask to delete erin and returns the approval id.
func (f *fixture) requestDelete() string {
	f.t.Helper()
	res := f.execute(call(oncall, "delete_users_batch", deleteErin))
	if res.Status != gate.StatusPendingApproval || res.Approval == nil || res.Approval.ID == "" {
		f.t.Fatalf("request: %s %v", res.Status, res.Err)
	}
	if res.Approval.Payload != nil {
		f.t.Errorf("the result carries the sealed payload")
	}
	return res.Approval.ID
}

func (f *fixture) approve(who, id string) *gate.Result {
	f.t.Helper()
	res, err := f.gate.Approve(context.Background(), approver(who), id)
	if err != nil {
		f.t.Fatalf("Approve by %s: %v", who, err)
	}
	return res
}

// state returns the stored state of approval id.
func (f *fixture) state(id string) audit.State {
	f.t.Helper()
	a, err := f.raw.GetApproval(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return a.State
}

// refusals returns the error classes of the refusal records of approval id.
func (f *fixture) refusals(id string) []string {
	f.t.Helper()
	var out []string
	for _, r := range f.records() {
		if r.ApprovalID == id && r.Outcome == "refused" {
			out = append(out, r.ErrorClass)
		}
	}
	return out
}

func TestApproveHappyPath(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var requested, resolved atomic.Int32
	var got *gate.Result
	f.gate.OnApprovalRequested(func(_ context.Context, a *audit.Approval) {
		requested.Add(1)
		if a.Payload != nil || a.Requester != oncall {
			t.Errorf("requested callback: %+v", a)
		}
	})
	f.gate.OnApprovalResolved(func(_ context.Context, a *audit.Approval, res *gate.Result) {
		resolved.Add(1)
		got = res
		if a.Payload != nil || a.State != audit.StateExecuted {
			t.Errorf("resolved callback: state %s payload %d bytes", a.State, len(a.Payload))
		}
	})
	id := f.requestDelete()
	if requested.Load() != 1 || f.srv.Calls("delete_users_batch") != 0 {
		t.Fatalf("requested callbacks %d, Authing calls %d", requested.Load(), f.srv.Calls("delete_users_batch"))
	}
	res := f.approve(admin, id)
	if res.Status != gate.StatusSucceeded || res.Approval == nil || res.Approval.State != audit.StateExecuted {
		t.Fatalf("approve: %s %v %+v", res.Status, res.Err, res.Approval)
	}
	if f.srv.Calls("delete_users_batch") != 1 {
		t.Fatalf("Authing received %d deletes, want 1", f.srv.Calls("delete_users_batch"))
	}
	if resolved.Load() != 1 || got != res {
		t.Errorf("resolved callbacks %d, result %p want %p", resolved.Load(), got, res)
	}
	want := []audit.Phase{audit.PhaseApprovalRequested, audit.PhaseApproved, audit.PhaseExecuting, audit.PhaseSucceeded}
	recs := f.records()
	if !equalPhases(phases(recs), want) {
		t.Fatalf("phases %v, want %v", phases(recs), want)
	}
	for _, r := range recs {
		if r.ApprovalID != id || r.ArgsHash != recs[0].ArgsHash {
			t.Errorf("record %s: approval %q hash %s", r.Phase, r.ApprovalID, r.ArgsHash)
		}
		if r.Phase != audit.PhaseApprovalRequested && r.Approver != admin {
			t.Errorf("record %s: approver %q", r.Phase, r.Approver)
		}
	}
	st, err := f.gate.Status(context.Background(), id)
	if err != nil || st.Approval.State != audit.StateExecuted || st.Outcome == nil || st.Outcome.Phase != audit.PhaseSucceeded {
		t.Fatalf("Status = %+v, %v", st, err)
	}
	// A second use is refused and audited; nothing runs again.
	if c := refusal(t, f.approve(cliAlice, id)); c != "approval_closed" {
		t.Errorf("second use: %s", c)
	}
	if f.srv.Calls("delete_users_batch") != 1 {
		t.Errorf("the approval ran twice")
	}
	if got := f.refusals(id); len(got) != 1 || got[0] != "approval_closed" {
		t.Errorf("refusal records %q", got)
	}
	f.verify()
}

func equalPhases(a, b []audit.Phase) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestApproveRefusals: each refusal leaves the approval as it was (or
// expired), runs nothing and is audited.
func TestApproveRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		by     string
		before func(f *fixture, id string)
		class  string
		state  audit.State
	}{
		{name: "self approval", by: oncall, class: "self_approval", state: audit.StatePending},
		{name: "reader may not approve", by: reader, class: "not_permitted", state: audit.StatePending},
		{name: "unregistered may not approve", by: stranger, class: "not_permitted", state: audit.StatePending},
		{name: "assistant may not approve", by: assistant, class: "not_permitted", state: audit.StatePending},
		{name: "expired", by: admin, class: "approval_expired", state: audit.StateExpired,
			before: func(f *fixture, _ string) { f.clock.Add(30*time.Minute + time.Second) }},
		{name: "denied first", by: admin, class: "approval_closed", state: audit.StateDenied,
			before: func(f *fixture, id string) {
				if res, err := f.gate.Deny(context.Background(), approver(cliAlice), id, "no"); err != nil || res.Status != gate.StatusDenied {
					f.t.Fatalf("Deny: %v %v", res, err)
				}
			}},
		{name: "withdrawn by the requester", by: admin, class: "approval_closed", state: audit.StateDenied,
			before: func(f *fixture, id string) {
				if res, err := f.gate.Deny(context.Background(), approver(oncall), id, "typo"); err != nil || res.Status != gate.StatusDenied {
					f.t.Fatalf("withdraw: %v %v", res, err)
				}
			}},
		{name: "changed arguments hash", by: admin, class: "changed_arguments", state: audit.StatePending,
			before: func(f *fixture, id string) {
				f.exec(`UPDATE approvals SET args_hash = 'sha256:0000' WHERE id = ?`, id)
			}},
		{name: "changed shown arguments", by: admin, class: "changed_arguments", state: audit.StatePending,
			before: func(f *fixture, id string) {
				f.exec(`UPDATE approvals SET args = '{"options":{"userIdType":"username"},"userIds":["bob"]}' WHERE id = ?`, id)
			}},
		{name: "changed requester", by: admin, class: "changed_arguments", state: audit.StatePending,
			before: func(f *fixture, id string) { f.exec(`UPDATE approvals SET requester = 'slack:T1/U9' WHERE id = ?`, id) }},
		{name: "tampered payload", by: admin, class: "payload_unreadable", state: audit.StatePending,
			before: func(f *fixture, id string) {
				f.exec(`UPDATE approvals SET payload = substr(payload, 1, length(payload) - 1) || x'00' WHERE id = ?`, id)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			id := f.requestDelete()
			if tt.before != nil {
				tt.before(f, id)
			}
			if c := refusal(t, f.approve(tt.by, id)); c != tt.class {
				t.Errorf("refusal class %q, want %q", c, tt.class)
			}
			if s := f.state(id); s != tt.state {
				t.Errorf("approval state %s, want %s", s, tt.state)
			}
			if n := f.srv.Calls("delete_users_batch"); n != 0 {
				t.Errorf("Authing received %d deletes", n)
			}
			if got := f.refusals(id); len(got) != 1 || got[0] != tt.class {
				t.Errorf("refusal records %q, want [%s]", got, tt.class)
			}
		})
	}
}

func (f *fixture) exec(q string, args ...any) {
	f.t.Helper()
	if _, err := f.rawDB().Exec(q, args...); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
}

func TestApproveUnknownID(t *testing.T) {
	t.Parallel()
	f := setup(t)
	if c := refusal(t, f.approve(admin, "no-such-approval")); c != "not_found" {
		t.Errorf("class %q", c)
	}
	if res, err := f.gate.Deny(context.Background(), approver(admin), "no-such-approval", ""); err != nil || refusal(t, res) != "not_found" {
		t.Errorf("Deny: %v %v", res, err)
	}
	if got := f.refusals("no-such-approval"); len(got) != 2 {
		t.Errorf("refusal records %q, want 2", got)
	}
}

// TestDenyNotPermitted: only the requester or a permitted approver decides.
func TestDenyNotPermitted(t *testing.T) {
	t.Parallel()
	f := setup(t)
	id := f.requestDelete()
	res, err := f.gate.Deny(context.Background(), approver(reader), id, "")
	if err != nil || refusal(t, res) != "not_permitted" || f.state(id) != audit.StatePending {
		t.Fatalf("Deny by a reader: %v %v, state %s", res, err, f.state(id))
	}
}

// TestConcurrentApprovals: two admins approve at once; exactly one runs.
func TestConcurrentApprovals(t *testing.T) {
	t.Parallel()
	f := setup(t)
	for round := range 5 {
		f.srv.ResetCalls()
		// Each round deletes another user: recreate erin first.
		if round > 0 {
			if res := f.execute(call(assistant, "create_user", `{"username":"erin"}`)); res.Status != gate.StatusSucceeded {
				t.Fatalf("recreate erin: %s %v", res.Status, res.Err)
			}
		}
		id := f.requestDelete()
		var wg sync.WaitGroup
		results := make([]*gate.Result, 2)
		for i, who := range []string{admin, cliAlice} {
			wg.Go(func() { results[i] = f.approve(who, id) })
		}
		wg.Wait()
		ok := 0
		for _, r := range results {
			switch r.Status {
			case gate.StatusSucceeded:
				ok++
			case gate.StatusRefused:
				if c := refusal(t, r); c != "approval_closed" {
					t.Errorf("loser refused with %q", c)
				}
			default:
				t.Errorf("status %s %v", r.Status, r.Err)
			}
		}
		if ok != 1 || f.srv.Calls("delete_users_batch") != 1 {
			t.Fatalf("round %d: %d succeeded, %d deletes sent; want exactly one", round, ok, f.srv.Calls("delete_users_batch"))
		}
	}
	f.verify()
}

// TestExpiry: ExpireDue expires what is due, tells the faces, and an
// expired approval cannot be approved.
func TestExpiry(t *testing.T) {
	t.Parallel()
	f := setup(t, withOpts(func(o *gate.Options) { o.ApprovalTTL = 5 * time.Minute }))
	var expired []string
	var mu sync.Mutex
	f.gate.OnApprovalResolved(func(_ context.Context, a *audit.Approval, res *gate.Result) {
		mu.Lock()
		defer mu.Unlock()
		if a.State == audit.StateExpired && res.Status == gate.StatusRefused {
			expired = append(expired, a.ID)
		}
	})
	early := f.requestDelete()
	f.clock.Add(3 * time.Minute)
	late := f.execute(call(admin, "delete_roles_batch", `{"codeList":["auditor"]}`))
	if late.Status != gate.StatusPendingApproval {
		t.Fatalf("late: %s %v", late.Status, late.Err)
	}
	f.clock.Add(2 * time.Minute)
	n, err := f.gate.ExpireDue(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("ExpireDue = %d, %v; want 1", n, err)
	}
	if n, _ := f.gate.ExpireDue(context.Background()); n != 0 {
		t.Errorf("second ExpireDue expired %d", n)
	}
	if f.state(early) != audit.StateExpired || f.state(late.Approval.ID) != audit.StatePending {
		t.Fatalf("states %s %s", f.state(early), f.state(late.Approval.ID))
	}
	if c := refusal(t, f.approve(admin, early)); c != "approval_closed" {
		t.Errorf("approve after ExpireDue: %q", c)
	}
	if len(expired) != 1 || expired[0] != early {
		t.Errorf("expired callbacks %q", expired)
	}
	// RunExpiry picks up the other one and ends with its context.
	f.clock.Add(5 * time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.gate.RunExpiry(ctx, 10*time.Millisecond); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for f.state(late.Approval.ID) != audit.StateExpired && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("RunExpiry did not return after its context ended")
	}
	if f.state(late.Approval.ID) != audit.StateExpired {
		t.Errorf("RunExpiry did not expire the due approval")
	}
	if f.srv.Calls("delete_users_batch")+f.srv.Calls("delete_roles_batch") != 0 {
		t.Errorf("an expired approval ran")
	}
}

// twoApprovals needs two distinct admins to approve a delete.
const twoApprovals = `@id("two") permit(principal in Group::"admins", action == Action::"delete_users_batch", resource) when { context.approvals >= 2 };
@id("approve") permit(principal in Group::"admins", action == Action::"approve", resource);`

// TestQuorum: with two approvals required, the first approval keeps the
// call pending, the second runs it; approvers deciding at the same moment
// neither run it twice nor leave it stuck.
func TestQuorum(t *testing.T) {
	t.Parallel()
	t.Run("sequential", func(t *testing.T) {
		t.Parallel()
		f := setup(t, withPolicies(twoApprovals))
		id := f.requestDelete()
		if res := f.approve(admin, id); res.Status != gate.StatusPendingApproval {
			t.Fatalf("first approval: %s %v", res.Status, res.Err)
		}
		if c := refusal(t, f.approve(admin, id)); c != "already_approved" {
			t.Errorf("same approver twice: %q", c)
		}
		if res := f.approve(cliAlice, id); res.Status != gate.StatusSucceeded || f.srv.Calls("delete_users_batch") != 1 {
			t.Fatalf("second approval: %s %v", res.Status, res.Err)
		}
	})
	t.Run("concurrent", func(t *testing.T) {
		t.Parallel()
		f := setup(t, withPolicies(twoApprovals))
		for round := range 8 {
			f.srv.ResetCalls()
			res := f.execute(call(oncall, "delete_users_batch", fmt.Sprintf(`{"userIds":["nobody-%d"]}`, round)))
			if res.Status != gate.StatusPendingApproval {
				t.Fatalf("request: %s", res.Status)
			}
			id := res.Approval.ID
			var wg sync.WaitGroup
			for _, who := range []string{admin, cliAlice} {
				wg.Go(func() {
					if r := f.approve(who, id); r.Status != gate.StatusPendingApproval && r.Status != gate.StatusFailed {
						t.Errorf("approval by %s: %s %v", who, r.Status, r.Err)
					}
				})
			}
			wg.Wait()
			if s := f.state(id); s != audit.StateExecuted || f.srv.Calls("delete_users_batch") != 1 {
				t.Fatalf("round %d: state %s, %d deletes sent; want executed once", round, s, f.srv.Calls("delete_users_batch"))
			}
		}
		f.verify()
	})
}
