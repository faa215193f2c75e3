package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/policy"
)

// The approval and audit tools. Who sees what:
//   - approval_status answers the requester of an approval, and callers the
//     policy permits to approve its operation; anyone else is told there is
//     no such approval, so ids cannot be probed.
//   - audit_query returns the caller's own records, and, with
//     all_callers, also other callers' records of operations the caller may
//     approve (the same right that lets an admin see pending calls). With
//     the starter policies an MCP client sees only its own records.
//
// There is no approve tool: the starter policy forbids MCP clients from
// approving (mcp-never-approves), and approvals belong to a second human.

const auditLimitMax = 100

func approvalStatusTool() mcp.Tool {
	t := mcp.NewToolWithRawSchema(ToolApprovalStatus,
		"State of an approval you requested: pending, approved, denied, expired or executed, with the outcome.",
		json.RawMessage(`{"type":"object","properties":{"approval_id":{"type":"string"}},"required":["approval_id"],"additionalProperties":false}`))
	t.Annotations = localAnnotations("Approval status")
	return t
}

func auditQueryTool() mcp.Tool {
	t := mcp.NewToolWithRawSchema(ToolAuditQuery,
		"Your audit records, newest first. all_callers adds others' records of operations you may approve.",
		json.RawMessage(`{"type":"object","properties":{"operation":{"type":"string"},"target":{"type":"string","description":"an id the call named"},"phase":{"type":"string","enum":["requested","denied","approval_requested","approved","approval_denied","approval_expired","executing","succeeded","failed"]},"since":{"type":"string","format":"date-time"},"before_seq":{"type":"integer","minimum":1},"limit":{"type":"integer","minimum":1,"maximum":100,"default":20},"all_callers":{"type":"boolean"}},"additionalProperties":false}`))
	t.Annotations = localAnnotations("Query the audit log")
	return t
}

// mayApprove asks the policy whether caller may approve calls of operation.
func (s *Server) mayApprove(ctx context.Context, caller, operation string) bool {
	if s.policy == nil {
		return false
	}
	return s.policy.DecideApproval(ctx, policy.Request{Caller: caller, Operation: operation, Surface: audit.SurfaceMCP}).Allowed()
}

func (s *Server) approvalStatus(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	id, err := req.RequireString("approval_id")
	if err != nil {
		return errorResult(map[string]any{"status": "invalid"}, "%v", err), nil
	}
	caller := s.caller(ctx).ID
	notFound := errorResult(map[string]any{"status": "not_found", "approval_id": id},
		"There is no approval %q that you requested or may decide.", id)
	st, err := s.gate.Status(ctx, id)
	if errors.Is(err, audit.ErrNotFound) {
		return notFound, nil
	}
	if err != nil {
		return nil, fmt.Errorf("approval status: %w", err)
	}
	a := st.Approval
	if a.Requester != caller && !s.mayApprove(ctx, caller, a.Operation) {
		return notFound, nil
	}
	out := map[string]any{"approval_id": a.ID, "state": string(a.State), "operation": a.Operation,
		"requester": a.Requester, "created_at": a.CreatedAt.UTC().Format(time.RFC3339),
		"expires_at": a.ExpiresAt.UTC().Format(time.RFC3339)}
	text := fmt.Sprintf("Approval %s for %s is %s", a.ID, a.Operation, a.State)
	if a.DecidedBy != "" {
		out["decided_by"] = a.DecidedBy
		text += " (by " + a.DecidedBy + ")"
	}
	if a.State == audit.StatePending {
		text += "; open until " + a.ExpiresAt.UTC().Format(time.RFC3339)
	}
	if o := st.Outcome; o != nil {
		out["outcome"] = map[string]any{"phase": string(o.Phase), "request_id": o.RequestID,
			"error_class": o.ErrorClass, "error_message": o.ErrorMessage}
		text += "; the call " + string(o.Phase)
		if o.ErrorMessage != "" {
			text += ": " + o.ErrorMessage
		}
	}
	return structuredResult(false, out, "%s.", text), nil
}

type auditArgs struct {
	Operation  string `json:"operation"`
	Target     string `json:"target"`
	Phase      string `json:"phase"`
	Since      string `json:"since"`
	BeforeSeq  int64  `json:"before_seq"`
	Limit      int    `json:"limit"`
	AllCallers bool   `json:"all_callers"`
}

func (s *Server) auditQuery(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	var a auditArgs
	if err := req.BindArguments(&a); err != nil {
		return errorResult(map[string]any{"status": "invalid"}, "arguments: %v", err), nil
	}
	caller := s.caller(ctx).ID
	f := audit.Filter{Operation: a.Operation, Target: a.Target, Phase: audit.Phase(a.Phase),
		AfterSeq: a.BeforeSeq, Reverse: true, Limit: min(max(a.Limit, 1), auditLimitMax)}
	if a.Limit == 0 {
		f.Limit = 20
	}
	if a.Since != "" {
		t, err := time.Parse(time.RFC3339, a.Since)
		if err != nil {
			return errorResult(map[string]any{"status": "invalid", "field": "since"}, "argument \"since\": expected an RFC 3339 time such as 2026-01-02T15:04:05Z"), nil
		}
		f.Since = t
	}
	if !a.AllCallers {
		f.Caller = caller
	} else {
		// Other callers' records are filtered below; read more to fill the page.
		f.Limit = audit.MaxQueryLimit
	}
	recs, err := s.gate.Store().Query(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("audit query: %w", err)
	}
	want := min(max(a.Limit, 1), auditLimitMax)
	if a.Limit == 0 {
		want = 20
	}
	out := make([]audit.Record, 0, want)
	approvable := map[string]bool{}
	for _, r := range recs {
		if len(out) == want {
			break
		}
		if r.Caller != caller {
			ok, seen := approvable[r.Operation]
			if !seen {
				ok = s.mayApprove(ctx, caller, r.Operation)
				approvable[r.Operation] = ok
			}
			if !ok {
				continue
			}
		}
		out = append(out, r)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d audit records, newest first", len(out))
	if len(out) == want {
		fmt.Fprintf(&b, "; for older ones pass before_seq=%d", out[len(out)-1].Seq)
	}
	b.WriteString(":\n")
	for _, r := range out {
		fmt.Fprintf(&b, "#%d %s %s %s %s %s", r.Seq, r.Time.UTC().Format(time.RFC3339), r.Caller, r.Operation, r.Phase, r.Outcome)
		if r.ErrorMessage != "" {
			fmt.Fprintf(&b, " (%s)", r.ErrorMessage)
		}
		b.WriteString("\n")
	}
	return structuredResult(false, map[string]any{"records": out}, "%s", b.String()), nil
}
