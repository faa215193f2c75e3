package gate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/policy"
)

// expire moves a pending approval whose time is up to expired and tells the
// faces. It reports whether this call expired it: losing the race to
// another replica (or an admin) is fine.
func (g *Gate) expire(ctx context.Context, a *audit.Approval) bool {
	rec := &audit.Record{
		Phase: audit.PhaseApprovalExpired, Surface: a.Surface, Caller: a.Requester, Origin: a.Origin,
		Operation: a.Operation, Args: a.Args, ArgsHash: a.ArgsHash, ApprovalID: a.ID, Outcome: "expired",
	}
	expired, err := g.store.TransitionApproval(ctx, a.ID, audit.StatePending, audit.StateExpired, "", rec)
	if err != nil {
		if !errors.Is(err, audit.ErrApprovalState) {
			g.log.Error().Err(err).Str("approval", a.ID).Msg("gate: cannot expire approval")
		}
		return false
	}
	expired = public(expired)
	g.notifyResolved(ctx, expired, &Result{Status: StatusRefused, Approval: expired,
		Decision: policy.Decision{Effect: policy.Deny, Reason: "the approval expired"},
		Err:      &RefusedError{Class: "approval_expired", Message: fmt.Sprintf("approval %s expired unanswered", a.ID)}})
	return true
}

// ExpireDue expires every pending approval whose time is up and returns how
// many it expired.
func (g *Gate) ExpireDue(ctx context.Context) (int, error) {
	pending, err := g.store.ListApprovals(ctx, audit.ApprovalFilter{State: audit.StatePending, Limit: audit.MaxQueryLimit})
	if err != nil {
		return 0, err
	}
	n := 0
	now := g.now()
	for i := range pending {
		if !now.Before(pending[i].ExpiresAt) && g.expire(ctx, &pending[i]) {
			n++
		}
	}
	return n, nil
}

// RunExpiry expires due approvals every interval (default one minute) until
// ctx ends; it blocks, so run it in a goroutine that ends with ctx.
func (g *Gate) RunExpiry(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = time.Minute
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := g.ExpireDue(ctx); err != nil && ctx.Err() == nil {
				g.log.Error().Err(err).Msg("gate: expiring approvals")
			}
		}
	}
}

// ApprovalStatus describes an approval and, once it ran, its outcome record.
type ApprovalStatus struct {
	Approval *audit.Approval `json:"approval"`
	// Outcome is the succeeded or failed record of the executed call.
	Outcome *audit.Record `json:"outcome,omitempty"`
}

// Status returns the state of approval id and, once it ran, its outcome.
func (g *Gate) Status(ctx context.Context, id string) (*ApprovalStatus, error) {
	a, err := g.store.GetApproval(ctx, id)
	if err != nil {
		return nil, err
	}
	st := &ApprovalStatus{Approval: public(a)}
	if a.State == audit.StateExecuted {
		recs, err := g.store.Query(ctx, audit.Filter{ApprovalID: a.ID, Limit: audit.MaxQueryLimit})
		if err != nil {
			return nil, err
		}
		for i := range recs {
			if recs[i].Phase == audit.PhaseSucceeded || recs[i].Phase == audit.PhaseFailed {
				st.Outcome = &recs[i]
			}
		}
	}
	return st, nil
}
