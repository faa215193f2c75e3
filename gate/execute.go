package gate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/policy"
)

// prepared holds what the gate derives once from a call's arguments. The
// redacted form and the secret values are computed on first use: an
// unaudited read that succeeds needs neither.
type prepared struct {
	op      *authing.Operation
	call    Call
	hash    string
	targets []string

	g        *Gate
	redacted json.RawMessage
	secrets  []string
}

func (g *Gate) prepare(op *authing.Operation, c Call) *prepared {
	c.Args = normalizeArgs(c.Args)
	if kind, _, ok := strings.Cut(c.Caller, ":"); ok && c.Surface == "" {
		// As the policy does: the surface defaults to the caller id's kind.
		c.Surface = kind
	}
	return &prepared{
		op:      op,
		call:    c,
		hash:    audit.ArgsHash(op.Name, c.Args),
		targets: audit.TargetIDs(c.Args),
		g:       g,
	}
}

// redactedArgs returns the arguments with secrets replaced by markers.
func (p *prepared) redactedArgs() json.RawMessage {
	if p.redacted == nil {
		p.redacted = p.g.redactor.RedactArgs(p.call.Args)
		p.secrets = secretValues(p.call.Args, p.redacted)
	}
	return p.redacted
}

// secretValues returns the raw values the redactor hid in the arguments;
// they are scrubbed from every message the gate shows or stores.
func (p *prepared) secretValues() []string {
	p.redactedArgs()
	return p.secrets
}

// normalizeArgs makes absent arguments ("", whitespace, null) the empty
// object, so that they validate, hash and run alike.
func normalizeArgs(args json.RawMessage) json.RawMessage {
	t := bytes.TrimSpace(args)
	if len(t) == 0 || string(t) == "null" {
		return json.RawMessage("{}")
	}
	return args
}

// record starts an audit record describing p at phase.
func (g *Gate) record(p *prepared, phase audit.Phase, dec policy.Decision) *audit.Record {
	c := p.call
	return &audit.Record{
		Phase: phase, Surface: c.Surface, Transport: c.Transport,
		Caller: c.Caller, CallerName: c.CallerName, Origin: c.Origin,
		Operation: p.op.Name, Category: p.op.Category, Targets: p.targets,
		Args: p.redactedArgs(), ArgsHash: p.hash, DryRun: c.DryRun,
		Decision: dec.Effect.String(), PolicyIDs: dec.PolicyIDs,
	}
}

func (g *Gate) policyRequest(p *prepared, approvals int) policy.Request {
	c := p.call
	return policy.Request{
		Caller: c.Caller, Operation: p.op.Name, Surface: c.Surface, Transport: c.Transport,
		Channel: c.Origin.Channel, DryRun: c.DryRun, Approvals: approvals, Targets: p.targets,
	}
}

// Execute runs one call through the gate. The returned error is for failures
// of the gate itself (the audit log cannot be written, the context ended):
// then nothing was run. Everything a caller did wrong or Authing answered is
// in the Result.
//
// A context that has ended before the call is audited stops it; once a
// write's executing record is durable the write runs to its end whatever
// the context says, so that its outcome is known and recorded. Writes,
// denials, dry runs of writes, approval requests and duplicates are
// audited; allowed reads only with Options.AuditReads.
func (g *Gate) Execute(ctx context.Context, c Call) (*Result, error) {
	res, err := g.executeCall(ctx, c)
	g.observe(c.Surface, res, err)
	return res, err
}

func (g *Gate) executeCall(ctx context.Context, c Call) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("gate: nothing was run: %w", err)
	}
	op, verr := lookup(c.Operation)
	if verr != nil {
		return &Result{Status: StatusInvalid, Err: verr}, nil
	}
	c.Args = normalizeArgs(c.Args)
	if verr := g.validate(op, c.Args); verr != nil {
		return &Result{Status: StatusInvalid, Operation: op, Err: verr}, nil
	}
	p := g.prepare(op, c)
	if c.DedupeKey == "" {
		return g.execute(ctx, p)
	}
	// The key is scoped to the caller, surface, transport and MCP session
	// (one caller never sees another's result, and JSON-RPC request ids
	// restart with every MCP session); the fingerprint binds the operation,
	// the exact arguments and the dry-run flag, so a dry run never stands
	// in for the real call.
	key := strings.Join([]string{c.Surface, c.Transport, c.Caller, c.Origin.MCPSession, c.DedupeKey}, "\x00")
	fp := p.hash
	if c.DryRun {
		fp += "\x00dry"
	}
	for {
		e, first := g.dedupe.claim(key, fp)
		if first {
			res, err := g.execute(ctx, p)
			if err != nil {
				// The gate itself failed and nothing ran: forget the key so
				// that a retry (or a waiting duplicate) may run.
				g.dedupe.forget(key, e)
				e.finish(nil)
				return nil, err
			}
			// Duplicates get their own copy: the face may change res.
			first := *res
			e.finish(&first)
			return res, nil
		}
		res, retry, err := g.duplicate(ctx, p, e)
		if !retry {
			return res, err
		}
	}
}

// execute decides, and then denies, dry-runs, asks for approval or runs.
func (g *Gate) execute(ctx context.Context, p *prepared) (*Result, error) {
	dec := g.policy.Decide(ctx, g.policyRequest(p, 0))
	switch {
	case dec.Effect == policy.Deny:
		return g.deny(ctx, p, dec)
	case p.call.DryRun:
		return g.dryRun(ctx, p, dec)
	case dec.Effect == policy.NeedsApproval:
		return g.requestApproval(ctx, p, dec)
	}
	return g.run(ctx, p, dec, nil)
}

// auditFailed is the error of a gate whose audit write failed: nothing ran.
// It matches ErrAuditUnavailable and the store's own error (a context that
// ended, audit.ErrClosed).
func auditFailed(err error) error {
	return fmt.Errorf("%w: %w", ErrAuditUnavailable, err)
}

// deny records and answers a policy denial.
func (g *Gate) deny(ctx context.Context, p *prepared, dec policy.Decision) (*Result, error) {
	rec := g.record(p, audit.PhaseDenied, dec)
	rec.Outcome = "denied"
	rec.ErrorMessage = dec.Reason
	if err := g.store.Append(ctx, rec); err != nil {
		return nil, auditFailed(err)
	}
	return &Result{Status: StatusDenied, Operation: p.op, Decision: dec}, nil
}

// dryRun answers the request that would be sent, redacted, without sending it.
func (g *Gate) dryRun(ctx context.Context, p *prepared, dec policy.Decision) (*Result, error) {
	wr, err := p.op.Encode(p.call.Args)
	if err != nil {
		return &Result{Status: StatusInvalid, Operation: p.op, Decision: dec, Err: &ValidationError{Operation: p.op.Name, Problem: g.scrub(err.Error(), p.secretValues())}}, nil
	}
	if len(wr.Body) > 0 {
		wr.Body = g.redactor.RedactArgs(wr.Body)
	}
	if len(wr.Query) > 0 {
		wr.Query = g.redactQuery(wr.Query)
	}
	if p.op.Write || g.auditReads {
		rec := g.record(p, audit.PhaseRequested, dec)
		rec.Outcome = "dry_run"
		if err := g.store.Append(ctx, rec); err != nil {
			return nil, auditFailed(err)
		}
	}
	return &Result{Status: StatusDryRun, Operation: p.op, Decision: dec, Request: wr}, nil
}

// run writes the executing record, calls Authing and writes the outcome. With
// an approval, the outcome moves the approval from approved to executed in
// the same transaction.
func (g *Gate) run(ctx context.Context, p *prepared, dec policy.Decision, appr *approvalRun) (*Result, error) {
	audited := p.op.Write || g.auditReads || appr != nil
	if audited {
		rec := g.record(p, audit.PhaseExecuting, dec)
		if appr != nil {
			rec.ApprovalID, rec.Approver = appr.approval.ID, appr.approver
		}
		if err := g.store.Append(ctx, rec); err != nil {
			return nil, auditFailed(err)
		}
	}
	// Once the executing record is durable a write runs to its end, even if
	// the caller goes away (a closed HTTP request, a Slack timeout): an
	// aborted write leaves Authing in an unknown state and the audit log
	// unable to say what happened. The client bounds the call itself.
	ictx := ctx
	if p.op.Write {
		ictx = context.WithoutCancel(ctx)
	}
	start := g.now()
	val, err := g.invoke(ictx, p.op, p.call.Args)
	res := &Result{Status: StatusSucceeded, Operation: p.op, Decision: dec, Value: val, Duration: g.now().Sub(start)}
	if err != nil {
		ce := g.callError(err, p.secretValues())
		res.Status, res.Err, res.Value, res.RequestID = StatusFailed, ce, nil, ce.RequestID
	}
	if appr != nil {
		res.Approval = appr.approval
	}
	if audited {
		g.recordOutcome(ctx, p, dec, res, appr)
	}
	return res, nil
}

// recordOutcome writes the outcome record. The change has happened (or
// failed) whatever the caller's context says, so the write is detached from
// its cancellation and retried a few times; a record that still cannot be
// written is logged loudly.
func (g *Gate) recordOutcome(ctx context.Context, p *prepared, dec policy.Decision, res *Result, appr *approvalRun) {
	ctx = context.WithoutCancel(ctx)
	var err error
	for attempt := range 3 {
		rec := g.record(p, audit.PhaseSucceeded, dec)
		rec.Outcome = "ok"
		rec.DurationMS = res.Duration.Milliseconds()
		if res.Status == StatusFailed {
			ce := res.Err.(*CallError)
			rec.Phase, rec.Outcome, rec.ErrorClass, rec.ErrorMessage, rec.RequestID = audit.PhaseFailed, "error", ce.Class, ce.Message, ce.RequestID
		}
		if appr != nil {
			rec.ApprovalID, rec.Approver = appr.approval.ID, appr.approver
			var a *audit.Approval
			a, err = g.store.TransitionApproval(ctx, appr.approval.ID, audit.StateApproved, audit.StateExecuted, "", rec)
			if err == nil {
				res.Approval = public(a)
			}
		} else {
			err = g.store.Append(ctx, rec)
		}
		if err == nil {
			return
		}
		time.Sleep(time.Duration(attempt+1) * 50 * time.Millisecond)
	}
	g.log.Error().Err(err).Str("op", p.op.Name).Str("caller", p.call.Caller).Str("outcome", string(res.Status)).
		Msg("gate: the outcome of an executed call could not be written to the audit log")
}

// duplicate answers a repeated delivery with the first call's result, once
// the first call has finished. retry is true when the first call failed in
// the gate itself (nothing ran): the caller then claims the key again.
func (g *Gate) duplicate(ctx context.Context, p *prepared, e *dedupeEntry) (res *Result, retry bool, err error) {
	select {
	case <-e.done:
	case <-ctx.Done():
		return nil, false, fmt.Errorf("gate: waiting for the first delivery of this dedupe key: %w", ctx.Err())
	}
	first := e.result
	if first == nil {
		return nil, true, nil
	}
	if p.op.Write || g.auditReads {
		rec := g.record(p, audit.PhaseDenied, first.Decision)
		rec.Decision = "duplicate"
		rec.Outcome = "duplicate"
		rec.ErrorClass = "duplicate"
		rec.ErrorMessage = fmt.Sprintf("repeated delivery of dedupe key; the first delivery ended %s", first.Status)
		if first.Approval != nil {
			rec.ApprovalID = first.Approval.ID
		}
		if err := g.store.Append(ctx, rec); err != nil {
			return nil, false, auditFailed(err)
		}
	}
	dup := *first
	dup.Status, dup.First = StatusDuplicate, first.Status
	return &dup, false, nil
}

// redactQuery redacts query values with the same rules as arguments.
func (g *Gate) redactQuery(q map[string][]string) map[string][]string {
	b, _ := json.Marshal(q)
	var out map[string][]string
	if json.Unmarshal(g.redactor.RedactArgs(b), &out) != nil {
		return map[string][]string{"(redacted)": {"[REDACTED]"}}
	}
	return out
}
