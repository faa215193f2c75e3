package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// dialect holds what differs between SQLite and PostgreSQL.
type dialect struct {
	name string
	// dollar marks $1-style placeholders (PostgreSQL); queries are written with ?.
	dollar bool
	// lockHead reads (and locks) the chain head inside a transaction.
	lockHead string
	// forUpdate locks a selected row ("" on SQLite, whose write transactions
	// are already exclusive).
	forUpdate string
	// timeArg converts a time for a query parameter.
	timeArg func(time.Time) any
}

// bind rewrites ? placeholders to $n for PostgreSQL.
func (d *dialect) bind(q string) string {
	if !d.dollar {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + len(q)/4)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// timeCol scans a time stored as TEXT (SQLite) or timestamptz (PostgreSQL).
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
	case time.Time:
		*c.t = v.UTC()
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	default:
		return fmt.Errorf("audit: cannot scan %T as time", src)
	}
	return nil
}

func (c timeCol) parse(s string) error {
	if s == "" {
		*c.t = time.Time{}
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("audit: bad stored time %q: %w", s, err)
	}
	*c.t = t.UTC()
	return nil
}

func scanRecord(rows interface{ Scan(...any) error }) (Record, error) {
	var r Record
	var phase, origin, targets, args, policies string
	err := rows.Scan(&r.Seq, &r.ID, timeCol{&r.Time}, &phase, &r.Surface, &r.Transport,
		&r.Caller, &r.CallerName, &origin, &r.Operation, &r.Category, &targets, &args,
		&r.ArgsHash, &r.DryRun, &r.Decision, &policies, &r.ApprovalID, &r.Approver,
		&r.RequestID, &r.Outcome, &r.ErrorClass, &r.ErrorMessage, &r.DurationMS,
		&r.PrevHash, &r.Hash)
	if err != nil {
		return r, err
	}
	r.Phase = Phase(phase)
	r.Args = json.RawMessage(args)
	// Decoding errors leave the fields empty; Verify then reports the record
	// as altered, which is what a corrupted column is.
	_ = json.Unmarshal([]byte(origin), &r.Origin)
	if json.Unmarshal([]byte(targets), &r.Targets) != nil || r.Targets == nil {
		r.Targets = []string{}
	}
	if json.Unmarshal([]byte(policies), &r.PolicyIDs) != nil || r.PolicyIDs == nil {
		r.PolicyIDs = []string{}
	}
	return r, nil
}

// Query implements Store.
func (s *sqlStore) Query(ctx context.Context, f Filter) ([]Record, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.Caller != "" {
		add("caller = ?", f.Caller)
	}
	if f.Operation != "" {
		add("operation = ?", f.Operation)
	}
	if f.Phase != "" {
		add("phase = ?", string(f.Phase))
	}
	if f.ApprovalID != "" {
		add("approval_id = ?", f.ApprovalID)
	}
	if f.Target != "" {
		add("seq IN (SELECT seq FROM audit_targets WHERE target = ?)", f.Target)
	}
	if !f.Since.IsZero() {
		add("time >= ?", s.d.timeArg(normalizeTime(f.Since)))
	}
	if !f.Until.IsZero() {
		add("time < ?", s.d.timeArg(normalizeTime(f.Until)))
	}
	order := "ASC"
	if f.Reverse {
		order = "DESC"
		if f.AfterSeq > 0 {
			add("seq < ?", f.AfterSeq)
		}
	} else if f.AfterSeq > 0 {
		add("seq > ?", f.AfterSeq)
	}
	q := "SELECT " + recordColumns + " FROM audit_records"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq " + order + " LIMIT " + strconv.Itoa(f.limit())
	rows, err := s.db.QueryContext(ctx, s.d.bind(q), args...)
	if err != nil {
		return nil, wrapf(err, "audit: %s: query", s.d.name)
	}
	defer rows.Close()
	out := []Record{}
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, wrapf(err, "audit: %s: query: scan", s.d.name)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "audit: %s: query", s.d.name)
	}
	return out, nil
}

// Verify implements Store. It reads the recorded head first and then checks
// every record up to it, so appends running concurrently do not disturb it.
func (s *sqlStore) Verify(ctx context.Context) (VerifyReport, error) {
	var v verifier
	if err := s.db.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").
		Scan(&v.report.HeadSeq, &v.report.HeadHash); err != nil {
		return VerifyReport{}, wrapf(err, "audit: %s: verify: read head", s.d.name)
	}
	rows, err := s.db.QueryContext(ctx, s.d.bind("SELECT "+recordColumns+" FROM audit_records WHERE seq <= ? ORDER BY seq"), v.report.HeadSeq)
	if err != nil {
		return VerifyReport{}, wrapf(err, "audit: %s: verify", s.d.name)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return VerifyReport{}, wrapf(err, "audit: %s: verify: scan", s.d.name)
		}
		if !v.check(&r) {
			return v.report, nil
		}
	}
	if err := rows.Err(); err != nil {
		return VerifyReport{}, wrapf(err, "audit: %s: verify", s.d.name)
	}
	rep := v.finish()
	if rep.OK {
		// Rows past the head can only have been inserted behind the store's back
		// unless an append committed since the head was read.
		var maxSeq sql.NullInt64
		if err := s.db.QueryRowContext(ctx, "SELECT MAX(seq) FROM audit_records").Scan(&maxSeq); err != nil {
			return VerifyReport{}, wrapf(err, "audit: %s: verify", s.d.name)
		}
		if maxSeq.Valid && maxSeq.Int64 > rep.HeadSeq {
			var head int64
			if err := s.db.QueryRowContext(ctx, "SELECT seq FROM audit_head WHERE id = 1").Scan(&head); err != nil {
				return VerifyReport{}, wrapf(err, "audit: %s: verify", s.d.name)
			}
			if maxSeq.Int64 > head {
				v.fail(head+1, fmt.Sprintf("extra: record %d lies beyond the recorded chain head %d", maxSeq.Int64, head))
				return v.report, nil
			}
		}
	}
	return rep, nil
}
