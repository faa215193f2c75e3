package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/seed-afc46a91/authingops/authing"
)

// Discovery mode: three tools reach every exposed operation, so the tool
// list stays a few thousand tokens whatever the catalog's size.

const searchLimitMax = 50

func searchTool() mcp.Tool {
	t := mcp.NewToolWithRawSchema(ToolSearchOperations,
		"Find Authing operations by keywords (names, summaries, categories). Returns names for describe_operation and call_operation.",
		json.RawMessage(`{"type":"object","properties":{"query":{"type":"string","description":"keywords, e.g. \"disable user\""},"category":{"type":"string","enum":`+categoriesJSON()+`},"limit":{"type":"integer","minimum":1,"maximum":50,"default":10}},"required":["query"],"additionalProperties":false}`))
	t.Annotations = localAnnotations("Search operations")
	return t
}

func describeTool() mcp.Tool {
	t := mcp.NewToolWithRawSchema(ToolDescribeOperation,
		"Full input schema, with field descriptions, and rules of one operation.",
		json.RawMessage(`{"type":"object","properties":{"operation":{"type":"string"}},"required":["operation"],"additionalProperties":false}`))
	t.Annotations = localAnnotations("Describe an operation")
	return t
}

func callTool(readOnly bool) mcp.Tool {
	desc := "Run an operation through policy and audit. arguments must match describe_operation's schema. Writes take dry_run; destructive ones need the user's confirmation (confirm: true if asked)."
	if readOnly {
		desc = "Run a read operation through policy and audit. arguments must match describe_operation's schema."
	}
	t := mcp.NewToolWithRawSchema(ToolCallOperation, desc,
		json.RawMessage(`{"type":"object","properties":{"operation":{"type":"string"},"arguments":{"type":"object"},"dry_run":{"type":"boolean"},"confirm":{"type":"boolean"}},"required":["operation"],"additionalProperties":false}`))
	t.Annotations = mcp.ToolAnnotation{
		Title:           "Call an operation",
		ReadOnlyHint:    mcp.ToBoolPtr(readOnly),
		DestructiveHint: mcp.ToBoolPtr(!readOnly),
		IdempotentHint:  mcp.ToBoolPtr(readOnly),
		OpenWorldHint:   mcp.ToBoolPtr(true),
	}
	return t
}

func categoriesJSON() string {
	b, _ := json.Marshal(authing.Categories)
	return string(b)
}

// reachable returns the named operation if this server exposes it. The
// policy is not consulted: call_operation leaves the decision to the gate,
// which explains and audits a denial.
func (s *Server) reachable(name string) (*authing.Operation, *mcp.CallToolResult) {
	op, ok := authing.LookupOperation(name)
	if !ok {
		return nil, errorResult(map[string]any{"status": "invalid", "operation": name},
			"unknown operation %q; find one with search_operations", name)
	}
	if !s.exposure.Allows(op) {
		return nil, errorResult(map[string]any{"status": "not_exposed", "operation": name},
			"%s is not available to you on this server; do not retry it", name)
	}
	return op, nil
}

type searchArgs struct {
	Query    string `json:"query"`
	Category string `json:"category"`
	Limit    int    `json:"limit"`
}

// searchHit is one operation found.
type searchHit struct {
	Name     string `json:"name"`
	Summary  string `json:"summary"`
	Category string `json:"category"`
	Kind     string `json:"kind"`
	score    int
}

func (s *Server) searchOperations(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	var a searchArgs
	if err := req.BindArguments(&a); err != nil {
		return errorResult(map[string]any{"status": "invalid"}, "arguments: %v", err), nil
	}
	if a.Limit <= 0 {
		a.Limit = 10
	}
	a.Limit = min(a.Limit, searchLimitMax)
	words := strings.Fields(strings.ToLower(strings.NewReplacer("_", " ", "-", " ").Replace(a.Query)))
	caller := s.caller(ctx)
	var hits []searchHit
	for _, op := range authing.Operations {
		if a.Category != "" && op.Category != a.Category {
			continue
		}
		if !s.exposure.Allows(op) || !s.vis.visible(ctx, caller, op) {
			continue
		}
		if sc := score(op, words); sc > 0 || len(words) == 0 {
			hits = append(hits, searchHit{Name: op.Name, Summary: op.Summary, Category: op.Category, Kind: kind(op), score: sc})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].score > hits[j].score })
	total := len(hits)
	hits = hits[:min(len(hits), a.Limit)]
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d matching operations:\n", len(hits), total)
	for _, h := range hits {
		fmt.Fprintf(&b, "%s (%s, %s): %s\n", h.Name, h.Category, h.Kind, h.Summary)
	}
	if total == 0 {
		b.WriteString("Try other words, or a category.")
	}
	return structuredResult(false, map[string]any{"total": total, "operations": hits}, "%s", b.String()), nil
}

// score ranks op for the query words: every word must match somewhere.
func score(op *authing.Operation, words []string) int {
	name := strings.ReplaceAll(op.Name, "_", " ")
	summary := strings.ToLower(op.Summary)
	total := 0
	for _, w := range words {
		sc := 0
		switch {
		case slices.Contains(strings.Fields(name), w):
			sc = 4
		case strings.Contains(name, w):
			sc = 3
		case strings.Contains(summary, w):
			sc = 2
		case strings.Contains(op.Category, w), strings.Contains(op.SummaryZH, w):
			sc = 1
		}
		if sc == 0 {
			return 0
		}
		total += sc
	}
	return total
}

func kind(op *authing.Operation) string {
	switch {
	case op.Destructive:
		return "destructive"
	case op.Write:
		return "write"
	}
	return "read"
}

func (s *Server) describeOperation(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	var a struct {
		Operation string `json:"operation"`
	}
	if err := req.BindArguments(&a); err != nil {
		return errorResult(map[string]any{"status": "invalid"}, "arguments: %v", err), nil
	}
	op, bad := s.reachable(a.Operation)
	if bad != nil {
		return bad, nil
	}
	_, pageMax, err := compactSchema(op)
	if err != nil {
		return nil, err
	}
	st := map[string]any{
		"name": op.Name, "summary": op.Summary, "summary_zh": op.SummaryZH, "category": op.Category,
		"kind": kind(op), "deprecated": op.Deprecated, "method": op.Method, "path": op.Path,
		"description": descriptionFor(op, pageMax), "annotations": annotationsFor(op),
		"input_schema": op.InputSchema,
	}
	text := fmt.Sprintf("%s (%s, %s %s): %s\n", op.Name, kind(op), op.Method, op.Path, descriptionFor(op, pageMax))
	if s.exposure.Discovery {
		text += fmt.Sprintf("Call it with call_operation {\"operation\":%q,\"arguments\":{...}}", op.Name)
	} else {
		text += "Call the " + op.Name + " tool"
	}
	if op.Write {
		text += "; add \"dry_run\": true to preview"
	}
	if op.Destructive {
		text += "; the user must confirm (\"confirm\": true once they did, when the client cannot ask)"
	}
	text += ".\nInput schema: " + string(op.InputSchema)
	return structuredResult(false, st, "%s", text), nil
}

func (s *Server) callOperation(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	var a struct {
		Operation string          `json:"operation"`
		Arguments json.RawMessage `json:"arguments"`
		DryRun    bool            `json:"dry_run"`
		Confirm   bool            `json:"confirm"`
	}
	if err := req.BindArguments(&a); err != nil {
		return errorResult(map[string]any{"status": "invalid"}, "arguments: %v", err), nil
	}
	op, bad := s.reachable(a.Operation)
	if bad != nil {
		return bad, nil
	}
	args := a.Arguments
	if len(args) == 0 || string(args) == "null" {
		args = json.RawMessage("{}")
	}
	return s.runOperation(ctx, req, op, args, a.DryRun, a.Confirm)
}
