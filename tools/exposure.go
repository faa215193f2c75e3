package tools

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/seed-afc46a91/authingops/authing"
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
