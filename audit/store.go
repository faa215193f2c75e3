package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// Store is the audit log and the state of pending approvals. Implementations
// are safe for concurrent use; all appends, from any goroutine (and, on
// PostgreSQL, any process), extend one hash chain.
type Store interface {
	// Append validates and redacts r, assigns Seq, PrevHash and Hash (and ID
	// and Time when empty) and returns once the record is durable. On success
	// r holds the stored form. On error the caller must treat the record as
	// not written (and must not run the change); if ctx ends while the record
	// is queued it may still be written.
	Append(ctx context.Context, r *Record) error
	// Query returns records matching f, ordered by Seq.
	Query(ctx context.Context, f Filter) ([]Record, error)
	// Verify walks the whole chain and reports the first bad record.
	Verify(ctx context.Context) (VerifyReport, error)
	// CreateApproval stores a new approval (state pending unless set) and
	// appends rec in the same transaction.
	CreateApproval(ctx context.Context, a *Approval, rec *Record) error
	// GetApproval returns the approval with id, or an error wrapping ErrNotFound.
	GetApproval(ctx context.Context, id string) (*Approval, error)
	// ListApprovals returns approvals matching f, oldest first.
	ListApprovals(ctx context.Context, f ApprovalFilter) ([]Approval, error)
	// TransitionApproval atomically checks that approval id is in state from,
	// moves it to state to and appends rec, in one transaction. When the
	// approval is in another state (someone else won a race, or it expired)
	// the error wraps ErrApprovalState and nothing is written.
	TransitionApproval(ctx context.Context, id string, from, to State, decidedBy string, rec *Record) (*Approval, error)
	// Close waits for queued appends and releases the database.
	Close() error
}

// Errors returned (wrapped) by stores; compare with errors.Is.
var (
	ErrNotFound      = errors.New("audit: not found")
	ErrApprovalState = errors.New("audit: approval is not in the expected state")
	ErrNotAuditDB    = errors.New("audit: not an authingops database")
	ErrClosed        = errors.New("audit: store is closed")
)

// State is the state of an approval.
type State string

// Approval states.
const (
	StatePending  State = "pending"
	StateApproved State = "approved"
	StateDenied   State = "denied"
	StateExpired  State = "expired"
	StateExecuted State = "executed"
)

// Approval is a call waiting for (or past) a second admin's decision.
type Approval struct {
	ID        string          `json:"id"`
	Operation string          `json:"operation"`
	ArgsHash  string          `json:"args_hash"`
	Args      json.RawMessage `json:"args"` // redacted
	Requester string          `json:"requester"`
	Surface   string          `json:"surface"`
	Origin    Origin          `json:"origin"`
	State     State           `json:"state"`
	CreatedAt time.Time       `json:"created_at"`
	ExpiresAt time.Time       `json:"expires_at"`
	DecidedBy string          `json:"decided_by,omitempty"`
	DecidedAt time.Time       `json:"decided_at"`
	// Payload is opaque to the store: the gate keeps the unredacted call it
	// must execute after approval here. It is stored as given (seal it if it
	// must not be readable at rest) and never logged or encoded to JSON.
	Payload []byte `json:"-"`
}

// ApprovalFilter selects approvals in [Store.ListApprovals].
type ApprovalFilter struct {
	State     State
	Requester string
	Operation string
	Limit     int // 0 means DefaultQueryLimit
}

// Option configures [Open].
type Option func(*options)

type options struct {
	redactor *Redactor
	logger   *zerolog.Logger // record mirror
	oplog    zerolog.Logger  // operational messages
	clock    func() time.Time
	maxBatch int
}

// WithRedactor sets the redactor applied to every record and approval before
// it is stored (default: a Redactor with a random per-process key).
func WithRedactor(r *Redactor) Option { return func(o *options) { o.redactor = r } }

// WithLogger mirrors every appended record to l (see [WithLogMirror]) and
// uses l for the store's operational messages. Without it, operational
// messages go to the logger in Open's context (zerolog.Ctx), if any.
func WithLogger(l zerolog.Logger) Option { return func(o *options) { o.logger = &l } }

// WithClock sets the clock used for record and approval times (tests).
func WithClock(now func() time.Time) Option { return func(o *options) { o.clock = now } }

// WithMaxBatch caps how many concurrent appends are committed in one
// transaction (default 256).
func WithMaxBatch(n int) Option { return func(o *options) { o.maxBatch = n } }

// DefaultDSN is the store used when none is configured.
const DefaultDSN = "./authingops.db"

// Open opens (creating and migrating when needed) the store named by dsn:
// "postgres://…" or "postgresql://…" selects PostgreSQL; "sqlite:PATH" or a
// plain file path selects SQLite; "" means DefaultDSN.
func Open(ctx context.Context, dsn string, opts ...Option) (Store, error) {
	o := options{clock: time.Now, maxBatch: 256}
	for _, opt := range opts {
		opt(&o)
	}
	o.oplog = *zerolog.Ctx(ctx)
	if o.logger != nil {
		o.oplog = *o.logger
	}
	if o.redactor == nil {
		o.redactor = NewRedactor(nil)
	}
	if o.maxBatch <= 0 {
		o.maxBatch = 1
	}
	var (
		s   *sqlStore
		err error
	)
	if path, ok := SQLitePath(dsn); ok {
		s, err = openSQLite(ctx, path, o)
	} else {
		s, err = openPostgres(ctx, dsn, o)
	}
	if err != nil {
		return nil, err
	}
	if o.logger != nil {
		return WithLogMirror(s, *o.logger), nil
	}
	return s, nil
}

// SQLitePath reports whether dsn selects SQLite and, if so, the database
// file path ("" means DefaultDSN).
func SQLitePath(dsn string) (string, bool) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return "", false
	}
	path := strings.TrimPrefix(dsn, "sqlite:")
	if path == "" {
		path = DefaultDSN
	}
	return path, true
}

// DescribeDSN returns dsn without any password (user info or a password
// query parameter), for messages.
func DescribeDSN(dsn string) string {
	if _, ok := SQLitePath(dsn); ok {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable postgres dsn)"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

func wrapf(err error, format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, err)...)
}
