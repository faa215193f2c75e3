package tools

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/seed-afc46a91/authingops/gate"
)

// render turns a gate result into a tool result. Failures the model can act
// on (denials, bad arguments, Authing errors) are isError results with
// words that say what to do; values and errors are redacted so that no
// secret reaches the model.
func (s *Server) render(res *gate.Result) *mcp.CallToolResult {
	name := ""
	if res.Operation != nil {
		name = res.Operation.Name
	}
	switch res.Status {
	case gate.StatusSucceeded:
		return s.valueResult(res.Value)
	case gate.StatusDryRun:
		st := map[string]any{"status": "dry_run", "operation": name, "decision": res.Decision.Effect.String(),
			"policy_ids": res.Decision.PolicyIDs, "request": res.Request}
		return structuredResult(false, st, "Dry run of %s: nothing was sent. The policy says %s%s. The request would be %s.",
			name, res.Decision.Effect, policySuffix(res.Decision.PolicyIDs), requestText(res.Request))
	case gate.StatusPendingApproval:
		a := res.Approval
		st := map[string]any{"status": "pending_approval", "operation": name, "approval_id": a.ID,
			"expires_at": a.ExpiresAt.UTC().Format(time.RFC3339), "policy_ids": res.Decision.PolicyIDs}
		return structuredResult(false, st,
			"%s was NOT run yet: it needs approval. %s. Approval id %s, open until %s. Another admin decides it in Slack or with `authingops approvals`; AI assistants cannot approve. Check it with the approval_status tool; do not call %s again meanwhile.",
			name, strings.TrimSuffix(res.Decision.Reason, "."), a.ID, a.ExpiresAt.UTC().Format(time.RFC3339), name)
	case gate.StatusDenied:
		st := map[string]any{"status": "denied", "operation": name, "reason": res.Decision.Reason, "policy_ids": res.Decision.PolicyIDs}
		return structuredResult(true, st, "Denied by policy%s: %s. Do not retry %s; ask a human admin if it is needed.",
			policySuffix(res.Decision.PolicyIDs), strings.TrimSuffix(res.Decision.Reason, "."), name)
	case gate.StatusInvalid:
		st := map[string]any{"status": "invalid", "operation": name, "error": res.Message()}
		var ve *gate.ValidationError
		if errors.As(res.Err, &ve) && ve.Field != "" {
			st["field"] = ve.Field
		}
		return structuredResult(true, st, "Invalid call, nothing was run: %s. Fix the arguments and call again.", res.Message())
	case gate.StatusFailed:
		st := map[string]any{"status": "failed", "operation": name, "error": res.Message()}
		msg := fmt.Sprintf("Authing failed %s: %s", name, strings.TrimSuffix(res.Message(), "."))
		var ce *gate.CallError
		if errors.As(res.Err, &ce) {
			st["error_class"] = ce.Class
			msg += " (" + ce.Class
			if ce.RequestID != "" {
				st["request_id"] = ce.RequestID
				msg += ", Authing request id " + ce.RequestID
			}
			msg += ")"
		}
		return structuredResult(true, st, "%s.", msg)
	case gate.StatusDuplicate:
		st := map[string]any{"status": "duplicate", "operation": name, "first": string(res.First)}
		return structuredResult(false, st, "This repeats a call already made (it ended %s); nothing ran again.", res.First)
	}
	return structuredResult(true, map[string]any{"status": string(res.Status), "operation": name},
		"%s ended %s: %s", name, res.Status, res.Message())
}

// valueResult renders a successful value, redacted, as text and as
// structured content (an object: non-object values are wrapped in
// {"result": ...}).
func (s *Server) valueResult(v any) *mcp.CallToolResult {
	b, err := json.Marshal(v)
	if err != nil {
		return mcp.NewToolResultError("the result could not be encoded")
	}
	b = s.gate.Redactor().RedactArgs(b)
	structured := json.RawMessage(b)
	if t := bytes.TrimSpace(b); len(t) == 0 || t[0] != '{' {
		structured, _ = json.Marshal(map[string]json.RawMessage{"result": b})
	}
	return &mcp.CallToolResult{
		Content:           []mcp.Content{mcp.NewTextContent(string(b))},
		StructuredContent: structured,
	}
}

// structuredResult is a result with a sentence for the model and the same
// facts as structured content.
func structuredResult(isError bool, structured any, format string, args ...any) *mcp.CallToolResult {
	return &mcp.CallToolResult{
		Content:           []mcp.Content{mcp.NewTextContent(fmt.Sprintf(format, args...))},
		StructuredContent: structured,
		IsError:           isError,
	}
}

// errorResult is an isError result.
func errorResult(structured any, format string, args ...any) *mcp.CallToolResult {
	return structuredResult(true, structured, format, args...)
}

func policySuffix(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return " (" + strings.Join(ids, ", ") + ")"
}

func requestText(r any) string {
	b, err := json.Marshal(r)
	if err != nil {
		return "unavailable"
	}
	return string(b)
}
