package gate_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/gate"
)

func keyed(c gate.Call, key string) gate.Call { c.DedupeKey = key; return c }

// TestDedupe: a repeated delivery runs at most once within the window and
// is audited as a duplicate; anything that differs is a new call.
func TestDedupe(t *testing.T) {
	t.Parallel()
	upd := func(nick string) gate.Call {
		return call(oncall, "update_user", `{"userId":"dave","nickname":"`+nick+`","options":{"userIdType":"username"}}`)
	}
	dry := func(c gate.Call) gate.Call { c.DryRun = true; return c }
	session := func(c gate.Call, s string) gate.Call { c.Origin.MCPSession = s; return c }
	tests := []struct {
		name    string
		calls   []gate.Call
		advance time.Duration // clock advance between the calls
		runs    int           // requests reaching Authing
		last    gate.Status
	}{
		{name: "same key same args", calls: []gate.Call{keyed(upd("a"), "k"), keyed(upd("a"), "k"), keyed(upd("a"), "k")}, runs: 1, last: gate.StatusDuplicate},
		{name: "same key other args", calls: []gate.Call{keyed(upd("a"), "k"), keyed(upd("b"), "k")}, runs: 2, last: gate.StatusSucceeded},
		{name: "other key", calls: []gate.Call{keyed(upd("a"), "k1"), keyed(upd("a"), "k2")}, runs: 2, last: gate.StatusSucceeded},
		{name: "no key", calls: []gate.Call{upd("a"), upd("a")}, runs: 2, last: gate.StatusSucceeded},
		{name: "other caller same key", calls: []gate.Call{keyed(upd("a"), "k"), keyed(call(admin, "get_user", getBob), "k")}, runs: 1, last: gate.StatusSucceeded},
		{name: "same request id in another MCP session", calls: []gate.Call{keyed(session(upd("a"), "s1"), "1"), keyed(session(upd("a"), "s2"), "1")}, runs: 2, last: gate.StatusSucceeded},
		{name: "same request id same MCP session", calls: []gate.Call{keyed(session(upd("a"), "s1"), "1"), keyed(session(upd("a"), "s1"), "1")}, runs: 1, last: gate.StatusDuplicate},
		{name: "dry run then the real call", calls: []gate.Call{keyed(dry(upd("a")), "k"), keyed(upd("a"), "k")}, runs: 1, last: gate.StatusSucceeded},
		{name: "after the window", calls: []gate.Call{keyed(upd("a"), "k"), keyed(upd("a"), "k")}, advance: 11 * time.Minute, runs: 2, last: gate.StatusSucceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			var first, last *gate.Result
			for i, c := range tt.calls {
				if i > 0 {
					f.clock.Add(tt.advance)
				}
				last = f.execute(c)
				if i == 0 {
					first = last
				}
			}
			if last.Status != tt.last {
				t.Fatalf("last status %s (%v), want %s", last.Status, last.Err, tt.last)
			}
			if n := f.srv.Calls("update_user"); n != tt.runs {
				t.Errorf("Authing received %d updates, want %d", n, tt.runs)
			}
			if tt.last == gate.StatusDuplicate {
				if last.First != gate.StatusSucceeded || last.Value != first.Value {
					t.Errorf("duplicate: first %s, value %v", last.First, last.Value)
				}
				dups := 0
				for _, r := range f.records() {
					if r.Decision == "duplicate" {
						dups++
						if r.Outcome != "duplicate" || r.ArgsHash != audit.ArgsHash("update_user", tt.calls[0].Args) {
							t.Errorf("duplicate record: %+v", r)
						}
					}
				}
				if dups != len(tt.calls)-1 {
					t.Errorf("%d duplicate records, want %d", dups, len(tt.calls)-1)
				}
			}
		})
	}
}

// TestDedupeConcurrent: duplicates arriving while the first delivery runs
// wait for it and repeat its result.
func TestDedupeConcurrent(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	f := setup(t, withInvoke(func(next gate.Invoker) gate.Invoker {
		return func(ctx context.Context, op *authing.Operation, args json.RawMessage) (any, error) {
			<-release
			return next(ctx, op, args)
		}
	}))
	c := keyed(call(oncall, "update_user", updateDave), "trigger-1")
	const n = 8
	results := make([]*gate.Result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { results[i] = f.execute(c) })
	}
	time.Sleep(100 * time.Millisecond)
	close(release)
	wg.Wait()
	counts := map[gate.Status]int{}
	for _, r := range results {
		counts[r.Status]++
		if r.Status == gate.StatusDuplicate && r.First != gate.StatusSucceeded {
			t.Errorf("duplicate of %s", r.First)
		}
	}
	if counts[gate.StatusSucceeded] != 1 || counts[gate.StatusDuplicate] != n-1 || f.srv.Calls("update_user") != 1 {
		t.Fatalf("statuses %v, %d updates sent; want one run", counts, f.srv.Calls("update_user"))
	}
}

// blockingStore fails the first Append after holding it until released.
type blockingStore struct {
	audit.Store
	entered chan struct{}
	release chan struct{}
	once    atomic.Bool
}

func (s *blockingStore) Append(ctx context.Context, r *audit.Record) error {
	if s.once.CompareAndSwap(false, true) {
		close(s.entered)
		<-s.release
		return errDiskFull
	}
	return s.Store.Append(ctx, r)
}

// TestDedupeGateFailure: a first delivery the gate could not audit does
// not poison the key: a waiting duplicate and a later retry run.
func TestDedupeGateFailure(t *testing.T) {
	t.Parallel()
	bs := &blockingStore{entered: make(chan struct{}), release: make(chan struct{})}
	f := setup(t, withStore(func(s audit.Store) audit.Store { bs.Store = s; return bs }))
	c := keyed(call(oncall, "update_user", updateDave), "trigger-2")
	errc := make(chan error, 1)
	go func() { _, err := f.gate.Execute(context.Background(), c); errc <- err }()
	<-bs.entered
	var second *gate.Result
	done := make(chan struct{})
	go func() { second = f.execute(c); close(done) }()
	time.Sleep(50 * time.Millisecond) // let the duplicate wait on the first
	close(bs.release)
	if err := <-errc; !errors.Is(err, gate.ErrAuditUnavailable) || !errors.Is(err, errDiskFull) {
		t.Fatalf("first delivery: %v, want ErrAuditUnavailable wrapping the store error", err)
	}
	<-done
	if second.Status != gate.StatusSucceeded {
		t.Fatalf("waiting duplicate: %s (%v), want it to run", second.Status, second.Err)
	}
	if third := f.execute(c); third.Status != gate.StatusDuplicate {
		t.Errorf("retry after success: %s", third.Status)
	}
	if n := f.srv.Calls("update_user"); n != 1 {
		t.Errorf("%d updates sent, want 1", n)
	}
}
