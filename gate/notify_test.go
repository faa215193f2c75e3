package gate_test

import (
	"context"
	"strings"
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
