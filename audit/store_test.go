package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var baseTime = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// stepClock returns a clock that advances one second per call, so record
// times are deterministic and never depend on the wall clock.
func stepClock() func() time.Time {
	var n atomic.Int64
	return func() time.Time { return baseTime.Add(time.Duration(n.Add(1)) * time.Second) }
}

func rec(caller, op string, phase Phase, args string) *Record {
	return &Record{
		Phase: phase, Surface: SurfaceSlack, Transport: "socket", Caller: caller, Operation: op,
		Category: "write", Args: json.RawMessage(args), Targets: TargetIDs(json.RawMessage(args)),
		ArgsHash: ArgsHash(op, json.RawMessage(args)), Origin: Origin{Team: "T1", Channel: "C1"},
	}
}

func mustAppend(t testing.TB, s Store, r *Record) *Record {
	t.Helper()
	if err := s.Append(context.Background(), r); err != nil {
		t.Fatalf("Append: %v", err)
	}
	return r
}

func mustVerifyOK(t testing.TB, s Store, wantRecords int64) {
	t.Helper()
	rep, err := s.Verify(context.Background())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !rep.OK || rep.Records != wantRecords {
		t.Fatalf("Verify = %+v, want OK with %d records", rep, wantRecords)
	}
}

// TestStore runs the shared store suite against every backend.
func TestStore(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			t.Run("AppendChains", func(t *testing.T) { t.Parallel(); testAppendChains(t, be) })
			t.Run("AppendRejects", func(t *testing.T) { t.Parallel(); testAppendRejects(t, be) })
			t.Run("Query", func(t *testing.T) { t.Parallel(); testQuery(t, be) })
			t.Run("Concurrent", func(t *testing.T) { t.Parallel(); testConcurrent(t, be) })
			t.Run("TwoStoresOneChain", func(t *testing.T) { t.Parallel(); testTwoStores(t, be) })
			t.Run("Approvals", func(t *testing.T) { t.Parallel(); testApprovals(t, be) })
			t.Run("ApprovalRace", func(t *testing.T) { t.Parallel(); testApprovalRace(t, be) })
			t.Run("Tamper", func(t *testing.T) { t.Parallel(); testTamper(t, be) })
			t.Run("NoSecretsStoredOrLogged", func(t *testing.T) { t.Parallel(); testNoSecrets(t, be) })
			t.Run("Reopen", func(t *testing.T) { t.Parallel(); testReopen(t, be) })
		})
	}
}

func testAppendChains(t *testing.T, be backend) {
	s := be.new(t).open(t, WithClock(stepClock()))
	var prev string
	for i := 1; i <= 3; i++ {
		r := mustAppend(t, s, rec("slack:T1/U1", "updateUser", PhaseRequested, fmt.Sprintf(`{"userId":"u%d","nickname":"n"}`, i)))
		if r.Seq != int64(i) || r.PrevHash != prev || r.Hash != RecordHash(r) || r.ID == "" {
			t.Fatalf("record %d = seq %d prev %q hash %q id %q", i, r.Seq, r.PrevHash, r.Hash, r.ID)
		}
		prev = r.Hash
	}
	got, err := s.Query(context.Background(), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	want := mustAppend(t, s, rec("mcp:claude", "getUser", PhaseSucceeded, `{"userId":"u9"}`))
	got2, err := s.Query(context.Background(), Filter{AfterSeq: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || len(got2) != 1 {
		t.Fatalf("Query returned %d then %d records, want 3 then 1", len(got), len(got2))
	}
	if diff := cmp.Diff(*want, got2[0]); diff != "" {
		t.Errorf("stored record differs from appended (-appended +stored):\n%s", diff)
	}
	mustVerifyOK(t, s, 4)
}

func testAppendRejects(t *testing.T, be backend) {
	s := be.new(t).open(t)
	tests := []struct {
		name string
		r    *Record
	}{
		{"bad phase", &Record{Phase: "done", Operation: "x"}},
		{"no operation", &Record{Phase: PhaseRequested}},
		{"bad args", &Record{Phase: PhaseRequested, Operation: "x", Args: json.RawMessage(`{"a":`)}},
	}
	for _, tc := range tests {
		if err := s.Append(context.Background(), tc.r); err == nil {
			t.Errorf("%s: Append succeeded, want error", tc.name)
		}
	}
	mustVerifyOK(t, s, 0)
}

func testQuery(t *testing.T, be backend) {
	s := be.new(t).open(t, WithClock(stepClock()))
	// Times: record i gets baseTime + i seconds.
	mustAppend(t, s, rec("slack:T1/U1", "deleteUser", PhaseRequested, `{"userId":"u1"}`))
	r2 := rec("slack:T1/U1", "deleteUser", PhaseSucceeded, `{"userId":"u1"}`)
	r2.ApprovalID = "ap-1"
	mustAppend(t, s, r2)
	mustAppend(t, s, rec("mcp:claude", "assignRole", PhaseRequested, `{"code":"admin","targets":[{"targetIdentifier":"u2"}],"userIds":["u2","u3"]}`))
	mustAppend(t, s, rec("mcp:claude", "getUser", PhaseSucceeded, `{"userId":"u3"}`))
	r5 := rec("cli:root", "deleteUser", PhaseFailed, `{"userId":"u4"}`)
	r5.ApprovalID = "ap-1"
	mustAppend(t, s, r5)
	tests := []struct {
		name string
		f    Filter
		want []int64
	}{
		{"all", Filter{}, []int64{1, 2, 3, 4, 5}},
		{"caller", Filter{Caller: "mcp:claude"}, []int64{3, 4}},
		{"operation", Filter{Operation: "deleteUser"}, []int64{1, 2, 5}},
		{"phase", Filter{Phase: PhaseRequested}, []int64{1, 3}},
		{"approval", Filter{ApprovalID: "ap-1"}, []int64{2, 5}},
		{"target in list", Filter{Target: "u3"}, []int64{3, 4}},
		{"role code target", Filter{Target: "admin"}, []int64{3}},
		{"since", Filter{Since: baseTime.Add(4 * time.Second)}, []int64{4, 5}},
		{"until", Filter{Until: baseTime.Add(3 * time.Second)}, []int64{1, 2}},
		{"combined", Filter{Operation: "deleteUser", Since: baseTime.Add(2 * time.Second)}, []int64{2, 5}},
		{"page", Filter{AfterSeq: 2, Limit: 2}, []int64{3, 4}},
		{"reverse", Filter{Reverse: true, Limit: 2}, []int64{5, 4}},
		{"reverse page", Filter{Reverse: true, AfterSeq: 4, Limit: 2}, []int64{3, 2}},
		{"none", Filter{Caller: "nobody"}, nil},
	}
	for _, tc := range tests {
		got, err := s.Query(context.Background(), tc.f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var seqs []int64
		for _, r := range got {
			seqs = append(seqs, r.Seq)
		}
		if diff := cmp.Diff(tc.want, seqs); diff != "" {
			t.Errorf("%s: seqs (-want +got):\n%s", tc.name, diff)
		}
	}
}

func appendMany(t *testing.T, s Store, writers, each int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				r := rec(fmt.Sprintf("mcp:w%d", w), "updateUser", PhaseRequested, fmt.Sprintf(`{"userId":"u%d"}`, i))
				if err := s.Append(context.Background(), r); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent Append: %v", err)
	}
}

func testConcurrent(t *testing.T, be backend) {
	s := be.new(t).open(t)
	appendMany(t, s, 8, 40)
	mustVerifyOK(t, s, 320)
}

// testTwoStores stands in for two processes (replicas) writing one log.
func testTwoStores(t *testing.T, be backend) {
	db := be.new(t)
	a, b := db.open(t), db.open(t)
	var wg sync.WaitGroup
	for _, s := range []Store{a, b} {
		wg.Add(1)
		go func() { defer wg.Done(); appendMany(t, s, 4, 25) }()
	}
	wg.Wait()
	mustVerifyOK(t, a, 200)
	mustVerifyOK(t, b, 200)
}

func testReopen(t *testing.T, be backend) {
	db := be.new(t)
	s := db.open(t)
	mustAppend(t, s, rec("cli:root", "getUser", PhaseRequested, `{}`))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Append(context.Background(), rec("cli:root", "getUser", PhaseRequested, `{}`)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Append after Close = %v, want ErrClosed", err)
	}
	s2 := db.open(t)
	r := mustAppend(t, s2, rec("cli:root", "getUser", PhaseRequested, `{}`))
	if r.Seq != 2 {
		t.Fatalf("seq after reopen = %d, want 2", r.Seq)
	}
	mustVerifyOK(t, s2, 2)
}
