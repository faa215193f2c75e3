package gate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/google/uuid"
	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/policy"
)

// Approver is the admin acting on an approval.
type Approver struct {
	Caller     string
	CallerName string
	Surface    string
	Transport  string
	Origin     audit.Origin
}

// approvalRun carries the approval a call executes under.
type approvalRun struct {
	approval *audit.Approval
	approver string
}

// requestApproval creates a pending approval bound to the exact arguments
// and keeps the sealed call to run once approved.
func (g *Gate) requestApproval(ctx context.Context, p *prepared, dec policy.Decision) (*Result, error) {
	id := uuid.NewString()
	plain, err := json.Marshal(p.call)
	if err != nil {
		return nil, fmt.Errorf("gate: encode pending call: %w", err)
	}
	sealed, err := g.seal.seal(id, plain)
	if err != nil {
		return nil, fmt.Errorf("gate: seal pending call: %w", err)
	}
	now := g.now()
	a := &audit.Approval{
		ID: id, Operation: p.op.Name, ArgsHash: p.hash, Args: p.redactedArgs(),
		Requester: p.call.Caller, Surface: p.call.Surface, Origin: p.call.Origin,
		State: audit.StatePending, CreatedAt: now, ExpiresAt: now.Add(g.ttl), Payload: sealed,
	}
	rec := g.record(p, audit.PhaseApprovalRequested, dec)
	rec.ApprovalID = id
	rec.Outcome = "pending"
	if err := g.store.CreateApproval(ctx, a, rec); err != nil {
		return nil, auditFailed(err)
	}
	a = public(a)
	g.notifyRequested(ctx, a)
	return &Result{Status: StatusPendingApproval, Operation: p.op, Decision: dec, Approval: a}, nil
}

// Approve records who's approval of the pending approval id and, once the
// policy permits the call with the approvals given, runs it exactly once.
// Refusals (self-approval, a second use, expiry, changed arguments, an
// approver the policy does not permit) are audited and answered with
// StatusRefused.
func (g *Gate) Approve(ctx context.Context, who Approver, id string) (*Result, error) {
	res, err := g.approve(ctx, who, id)
	g.observe(who.Surface, res, err)
	return res, err
}

func (g *Gate) approve(ctx context.Context, who Approver, id string) (*Result, error) {
	a, res, err := g.openApproval(ctx, who, id)
	if a == nil {
		return res, err
	}
	if who.Caller == a.Requester {
		return g.refuse(ctx, who, a, "self_approval", "you requested this call; a different admin must approve it")
	}
	p, err := g.unsealCall(a)
	if err != nil {
		var re *RefusedError
		if errors.As(err, &re) {
			return g.refuse(ctx, who, a, re.Class, re.Message)
		}
		return nil, err
	}
	prior, err := g.approvers(ctx, a)
	if err != nil {
		return nil, auditFailed(err)
	}
	d := g.policy.DecideApproval(ctx, policy.Request{
		Caller: who.Caller, Operation: a.Operation, Surface: who.Surface, Transport: who.Transport,
		Channel: who.Origin.Channel, Approvals: len(prior), Targets: p.targets,
	})
	if !d.Allowed() {
		return g.refuse(ctx, who, a, "not_permitted", "you may not approve "+a.Operation+": "+d.Reason)
	}
	if prior[who.Caller] {
		return g.refuse(ctx, who, a, "already_approved", "you have already approved this call; another admin must approve it")
	}
	dec := g.policy.Decide(ctx, g.policyRequest(p, len(prior)+1))
	rec := g.record(p, audit.PhaseApproved, dec)
	rec.ApprovalID, rec.Approver = a.ID, who.Caller
	rec.Outcome = "approved"
	switch dec.Effect {
	case policy.Deny:
		return g.refuse(ctx, who, a, "policy_changed", "the policy no longer permits this call, even approved: "+dec.Reason)
	case policy.NeedsApproval:
		// More approvers are needed: record this one and stay pending.
		if _, err := g.store.TransitionApproval(ctx, a.ID, audit.StatePending, audit.StatePending, who.Caller, rec); err != nil {
			return g.transitionFailed(ctx, who, a, err)
		}
		// Approvers deciding at the same moment each miss the other's
		// approval: count again now that this one is durable, and complete
		// the quorum if it is reached (only one completes it: the state
		// check below admits one transition to approved).
		if dec, rec, err = g.quorum(ctx, who, a, p); err != nil || dec.Effect != policy.Allow {
			if err != nil {
				return nil, err
			}
			return &Result{Status: StatusPendingApproval, Operation: p.op, Decision: dec, Approval: public(a)}, nil
		}
	}
	approved, err := g.store.TransitionApproval(ctx, a.ID, audit.StatePending, audit.StateApproved, who.Caller, rec)
	if err != nil {
		if rec.Outcome == outcomeQuorum && errors.Is(err, audit.ErrApprovalState) {
			// A concurrent approver completed the quorum and runs the call;
			// this approval was recorded and counted.
			return &Result{Status: StatusPendingApproval, Operation: p.op, Decision: dec, Approval: public(a)}, nil
		}
		return g.transitionFailed(ctx, who, a, err)
	}
	res, err = g.run(ctx, p, dec, &approvalRun{approval: public(approved), approver: who.Caller})
	if err != nil {
		// Approved, but not run: the approval is used up, so tell the
		// requester to ask again rather than leave them waiting.
		g.notifyResolved(ctx, public(approved), &Result{Status: StatusFailed, Operation: p.op, Decision: dec, Approval: public(approved),
			Err: &CallError{Class: "audit_unavailable", Message: "approved, but the audit log could not be written, so the call was not run; request it again", err: err}})
		return nil, err
	}
	g.notifyResolved(ctx, res.Approval, res)
	return res, nil
}

// outcomeQuorum marks the approved record of an approver whose recount
// found the quorum complete.
const outcomeQuorum = "quorum"

// quorum decides a again with the approvals now durable, and returns the
// record that moves it to approved when the policy allows the call.
func (g *Gate) quorum(ctx context.Context, who Approver, a *audit.Approval, p *prepared) (policy.Decision, *audit.Record, error) {
	now, err := g.approvers(ctx, a)
	if err != nil {
		return policy.Decision{}, nil, auditFailed(err)
	}
	dec := g.policy.Decide(ctx, g.policyRequest(p, len(now)))
	rec := g.record(p, audit.PhaseApproved, dec)
	rec.ApprovalID, rec.Approver, rec.Outcome = a.ID, who.Caller, outcomeQuorum
	return dec, rec, nil
}

// Deny closes the pending approval id without running it. The requester may
// withdraw their own request; anyone else must be permitted to approve.
func (g *Gate) Deny(ctx context.Context, who Approver, id, reason string) (*Result, error) {
	a, res, err := g.openApproval(ctx, who, id)
	if a == nil {
		return res, err
	}
	if who.Caller != a.Requester {
		d := g.policy.DecideApproval(ctx, policy.Request{Caller: who.Caller, Operation: a.Operation, Surface: who.Surface,
			Transport: who.Transport, Channel: who.Origin.Channel, Targets: audit.TargetIDs(a.Args)})
		if !d.Allowed() {
			return g.refuse(ctx, who, a, "not_permitted", "you may not decide on "+a.Operation+": "+d.Reason)
		}
	}
	rec := g.approvalRecord(who, a, audit.PhaseApprovalDenied)
	rec.Outcome = "denied"
	rec.ErrorMessage = reason
	denied, err := g.store.TransitionApproval(ctx, a.ID, audit.StatePending, audit.StateDenied, who.Caller, rec)
	if err != nil {
		return g.transitionFailed(ctx, who, a, err)
	}
	denied = public(denied)
	res = &Result{Status: StatusDenied, Approval: denied, Decision: policy.Decision{Effect: policy.Deny, Reason: "denied by " + who.Caller}}
	g.notifyResolved(ctx, denied, res)
	return res, nil
}

// openApproval loads a pending approval, expiring it when its time is up. It
// returns a nil approval with the answer to give when it cannot proceed.
func (g *Gate) openApproval(ctx context.Context, who Approver, id string) (*audit.Approval, *Result, error) {
	a, err := g.store.GetApproval(ctx, id)
	if errors.Is(err, audit.ErrNotFound) {
		// The record needs an operation; the id is the asker's text, so it
		// is bounded (the store redacts the message).
		if len(id) > 64 {
			id = id[:64] + "…"
		}
		res, err := g.refuse(ctx, who, &audit.Approval{ID: id, Operation: unknownApproval, Args: json.RawMessage("null")},
			"not_found", fmt.Sprintf("there is no approval %q", id))
		return nil, res, err
	}
	if err != nil {
		return nil, nil, auditFailed(err)
	}
	if a.State != audit.StatePending {
		msg := fmt.Sprintf("approval %s is already %s", a.ID, a.State)
		if a.DecidedBy != "" {
			msg += " (by " + a.DecidedBy + ")"
		}
		res, err := g.refuse(ctx, who, a, "approval_closed", msg)
		return nil, res, err
	}
	if !g.now().Before(a.ExpiresAt) {
		g.expire(ctx, a)
		res, err := g.refuse(ctx, who, a, "approval_expired", fmt.Sprintf("approval %s expired at %s", a.ID, a.ExpiresAt.UTC().Format("2006-01-02 15:04:05 MST")))
		return nil, res, err
	}
	return a, nil, nil
}

// unknownApproval is the operation named in the audit record of an action
// on an approval id that does not exist.
const unknownApproval = "(unknown approval)"

// unsealCall opens the pending call and checks it is the one requested: the
// same operation, arguments (their hash, and the redacted form approvers
// are shown) and requester.
func (g *Gate) unsealCall(a *audit.Approval) (*prepared, error) {
	plain, err := g.seal.open(a.ID, a.Payload)
	if err != nil {
		return nil, &RefusedError{Class: "payload_unreadable", Message: err.Error()}
	}
	var c Call
	if err := json.Unmarshal(plain, &c); err != nil {
		return nil, &RefusedError{Class: "payload_unreadable", Message: "the pending call is corrupt"}
	}
	changed := &RefusedError{Class: "changed_arguments", Message: "the pending call does not match what was requested (operation, arguments or requester changed)"}
	op, err := lookup(c.Operation)
	if err != nil || c.Operation != a.Operation || c.Caller != a.Requester || audit.ArgsHash(c.Operation, c.Args) != a.ArgsHash {
		return nil, changed
	}
	c.DryRun, c.DedupeKey = false, ""
	p := g.prepare(op, c)
	if !sameShown(p.redactedArgs(), a.Args) {
		return nil, changed
	}
	return p, nil
}

// sameShown reports whether two redacted argument documents are equal,
// whatever key marked their redacted values (restarts without a configured
// redaction key change the markers, not the call).
func sameShown(x, y json.RawMessage) bool {
	var a, b any
	if json.Unmarshal(x, &a) != nil || json.Unmarshal(y, &b) != nil {
		return false
	}
	return reflect.DeepEqual(unmark(a), unmark(b))
}

func unmark(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = unmark(e)
		}
	case []any:
		for i, e := range x {
			x[i] = unmark(e)
		}
	case string:
		if audit.IsMarker(x) {
			return "[REDACTED]"
		}
	}
	return v
}

// approvers returns the distinct callers who approved a so far.
func (g *Gate) approvers(ctx context.Context, a *audit.Approval) (map[string]bool, error) {
	recs, err := g.store.Query(ctx, audit.Filter{ApprovalID: a.ID, Phase: audit.PhaseApproved, Limit: audit.MaxQueryLimit})
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, r := range recs {
		if r.Approver != "" {
			out[r.Approver] = true
		}
	}
	return out, nil
}

// public returns a copy of a without the sealed payload, for results and
// callbacks.
func public(a *audit.Approval) *audit.Approval {
	if a == nil {
		return nil
	}
	cp := *a
	cp.Payload = nil
	return &cp
}

// refuse records and answers a refused approval action.
func (g *Gate) refuse(ctx context.Context, who Approver, a *audit.Approval, class, msg string) (*Result, error) {
	rec := g.approvalRecord(who, a, audit.PhaseDenied)
	rec.Outcome, rec.ErrorClass, rec.ErrorMessage = "refused", class, msg
	if err := g.store.Append(ctx, rec); err != nil {
		return nil, auditFailed(err)
	}
	return &Result{Status: StatusRefused, Approval: public(a), Err: &RefusedError{Class: class, Message: msg}}, nil
}

// transitionFailed answers a lost race (another admin decided first, or the
// approval expired meanwhile) as a refusal.
func (g *Gate) transitionFailed(ctx context.Context, who Approver, a *audit.Approval, err error) (*Result, error) {
	if errors.Is(err, audit.ErrApprovalState) {
		return g.refuse(ctx, who, a, "approval_closed", "approval "+a.ID+" was decided by someone else or expired meanwhile")
	}
	return nil, auditFailed(err)
}

// approvalRecord starts a record of an approver's action on a.
func (g *Gate) approvalRecord(who Approver, a *audit.Approval, phase audit.Phase) *audit.Record {
	return &audit.Record{
		Phase: phase, Surface: who.Surface, Transport: who.Transport,
		Caller: who.Caller, CallerName: who.CallerName, Origin: who.Origin,
		Operation: a.Operation, Args: a.Args, ArgsHash: a.ArgsHash,
		ApprovalID: a.ID, Approver: who.Caller,
	}
}
