package audit

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"
)

func newApproval() *Approval {
	args := json.RawMessage(`{"userIds":["u1","u2"]}`)
	return &Approval{
		Operation: "deleteUsersBatch", ArgsHash: ArgsHash("deleteUsersBatch", args), Args: args,
		Requester: "slack:T1/U1", Surface: SurfaceSlack, Origin: Origin{Team: "T1", Channel: "C1"},
		ExpiresAt: baseTime.Add(time.Hour), Payload: []byte(`{"call":"deleteUsersBatch"}`),
	}
}

func testApprovals(t *testing.T, be backend) {
	ctx := context.Background()
	s := be.new(t).open(t, WithClock(stepClock()))
	a := newApproval()
	r := rec("slack:T1/U1", a.Operation, PhaseApprovalRequested, string(a.Args))
	if err := s.CreateApproval(ctx, a, r); err != nil {
		t.Fatalf("CreateApproval: %v", err)
	}
	if a.ID == "" || a.State != StatePending || r.ApprovalID != a.ID || r.Seq != 1 {
		t.Fatalf("after CreateApproval: approval %+v record seq %d approval %q", a, r.Seq, r.ApprovalID)
	}
	got, err := s.GetApproval(ctx, a.ID)
	if err != nil {
		t.Fatalf("GetApproval: %v", err)
	}
	if got.State != StatePending || string(got.Payload) != string(a.Payload) || !got.ExpiresAt.Equal(a.ExpiresAt) || got.Origin != a.Origin {
		t.Fatalf("GetApproval = %+v, want %+v", got, a)
	}
	if _, err := s.GetApproval(ctx, "missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetApproval(missing) = %v, want ErrNotFound", err)
	}
	list, err := s.ListApprovals(ctx, ApprovalFilter{State: StatePending})
	if err != nil || len(list) != 1 || list[0].ID != a.ID {
		t.Fatalf("ListApprovals(pending) = %v, %v", list, err)
	}
	ok := rec("slack:T1/U2", a.Operation, PhaseApproved, string(a.Args))
	ok.Approver = "slack:T1/U2"
	upd, err := s.TransitionApproval(ctx, a.ID, StatePending, StateApproved, "slack:T1/U2", ok)
	if err != nil {
		t.Fatalf("TransitionApproval: %v", err)
	}
	if upd.State != StateApproved || upd.DecidedBy != "slack:T1/U2" || upd.DecidedAt.IsZero() || ok.ApprovalID != a.ID {
		t.Fatalf("after approve: %+v (record approval %q)", upd, ok.ApprovalID)
	}
	again := rec("slack:T1/U3", a.Operation, PhaseApproved, `{}`)
	if _, err := s.TransitionApproval(ctx, a.ID, StatePending, StateApproved, "slack:T1/U3", again); !errors.Is(err, ErrApprovalState) {
		t.Fatalf("second approve = %v, want ErrApprovalState", err)
	}
	if _, err := s.TransitionApproval(ctx, "missing", StatePending, StateApproved, "x", rec("x", "op", PhaseApproved, `{}`)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("approve missing = %v, want ErrNotFound", err)
	}
	if list, _ := s.ListApprovals(ctx, ApprovalFilter{State: StatePending}); len(list) != 0 {
		t.Fatalf("pending after approve: %v", list)
	}
	mustVerifyOK(t, s, 2)
	recs, err := s.Query(ctx, Filter{})
	if err != nil || len(recs) != 2 || recs[1].Phase != PhaseApproved || recs[1].ApprovalID != a.ID {
		t.Fatalf("records after approvals: %+v, %v", recs, err)
	}

	// An approval past its expiry cannot be approved, only expired.
	old := newApproval()
	old.ExpiresAt = baseTime.Add(-time.Minute)
	if err := s.CreateApproval(ctx, old, rec("slack:T1/U1", old.Operation, PhaseApprovalRequested, `{}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TransitionApproval(ctx, old.ID, StatePending, StateApproved, "slack:T1/U2", rec("slack:T1/U2", old.Operation, PhaseApproved, `{}`)); !errors.Is(err, ErrApprovalState) {
		t.Fatalf("approve expired = %v, want ErrApprovalState", err)
	}
	if _, err := s.TransitionApproval(ctx, old.ID, StatePending, StateExpired, "", rec("system", old.Operation, PhaseApprovalExpired, `{}`)); err != nil {
		t.Fatalf("expire: %v", err)
	}
	mustVerifyOK(t, s, 4)
}

// testApprovalRace has several goroutines (and a second store, standing in
// for another replica) approve the same request: exactly one wins.
func testApprovalRace(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.new(t)
	s1, s2 := db.open(t), db.open(t)
	a := newApproval()
	a.ExpiresAt = time.Time{}
	if err := s1.CreateApproval(ctx, a, rec("slack:T1/U1", a.Operation, PhaseApprovalRequested, `{}`)); err != nil {
		t.Fatal(err)
	}
	const racers = 8
	var wg sync.WaitGroup
	results := make(chan error, racers)
	for i := 0; i < racers; i++ {
		s := []Store{s1, s2}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.TransitionApproval(ctx, a.ID, StatePending, StateApproved, "slack:T1/U2", rec("slack:T1/U2", a.Operation, PhaseApproved, `{}`))
			results <- err
		}()
	}
	wg.Wait()
	close(results)
	wins := 0
	for err := range results {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, ErrApprovalState):
			t.Errorf("loser error = %v, want ErrApprovalState", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d approvals won the race, want exactly 1", wins)
	}
	mustVerifyOK(t, s1, 2)
}
