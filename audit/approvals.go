package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

var knownStates = map[State]bool{
	StatePending: true, StateApproved: true, StateDenied: true, StateExpired: true, StateExecuted: true,
}

// Valid reports whether st is a known approval state.
func (st State) Valid() bool { return knownStates[st] }

const approvalColumns = `id, operation, args_hash, args, requester, surface, origin, state,
	created_at, expires_at, decided_by, decided_at, payload`

func (s *sqlStore) nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return s.d.timeArg(normalizeTime(t))
}

// CreateApproval implements Store.
func (s *sqlStore) CreateApproval(ctx context.Context, a *Approval, rec *Record) error {
	if a == nil || rec == nil {
		return errors.New("audit: create approval: approval and record are required")
	}
	ap := *a
	if ap.ID == "" {
		ap.ID = s.newID()
	}
	if ap.State == "" {
		ap.State = StatePending
	}
	if !ap.State.Valid() {
		return fmt.Errorf("audit: create approval %s: invalid state %q", ap.ID, ap.State)
	}
	if ap.CreatedAt.IsZero() {
		ap.CreatedAt = s.opts.clock()
	}
	ap.CreatedAt = normalizeTime(ap.CreatedAt)
	ap.ExpiresAt = normalizeTime(ap.ExpiresAt)
	ap.DecidedAt = normalizeTime(ap.DecidedAt)
	ap.Args = s.opts.redactor.RedactArgs(ap.Args)
	if len(ap.Args) == 0 {
		ap.Args = json.RawMessage("null")
	}
	cp, err := s.prepare(rec)
	if err != nil {
		return err
	}
	if cp.ApprovalID == "" {
		cp.ApprovalID = ap.ID
	}
	step := func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.d.bind("INSERT INTO approvals ("+approvalColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"),
			ap.ID, ap.Operation, ap.ArgsHash, string(ap.Args), ap.Requester, ap.Surface, mustJSON(ap.Origin),
			string(ap.State), s.d.timeArg(ap.CreatedAt), s.nullTime(ap.ExpiresAt), ap.DecidedBy,
			s.nullTime(ap.DecidedAt), ap.Payload)
		if err != nil {
			return wrapf(err, "audit: %s: insert approval %s", s.d.name, ap.ID)
		}
		return nil
	}
	if err := s.submit(ctx, &job{recs: []*Record{cp}, step: step}); err != nil {
		return err
	}
	*a, *rec = ap, *cp
	return nil
}

// GetApproval implements Store.
func (s *sqlStore) GetApproval(ctx context.Context, id string) (*Approval, error) {
	row := s.db.QueryRowContext(ctx, s.d.bind("SELECT "+approvalColumns+" FROM approvals WHERE id = ?"), id)
	a, err := scanApproval(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("audit: approval %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, wrapf(err, "audit: %s: get approval %q", s.d.name, id)
	}
	return &a, nil
}

// ListApprovals implements Store.
func (s *sqlStore) ListApprovals(ctx context.Context, f ApprovalFilter) ([]Approval, error) {
	var where []string
	var args []any
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, string(f.State))
	}
	if f.Requester != "" {
		where, args = append(where, "requester = ?"), append(args, f.Requester)
	}
	if f.Operation != "" {
		where, args = append(where, "operation = ?"), append(args, f.Operation)
	}
	q := "SELECT " + approvalColumns + " FROM approvals"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY created_at, id LIMIT " + strconv.Itoa(Filter{Limit: f.Limit}.limit())
	rows, err := s.db.QueryContext(ctx, s.d.bind(q), args...)
	if err != nil {
		return nil, wrapf(err, "audit: %s: list approvals", s.d.name)
	}
	defer rows.Close()
	out := []Approval{}
	for rows.Next() {
		a, err := scanApproval(rows)
		if err != nil {
			return nil, wrapf(err, "audit: %s: list approvals: scan", s.d.name)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "audit: %s: list approvals", s.d.name)
	}
	return out, nil
}

// TransitionApproval implements Store. Approving an approval whose ExpiresAt
// has passed fails with ErrApprovalState; move it to expired instead.
func (s *sqlStore) TransitionApproval(ctx context.Context, id string, from, to State, decidedBy string, rec *Record) (*Approval, error) {
	if !from.Valid() || !to.Valid() {
		return nil, fmt.Errorf("audit: approval %q: invalid transition %q → %q", id, from, to)
	}
	if rec == nil {
		return nil, fmt.Errorf("audit: approval %q: a record is required", id)
	}
	cp, err := s.prepare(rec)
	if err != nil {
		return nil, err
	}
	if cp.ApprovalID == "" {
		cp.ApprovalID = id
	}
	var result Approval
	step := func(ctx context.Context, tx *sql.Tx) error {
		row := tx.QueryRowContext(ctx, s.d.bind("SELECT "+approvalColumns+" FROM approvals WHERE id = ?"+s.d.forUpdate), id)
		a, err := scanApproval(row)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("audit: approval %q: %w", id, ErrNotFound)
		}
		if err != nil {
			return wrapf(err, "audit: %s: read approval %q", s.d.name, id)
		}
		if a.State != from {
			return fmt.Errorf("audit: approval %q is %s, not %s: %w", id, a.State, from, ErrApprovalState)
		}
		if to == StateApproved && !a.ExpiresAt.IsZero() && !cp.Time.Before(a.ExpiresAt) {
			return fmt.Errorf("audit: approval %q expired at %s: %w", id, a.ExpiresAt.Format(time.RFC3339), ErrApprovalState)
		}
		a.State = to
		if decidedBy != "" {
			a.DecidedBy, a.DecidedAt = decidedBy, cp.Time
		}
		if _, err := tx.ExecContext(ctx, s.d.bind("UPDATE approvals SET state = ?, decided_by = ?, decided_at = ? WHERE id = ? AND state = ?"),
			string(a.State), a.DecidedBy, s.nullTime(a.DecidedAt), id, string(from)); err != nil {
			return wrapf(err, "audit: %s: update approval %q", s.d.name, id)
		}
		result = a
		return nil
	}
	if err := s.submit(ctx, &job{recs: []*Record{cp}, step: step}); err != nil {
		return nil, err
	}
	*rec = *cp
	return &result, nil
}

func scanApproval(row interface{ Scan(...any) error }) (Approval, error) {
	var a Approval
	var args, origin, state string
	err := row.Scan(&a.ID, &a.Operation, &a.ArgsHash, &args, &a.Requester, &a.Surface, &origin,
		&state, timeCol{&a.CreatedAt}, timeCol{&a.ExpiresAt}, &a.DecidedBy, timeCol{&a.DecidedAt}, &a.Payload)
	if err != nil {
		return a, err
	}
	a.Args, a.State = json.RawMessage(args), State(state)
	_ = json.Unmarshal([]byte(origin), &a.Origin)
	return a, nil
}
