package tools

import (
	"context"
	"sync"

	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/gate"
	"github.com/seed-afc46a91/authingops/policy"
)

// Caller is the principal a request acts for: the stdio server's configured
// caller, or the caller an HTTP API key maps to.
type Caller struct {
	// ID is the policy principal, e.g. "mcp:claude-desktop" or "cli:alice".
	ID string
	// Name is a display name, information only.
	Name string
	// Transport is "stdio" or "http".
	Transport string
}

type callerKey struct{}

// WithCaller returns ctx carrying c; the HTTP face sets it per request.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller stored in ctx by WithCaller.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok && c.ID != ""
}

// Policy is what the server asks to filter tool lists: the gate's decider
// plus the current policy set, whose identity changes on every reload.
// *policy.Engine implements it.
type Policy interface {
	gate.Decider
	Current() *policy.Set
}

// visibility caches, per caller and policy version, which operations the
// caller may run or may request approval for. A reload swaps the set
// pointer, which empties the cache.
type visibility struct {
	pol Policy

	mu      sync.Mutex
	set     *policy.Set
	callers map[string]map[string]bool
}

func newVisibility(p Policy) *visibility {
	return &visibility{pol: p, callers: map[string]map[string]bool{}}
}

// visible reports whether caller may see operation op over MCP: the policy
// allows it or would allow it after approval. The decision is taken without
// targets, so a policy that permits only some targets hides the tool.
func (v *visibility) visible(ctx context.Context, caller string, op *authing.Operation) bool {
	if v == nil || v.pol == nil {
		return true
	}
	return v.forCaller(ctx, caller)[op.Name]
}

func (v *visibility) forCaller(ctx context.Context, caller string) map[string]bool {
	set := v.pol.Current()
	v.mu.Lock()
	defer v.mu.Unlock()
	if set != v.set {
		v.set = set
		clear(v.callers)
	}
	if m, ok := v.callers[caller]; ok {
		return m
	}
	m := make(map[string]bool, len(authing.Operations))
	for _, op := range authing.Operations {
		d := v.pol.Decide(ctx, policy.Request{Caller: caller, Operation: op.Name, Surface: "mcp"})
		m[op.Name] = d.Effect != policy.Deny
	}
	if len(v.callers) > 1024 {
		clear(v.callers)
	}
	v.callers[caller] = m
	return m
}
