// Package gate is the one path by which every face of authingops (MCP,
// Slack, the CLI) runs an Authing operation: look the operation up, validate
// the arguments against its schema, ask the policy, wait for a second admin
// where the policy says so, write the audit record durably, call Authing,
// and write the outcome.
package gate

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/policy"
)

// Decider is the policy the gate asks. *policy.Engine implements it.
type Decider interface {
	// Decide answers whether req may run now, never, or after approval.
	Decide(ctx context.Context, req policy.Request) policy.Decision
	// DecideApproval answers whether req.Caller may approve req.Operation.
	DecideApproval(ctx context.Context, req policy.Request) policy.Decision
}

// Invoker runs an operation. The default calls op.Invoke with the client;
// tests and the load harness may wrap it.
type Invoker func(ctx context.Context, op *authing.Operation, args json.RawMessage) (any, error)

// Options configure a Gate. Client (or Invoke), Policy and Store are required.
type Options struct {
	Client *authing.Client
	Invoke Invoker
	Policy Decider
	Store  audit.Store
	// Redactor redacts arguments and error messages before they are stored
	// or shown; default audit.NewRedactor(nil).
	Redactor *audit.Redactor
	// SecretKey seals the unredacted call kept with a pending approval. Give
	// every replica the same key (at least 32 bytes) so that approvals survive
	// restarts and work across replicas; without one a random per-process key
	// is used.
	SecretKey []byte
	// ApprovalTTL is how long an approval stays open, default 30 minutes.
	ApprovalTTL time.Duration
	// DedupeWindow is how long a dedupe key is remembered, default 10 minutes.
	DedupeWindow time.Duration
	// AuditReads also writes audit records for allowed reads (denials of
	// reads are always recorded).
	AuditReads bool
	// Clock replaces time.Now (tests).
	Clock func() time.Time
	// Logger receives operational messages; the audit store is the record.
	Logger zerolog.Logger
	// Observe, when set, is told the outcome of every Execute and Approve
	// (the server's metrics count calls with it): the catalog name of the
	// operation ("(unknown)" when there is none), the surface, and the
	// result's status, or "error" when the gate itself failed.
	Observe func(operation, surface, outcome string)
}

// Gate executes operations for every face. It is safe for concurrent use.
type Gate struct {
	invoke     Invoker
	policy     Decider
	store      audit.Store
	redactor   *audit.Redactor
	seal       *sealer
	ttl        time.Duration
	auditReads bool
	now        func() time.Time
	log        zerolog.Logger
	observer   func(operation, surface, outcome string)
	dedupe     *dedupe
	schemas    sync.Map // operation name → *jsonschema.Schema

	mu        sync.RWMutex
	onRequest []func(context.Context, *audit.Approval)
	onResolve []func(context.Context, *audit.Approval, *Result)
}

// New returns a Gate.
func New(opts Options) (*Gate, error) {
	if opts.Policy == nil || opts.Store == nil {
		return nil, errors.New("gate: Policy and Store are required")
	}
	inv := opts.Invoke
	if inv == nil {
		if opts.Client == nil {
			return nil, errors.New("gate: Client (or Invoke) is required")
		}
		c := opts.Client
		inv = func(ctx context.Context, op *authing.Operation, args json.RawMessage) (any, error) {
			return op.Invoke(ctx, c, args)
		}
	}
	key := opts.SecretKey
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("gate: random key: %w", err)
		}
		opts.Logger.Warn().Msg("gate: no secret key configured; pending approvals will not survive a restart or reach other replicas")
	} else if len(key) < 32 {
		return nil, errors.New("gate: SecretKey must be at least 32 bytes")
	}
	g := &Gate{
		invoke:     inv,
		policy:     opts.Policy,
		store:      opts.Store,
		redactor:   opts.Redactor,
		seal:       newSealer(key),
		ttl:        opts.ApprovalTTL,
		auditReads: opts.AuditReads,
		now:        opts.Clock,
		log:        opts.Logger,
		observer:   opts.Observe,
	}
	if g.redactor == nil {
		g.redactor = audit.NewRedactor(nil)
	}
	if g.ttl <= 0 {
		g.ttl = 30 * time.Minute
	}
	if g.now == nil {
		g.now = time.Now
	}
	window := opts.DedupeWindow
	if window <= 0 {
		window = 10 * time.Minute
	}
	g.dedupe = newDedupe(window, g.now)
	return g, nil
}

// observe reports an outcome to Options.Observe.
func (g *Gate) observe(surface string, res *Result, err error) {
	if g.observer == nil {
		return
	}
	op, outcome := "(unknown)", "error"
	if err == nil && res != nil {
		outcome = string(res.Status)
		switch {
		case res.Operation != nil:
			op = res.Operation.Name
		case res.Approval != nil:
			if o, ok := authing.LookupOperation(res.Approval.Operation); ok {
				op = o.Name
			}
		}
	}
	g.observer(op, surface, outcome)
}

// Redactor returns the redactor the gate applies, for faces that render
// arguments (approval messages).
func (g *Gate) Redactor() *audit.Redactor { return g.redactor }

// Store returns the audit store, for faces that query the log.
func (g *Gate) Store() audit.Store { return g.store }

// OnApprovalRequested registers fn to be called after a pending approval is
// created (the Slack face posts it to the approvals channel).
func (g *Gate) OnApprovalRequested(fn func(context.Context, *audit.Approval)) {
	g.mu.Lock()
	g.onRequest = append(g.onRequest, fn)
	g.mu.Unlock()
}

// OnApprovalResolved registers fn to be called when an approval is decided
// (executed, denied or expired), with the execution result when it ran.
func (g *Gate) OnApprovalResolved(fn func(context.Context, *audit.Approval, *Result)) {
	g.mu.Lock()
	g.onResolve = append(g.onResolve, fn)
	g.mu.Unlock()
}

// notifyRequested and notifyResolved run the callbacks the faces registered,
// after the audit write has committed (never inside its transaction). A
// panicking callback is logged and does not take the call down with it:
// the change has been made and recorded by then.
func (g *Gate) notifyRequested(ctx context.Context, a *audit.Approval) {
	g.mu.RLock()
	fns := append([]func(context.Context, *audit.Approval){}, g.onRequest...)
	g.mu.RUnlock()
	for _, fn := range fns {
		g.safely(a, func() { fn(ctx, a) })
	}
}

func (g *Gate) notifyResolved(ctx context.Context, a *audit.Approval, res *Result) {
	g.mu.RLock()
	fns := append([]func(context.Context, *audit.Approval, *Result){}, g.onResolve...)
	g.mu.RUnlock()
	for _, fn := range fns {
		g.safely(a, func() { fn(ctx, a, res) })
	}
}

func (g *Gate) safely(a *audit.Approval, fn func()) {
	defer func() {
		if r := recover(); r != nil {
			g.log.Error().Str("approval", a.ID).Str("panic", fmt.Sprint(r)).Msg("gate: an approval callback panicked")
		}
	}()
	fn()
}
