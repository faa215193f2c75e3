package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// sqlStore implements Store over database/sql for SQLite and PostgreSQL.
// Appends go through one committer goroutine per process that batches
// concurrent appends into one transaction (group commit); inside the
// transaction the chain head row is locked (BEGIN IMMEDIATE on SQLite,
// SELECT … FOR UPDATE on PostgreSQL) so several processes never fork the chain.
type sqlStore struct {
	db   *sql.DB
	d    *dialect
	opts options

	mu     sync.RWMutex
	closed bool
	jobs   chan *job
	done   chan struct{}
}

// job is one unit of work for the committer: records to append and an
// optional step (approval insert or transition) run first in the same
// transaction. Jobs with a step are committed alone.
type job struct {
	recs   []*Record
	step   func(ctx context.Context, tx *sql.Tx) error
	result chan error
}

// commitTimeout bounds one commit transaction.
const commitTimeout = 60 * time.Second

func newSQLStore(db *sql.DB, d *dialect, o options) *sqlStore {
	s := &sqlStore{db: db, d: d, opts: o, jobs: make(chan *job, 4096), done: make(chan struct{})}
	go s.commitLoop()
	return s
}

func (s *sqlStore) newID() string { return uuid.NewString() }

// prepare validates and redacts a copy of r for storage.
func (s *sqlStore) prepare(r *Record) (*Record, error) {
	if r == nil {
		return nil, errors.New("audit: nil record")
	}
	cp := *r
	if err := prepareRecord(&cp, s.opts.redactor, s.newID); err != nil {
		return nil, err
	}
	return &cp, nil
}

// submit queues j and waits for its commit.
func (s *sqlStore) submit(ctx context.Context, j *job) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("audit: append not queued: %w", err)
	}
	j.result = make(chan error, 1)
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	select {
	case s.jobs <- j:
	case <-ctx.Done():
		s.mu.RUnlock()
		return fmt.Errorf("audit: append not queued: %w", ctx.Err())
	}
	s.mu.RUnlock()
	select {
	case err := <-j.result:
		return err
	case <-ctx.Done():
		return fmt.Errorf("audit: gave up waiting for the commit (the record may still be written): %w", ctx.Err())
	}
}

// Append implements Store.
func (s *sqlStore) Append(ctx context.Context, r *Record) error {
	cp, err := s.prepare(r)
	if err != nil {
		return err
	}
	if err := s.submit(ctx, &job{recs: []*Record{cp}}); err != nil {
		return err
	}
	*r = *cp
	return nil
}

func (s *sqlStore) commitLoop() {
	defer close(s.done)
	var next *job
	for {
		j := next
		next = nil
		if j == nil {
			var ok bool
			if j, ok = <-s.jobs; !ok {
				return
			}
		}
		batch := []*job{j}
		if j.step == nil {
		gather:
			for len(batch) < s.opts.maxBatch {
				select {
				case j2, ok := <-s.jobs:
					if !ok {
						break gather
					}
					if j2.step != nil {
						next = j2
						break gather
					}
					batch = append(batch, j2)
				default:
					break gather
				}
			}
		}
		s.commitJobs(batch)
	}
}

// commitJobs commits batch in one transaction; if that fails and the batch
// has several jobs, each job is retried alone so one bad job cannot fail
// the others.
func (s *sqlStore) commitJobs(batch []*job) {
	err := s.commitTx(batch)
	if err == nil || len(batch) == 1 {
		for _, j := range batch {
			j.result <- err
		}
		return
	}
	s.opts.oplog.Warn().Err(err).Int("batch", len(batch)).Msg("audit: batched commit failed; retrying each append alone")
	for _, j := range batch {
		j.result <- s.commitTx([]*job{j})
	}
}

func (s *sqlStore) commitTx(batch []*job) (err error) {
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return wrapf(err, "audit: %s: begin", s.d.name)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var seq int64
	var prev string
	if err := tx.QueryRowContext(ctx, s.d.lockHead).Scan(&seq, &prev); err != nil {
		return wrapf(err, "audit: %s: lock chain head", s.d.name)
	}
	now := normalizeTime(s.opts.clock())
	for _, j := range batch {
		for _, r := range j.recs {
			if r.Time.IsZero() {
				r.Time = now
			}
		}
	}
	var recs []*Record
	for _, j := range batch {
		if j.step != nil {
			if err := j.step(ctx, tx); err != nil {
				return err
			}
		}
		for _, r := range j.recs {
			seq++
			r.Seq, r.PrevHash = seq, prev
			r.Hash = RecordHash(r)
			prev = r.Hash
			recs = append(recs, r)
		}
	}
	if err := s.insertRecords(ctx, tx, recs); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.d.bind("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1"), seq, prev); err != nil {
		return wrapf(err, "audit: %s: update chain head", s.d.name)
	}
	if err := tx.Commit(); err != nil {
		return wrapf(err, "audit: %s: commit", s.d.name)
	}
	return nil
}

const recordColumns = `seq, id, time, phase, surface, transport, caller, caller_name, origin,
	operation, category, targets, args, args_hash, dry_run, decision, policy_ids, approval_id,
	approver, request_id, outcome, error_class, error_message, duration_ms, prev_hash, hash`

const recordColumnCount = 26

// insertChunk keeps statements under the drivers' parameter limits.
const insertChunk = 200

func (s *sqlStore) insertRecords(ctx context.Context, tx *sql.Tx, recs []*Record) error {
	for start := 0; start < len(recs); start += insertChunk {
		chunk := recs[start:min(start+insertChunk, len(recs))]
		var q strings.Builder
		q.WriteString("INSERT INTO audit_records (" + recordColumns + ") VALUES ")
		args := make([]any, 0, len(chunk)*recordColumnCount)
		var targetArgs []any
		for i, r := range chunk {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString("(?" + strings.Repeat(",?", recordColumnCount-1) + ")")
			args = append(args, r.Seq, r.ID, s.d.timeArg(r.Time), string(r.Phase), r.Surface, r.Transport,
				r.Caller, r.CallerName, mustJSON(r.Origin), r.Operation, r.Category, mustJSON(r.Targets),
				string(r.Args), r.ArgsHash, r.DryRun, r.Decision, mustJSON(r.PolicyIDs), r.ApprovalID,
				r.Approver, r.RequestID, r.Outcome, r.ErrorClass, r.ErrorMessage, r.DurationMS,
				r.PrevHash, r.Hash)
			for _, t := range r.Targets {
				targetArgs = append(targetArgs, r.Seq, t)
			}
		}
		if _, err := tx.ExecContext(ctx, s.d.bind(q.String()), args...); err != nil {
			return wrapf(err, "audit: %s: insert records", s.d.name)
		}
		for ts := 0; ts < len(targetArgs); ts += 2 * insertChunk {
			part := targetArgs[ts:min(ts+2*insertChunk, len(targetArgs))]
			q := "INSERT INTO audit_targets (seq, target) VALUES (?,?)" + strings.Repeat(",(?,?)", len(part)/2-1)
			if _, err := tx.ExecContext(ctx, s.d.bind(q), part...); err != nil {
				return wrapf(err, "audit: %s: insert targets", s.d.name)
			}
		}
	}
	return nil
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

// Close implements Store.
func (s *sqlStore) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.jobs)
	s.mu.Unlock()
	<-s.done
	if err := s.db.Close(); err != nil {
		return wrapf(err, "audit: %s: close", s.d.name)
	}
	return nil
}
