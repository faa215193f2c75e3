package policy

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/rs/zerolog"
)

// Options configure an Engine.
type Options struct {
	// Logger receives reload outcomes; the zero Logger discards.
	Logger zerolog.Logger
	// MaxApprovals bounds the NeedsApproval probe; 0 means DefaultMaxApprovals.
	MaxApprovals int
}

// Engine decides requests with the current policy set and reloads it from
// its Source. Decisions never block on a reload: the set is swapped
// atomically, and only once the new version is fully valid.
type Engine struct {
	schema  *Schema
	src     Source
	log     zerolog.Logger
	max     int
	current atomic.Pointer[Set]
	mu      sync.Mutex // serializes reloads
}

// NewEngine loads src against schema and returns an engine deciding with it.
// A load error is returned as is (LoadErrors for bad policies or entities).
func NewEngine(schema *Schema, src Source, opts Options) (*Engine, error) {
	if schema == nil || src == nil {
		return nil, errors.New("policy: NewEngine needs a schema and a source")
	}
	set, err := Load(schema, src)
	if err != nil {
		return nil, err
	}
	e := &Engine{schema: schema, src: src, log: opts.Logger, max: opts.MaxApprovals}
	if e.max <= 0 {
		e.max = DefaultMaxApprovals
	}
	e.current.Store(set)
	return e, nil
}

// Reload reads the source again. If the new version loads, it replaces the
// current set; otherwise the current set stays in force and the error is
// logged and returned. Wire it to SIGHUP and to an admin API call.
func (e *Engine) Reload() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	set, err := Load(e.schema, e.src)
	if err != nil {
		e.log.Error().Err(err).Msg("policy reload failed; keeping the current policies")
		return err
	}
	e.current.Store(set)
	files, ents := set.Files()
	e.log.Info().Strs("policies", files).Str("entities", ents).Int("policy_count", len(set.policies)).Msg("policies reloaded")
	return nil
}

// Current returns the set in force.
func (e *Engine) Current() *Set { return e.current.Load() }

// Schema returns the engine's schema.
func (e *Engine) Schema() *Schema { return e.schema }

// Decide answers whether req.Caller may call req.Operation now, only after
// approvals (NeedsApproval), or not at all. ctx is accepted for
// cancellation and tracing by callers; deciding does not block.
func (e *Engine) Decide(ctx context.Context, req Request) Decision {
	_ = ctx
	return e.current.Load().decide(req, req.Operation, true, e.max)
}

// DecideApproval answers whether req.Caller may approve a pending call of
// req.Operation (action "approve", resource Operation::"<operation>"); the
// other fields of req describe the approver's request (surface, channel...)
// and the pending call (targets, approvals so far). It never returns
// NeedsApproval. The gate, not the policy, must refuse an approval by the
// caller of the pending call itself.
func (e *Engine) DecideApproval(ctx context.Context, req Request) Decision {
	_ = ctx
	return e.current.Load().decide(req, ApproveAction, false, 0)
}

// CanApprove is DecideApproval for approver and operation alone, with the
// approver's surface taken from its caller id.
func (e *Engine) CanApprove(ctx context.Context, approver, operation string) Decision {
	return e.DecideApproval(ctx, Request{Caller: approver, Operation: operation})
}

// ReloadOnSignal reloads the policies each time the process receives one of
// sigs (SIGHUP when none is given) until ctx is done. Failed reloads are
// logged and keep the current set. It blocks; run it in a goroutine.
func (e *Engine) ReloadOnSignal(ctx context.Context, sigs ...os.Signal) {
	if len(sigs) == 0 {
		sigs = []os.Signal{syscall.SIGHUP}
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	defer signal.Stop(ch)
	e.reloadLoop(ctx, ch)
}

// reloadLoop reloads on every value received from ch until ctx is done.
func (e *Engine) reloadLoop(ctx context.Context, ch <-chan os.Signal) {
	for {
		select {
		case <-ctx.Done():
			return
		case sig := <-ch:
			e.log.Info().Stringer("signal", sig).Msg("reloading policies")
			_ = e.Reload() // logged by Reload
		}
	}
}
