package metrics

import (
	"context"
	"encoding/json"
	"time"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/gate"
	"github.com/seed-afc46a91/authingops/policy"
)

// Decider counts the decisions of d.
func (m *Metrics) Decider(d gate.Decider) gate.Decider { return &decider{d, m} }

type decider struct {
	gate.Decider
	m *Metrics
}

func (d *decider) Decide(ctx context.Context, req policy.Request) policy.Decision {
	dec := d.Decider.Decide(ctx, req)
	d.m.decisions.WithLabelValues(req.Surface, dec.Effect.String()).Inc()
	return dec
}

// Invoker times the Authing calls of inv.
func (m *Metrics) Invoker(inv gate.Invoker) gate.Invoker {
	return func(ctx context.Context, op *authing.Operation, args json.RawMessage) (any, error) {
		start := time.Now()
		v, err := inv(ctx, op, args)
		outcome := "ok"
		if err != nil {
			outcome = gate.ErrorClass(err)
		}
		m.observeAuthing(op.Name, outcome, time.Since(start))
		return v, err
	}
}

// Store times the appends of s and counts approval transitions.
func (m *Metrics) Store(s audit.Store) audit.Store { return &store{s, m} }

type store struct {
	audit.Store
	m *Metrics
}

func (s *store) Append(ctx context.Context, r *audit.Record) error {
	start := time.Now()
	err := s.Store.Append(ctx, r)
	s.m.observeAppend("append", time.Since(start), err)
	return err
}

func (s *store) CreateApproval(ctx context.Context, a *audit.Approval, r *audit.Record) error {
	start := time.Now()
	err := s.Store.CreateApproval(ctx, a, r)
	s.m.observeAppend("approval", time.Since(start), err)
	if err == nil {
		s.m.approvals.WithLabelValues(string(audit.StatePending)).Inc()
	}
	return err
}

func (s *store) TransitionApproval(ctx context.Context, id string, from, to audit.State, by string, r *audit.Record) (*audit.Approval, error) {
	start := time.Now()
	a, err := s.Store.TransitionApproval(ctx, id, from, to, by, r)
	s.m.observeAppend("approval", time.Since(start), err)
	if err == nil && from != to {
		s.m.approvals.WithLabelValues(string(to)).Inc()
	}
	return a, err
}
