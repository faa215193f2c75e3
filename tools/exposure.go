package tools

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/gate"
	"github.com/seed-afc46a91/authingops/policy"
)

// DefaultToolsets are the catalog categories exposed when none are given.
var DefaultToolsets = []string{"users", "roles", "groups", "organizations"}

// Exposure selects which operations the server exposes. It is enforced on
// tools/list and on tools/call (including call_operation in discovery
// mode); the caller's policy filters what remains.
type Exposure struct {
	// Toolsets are catalog categories; "all" means every category. Empty
	// means DefaultToolsets, or every category in discovery mode.
	Toolsets []string
	// Tools, when set, keeps only operations matching one of these globs
	// (path.Match syntax, e.g. "list_*").
	Tools []string
	// ExcludeTools drops operations matching one of these globs.
	ExcludeTools []string
	// ReadOnly exposes reads only; it wins over every other setting.
	ReadOnly bool
	// Discovery replaces the per-operation tools with search_operations,
	// describe_operation and call_operation.
	Discovery bool
}

// Validate checks toolset names and glob syntax.
func (e Exposure) Validate() error {
	for _, ts := range e.Toolsets {
		if ts != "all" && !slices.Contains(authing.Categories, ts) {
			return fmt.Errorf("unknown toolset %q; toolsets are the catalog categories: all, %s", ts, strings.Join(authing.Categories, ", "))
		}
	}
	for _, globs := range [][]string{e.Tools, e.ExcludeTools} {
		for _, g := range globs {
			if _, err := path.Match(g, ""); err != nil {
				return fmt.Errorf("tool pattern %q: %w", g, err)
			}
		}
	}
	return nil
}

// toolsets returns the effective categories, nil meaning all.
func (e Exposure) toolsets() []string {
	if len(e.Toolsets) == 0 {
		if e.Discovery {
			return nil
		}
		return DefaultToolsets
	}
	if slices.Contains(e.Toolsets, "all") {
		return nil
	}
	return e.Toolsets
}

// Allows reports whether op is exposed.
func (e Exposure) Allows(op *authing.Operation) bool {
	if e.ReadOnly && op.Write {
		return false
	}
	if ts := e.toolsets(); ts != nil && !slices.Contains(ts, op.Category) {
		return false
	}
	if len(e.Tools) > 0 && !matchAny(e.Tools, op.Name) {
		return false
	}
	return !matchAny(e.ExcludeTools, op.Name)
}

// Operations returns the exposed operations in catalog order.
func (e Exposure) Operations() []*authing.Operation {
	var out []*authing.Operation
	for _, op := range authing.Operations {
		if e.Allows(op) {
			out = append(out, op)
		}
	}
	return out
}

// Describe summarises the exposure for logs and the server instructions.
func (e Exposure) Describe() string {
	var parts []string
	if e.Discovery {
		parts = append(parts, "discovery")
	}
	if ts := e.toolsets(); ts == nil {
		parts = append(parts, "toolsets=all")
	} else {
		parts = append(parts, "toolsets="+strings.Join(ts, ","))
	}
	if len(e.Tools) > 0 {
		parts = append(parts, "tools="+strings.Join(e.Tools, ","))
	}
	if len(e.ExcludeTools) > 0 {
		parts = append(parts, "exclude="+strings.Join(e.ExcludeTools, ","))
	}
	if e.ReadOnly {
		parts = append(parts, "read-only")
	}
	return strings.Join(parts, " ")
}

func matchAny(globs []string, name string) bool {
	for _, g := range globs {
		if ok, _ := path.Match(g, name); ok {
			return true
		}
	}
	return false
}

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

// visibility caches, per caller, transport and policy version, which operations the
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
func (v *visibility) visible(ctx context.Context, caller Caller, op *authing.Operation) bool {
	if v == nil || v.pol == nil {
		return true
	}
	return v.forCaller(ctx, caller)[op.Name]
}

func (v *visibility) forCaller(ctx context.Context, caller Caller) map[string]bool {
	key := caller.ID + "\x00" + caller.Transport
	set := v.pol.Current()
	v.mu.Lock()
	defer v.mu.Unlock()
	if set != v.set {
		v.set = set
		clear(v.callers)
	}
	if m, ok := v.callers[key]; ok {
		return m
	}
	m := make(map[string]bool, len(authing.Operations))
	for _, op := range authing.Operations {
		d := v.pol.Decide(ctx, policy.Request{Caller: caller.ID, Operation: op.Name, Surface: "mcp", Transport: caller.Transport})
		m[op.Name] = d.Effect != policy.Deny
	}
	if len(v.callers) > 1024 {
		clear(v.callers)
	}
	v.callers[key] = m
	return m
}
