package audit

import (
	"context"

	"github.com/rs/zerolog"
)

// WithLogMirror returns a Store that logs every record it appends (and every
// approval it creates or transitions) to l, at info level, after the record
// is durable. Only stored, redacted fields are logged; approval payloads
// never are. The store stays the system of record: zerolog drops write
// errors, so a missing log line means nothing.
func WithLogMirror(s Store, l zerolog.Logger) Store {
	if m, ok := s.(*logMirror); ok {
		s = m.Store
	}
	return &logMirror{Store: s, log: l}
}

type logMirror struct {
	Store
	log zerolog.Logger
}

func (m *logMirror) Append(ctx context.Context, r *Record) error {
	if err := m.Store.Append(ctx, r); err != nil {
		m.logFailure(r, err)
		return err
	}
	m.logRecord(r)
	return nil
}

func (m *logMirror) CreateApproval(ctx context.Context, a *Approval, rec *Record) error {
	if err := m.Store.CreateApproval(ctx, a, rec); err != nil {
		m.logFailure(rec, err)
		return err
	}
	m.logRecord(rec)
	return nil
}

func (m *logMirror) TransitionApproval(ctx context.Context, id string, from, to State, decidedBy string, rec *Record) (*Approval, error) {
	a, err := m.Store.TransitionApproval(ctx, id, from, to, decidedBy, rec)
	if err != nil {
		m.logFailure(rec, err)
		return nil, err
	}
	m.logRecord(rec)
	return a, nil
}

// logFailure notes a record that was not stored. Only identifying fields are
// logged: the record was not redacted by the store.
func (m *logMirror) logFailure(r *Record, err error) {
	if r == nil {
		return
	}
	m.log.Error().Err(err).Str("event", "audit_append_failed").Str("phase", string(r.Phase)).
		Str("caller", r.Caller).Str("operation", r.Operation).Str("approval_id", r.ApprovalID).
		Msg("audit record not stored")
}

// logRecord writes one line for a stored record. Every value logged here was
// redacted by the store before it was written.
func (m *logMirror) logRecord(r *Record) {
	ev := m.log.Info().
		Str("event", "audit").
		Int64("seq", r.Seq).
		Str("id", r.ID).
		Time("record_time", r.Time).
		Str("phase", string(r.Phase)).
		Str("surface", r.Surface).
		Str("caller", r.Caller).
		Str("operation", r.Operation).
		Strs("targets", r.Targets).
		RawJSON("args", r.Args).
		Str("args_hash", r.ArgsHash).
		Bool("dry_run", r.DryRun)
	opt := func(k, v string) {
		if v != "" {
			ev = ev.Str(k, v)
		}
	}
	opt("transport", r.Transport)
	opt("caller_name", r.CallerName)
	opt("category", r.Category)
	opt("slack_team", r.Origin.Team)
	opt("slack_channel", r.Origin.Channel)
	opt("trigger_id", r.Origin.TriggerID)
	opt("mcp_session", r.Origin.MCPSession)
	opt("decision", r.Decision)
	opt("approval_id", r.ApprovalID)
	opt("approver", r.Approver)
	opt("request_id", r.RequestID)
	opt("outcome", r.Outcome)
	opt("error_class", r.ErrorClass)
	opt("error_message", r.ErrorMessage)
	if len(r.PolicyIDs) > 0 {
		ev = ev.Strs("policy_ids", r.PolicyIDs)
	}
	if r.DurationMS != 0 {
		ev = ev.Int64("duration_ms", r.DurationMS)
	}
	ev.Str("hash", r.Hash).Msg("audit record")
}
