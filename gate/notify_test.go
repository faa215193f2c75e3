package gate_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/gate"
)

// TestCallbackPanics: a face's callback that panics is logged; the call it
// reports on has already been recorded and its result still returns.
func TestCallbackPanics(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.gate.OnApprovalRequested(func(context.Context, *audit.Approval) { panic("slack is down") })
	f.gate.OnApprovalResolved(func(context.Context, *audit.Approval, *gate.Result) { panic("slack is still down") })
	id := f.requestDelete()
	if res := f.approve(admin, id); res.Status != gate.StatusSucceeded {
		t.Fatalf("approve: %s %v", res.Status, res.Err)
	}
	if logs := f.logs.String(); strings.Count(logs, "an approval callback panicked") != 2 {
		t.Errorf("panics not logged: %s", logs)
	}
}

// TestRunExpiryDefaultInterval: a zero interval is the default, not a panic.
func TestRunExpiryDefaultInterval(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	f.gate.RunExpiry(ctx, 0) // returns when ctx ends
}

// TestObserveOutcomes: Options.Observe hears every call's and approval's
// outcome with the catalog's operation name, never a caller's made-up one.
func TestObserveOutcomes(t *testing.T) {
	t.Parallel()
	var (
		mu   sync.Mutex
		seen []string
	)
	f := setup(t, withOpts(func(o *gate.Options) {
		o.Observe = func(op, surface, outcome string) {
			mu.Lock()
			seen = append(seen, op+" "+surface+" "+outcome)
			mu.Unlock()
		}
	}))
	f.execute(call(reader, "list_users", `{}`))
	f.execute(call(reader, "no_such_operation_"+strings.Repeat("x", 10), `{}`))
	f.execute(call(assistant, "delete_users_batch", deleteErin))
	id := f.requestDelete()
	f.approve(oncall, id)
	f.approve(admin, id)
	want := []string{
		"list_users slack succeeded",
		"(unknown) slack invalid",
		"delete_users_batch mcp denied",
		"delete_users_batch slack pending_approval",
		"delete_users_batch slack refused",
		"delete_users_batch slack succeeded",
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Fatalf("observed:\n%s\nwant:\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
}
