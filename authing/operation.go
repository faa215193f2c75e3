package authing

import (
	"context"
	"encoding/json"
	"sort"
)

// Operation describes one Authing Management API v3 operation. The catalog
// (Operations) is generated from the API data and is the single source of truth
// for every face of authingops: MCP tools, Slack commands, Cedar actions and
// audit records are all derived from it.
type Operation struct {
	// Name is the snake_case operation name, e.g. "list_users".
	Name string
	// Summary is a one-line English summary.
	Summary string
	// SummaryZH is Authing's own Chinese summary.
	SummaryZH string
	// Category groups operations, e.g. "users", "roles".
	Category string
	// Method is the HTTP method and Path the absolute request path.
	Method, Path string
	// ParamsIn says where the parameters travel: "query", "body", "path" or "none".
	ParamsIn string
	// Write is true when the call changes state; Destructive when it deletes,
	// removes, revokes, disables, resets, kicks, resigns, unlinks or rotates.
	Write, Destructive bool
	// Deprecated is true for operations Authing marks as deprecated.
	Deprecated bool
	// Params lists the top-level parameters in declaration order.
	Params []Param
	// InputSchema is the JSON Schema (draft 2020-12) of the arguments object.
	InputSchema json.RawMessage
	// Invoke decodes args strictly into the typed request and calls the
	// operation's method on c, returning the typed result.
	Invoke func(ctx context.Context, c *Client, args json.RawMessage) (any, error)

	// newRequest returns a new typed request, nil for operations without
	// parameters.
	newRequest func() any
}

// Param is one top-level parameter of an operation.
type Param struct {
	// Name is the wire name.
	Name string
	// In is "query", "body" or "path".
	In string
	// Type is the JSON Schema type of the value: string, number, integer,
	// boolean, array, object, or "" for any.
	Type string
	// Required is true when the operation fails without it.
	Required bool
	// Description is Authing's description (Chinese).
	Description string
}

var byName map[string]*Operation

func init() {
	sort.Slice(Operations, func(i, j int) bool { return Operations[i].Name < Operations[j].Name })
	byName = make(map[string]*Operation, len(Operations))
	for _, op := range Operations {
		byName[op.Name] = op
	}
}

// LookupOperation returns the catalog entry with the given name.
func LookupOperation(name string) (*Operation, bool) {
	op, ok := byName[name]
	return op, ok
}
