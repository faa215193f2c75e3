package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/gate"
	"github.com/seed-afc46a91/authingops/policy"
)

// operationHandler is the handler of an operation's tool.
func (s *Server) operationHandler(op *authing.Operation) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		raw, err := rawArguments(req)
		if err != nil {
			return errorResult(map[string]any{"status": "invalid"}, "arguments: %v", err), nil
		}
		args, dryRun, confirmArg, err := splitArguments(raw)
		if err != nil {
			return errorResult(map[string]any{"status": "invalid", "operation": op.Name}, "%s: %v", op.Name, err), nil
		}
		return s.runOperation(ctx, req, op, args, dryRun, confirmArg)
	}
}

// runOperation runs op through the gate: exposure, confirmation of
// destructive calls, then the gate (validation, policy, approval, audit).
func (s *Server) runOperation(ctx context.Context, req mcp.CallToolRequest, op *authing.Operation, args json.RawMessage, dryRun, confirmArg bool) (*mcp.CallToolResult, error) {
	caller := s.caller(ctx)
	if !s.exposure.Allows(op) {
		// Exposure is enforced at call time too: the gate does not know the
		// exposure flags. The policy is the gate's to enforce; an operation
		// the caller may not run is denied there, with the reason, and
		// audited.
		return errorResult(map[string]any{"status": "not_exposed", "operation": op.Name},
			"%s is not available on this server (%s); do not retry it.", op.Name, s.exposure.Describe()), nil
	}
	if (dryRun || confirmArg) && !op.Write {
		return errorResult(map[string]any{"status": "invalid", "operation": op.Name},
			"%s: argument %q: only writes take dry_run and confirm", op.Name, firstTrue(dryRun, argDryRun, argConfirm)), nil
	}
	if confirmArg && !op.Destructive {
		return errorResult(map[string]any{"status": "invalid", "operation": op.Name},
			"%s: argument %q: only destructive operations take confirm", op.Name, argConfirm), nil
	}
	call := gate.Call{
		Caller: caller.ID, CallerName: caller.Name, Surface: audit.SurfaceMCP, Transport: caller.Transport,
		Origin: audit.Origin{MCPSession: sessionID(ctx)}, Operation: op.Name, Args: args, DryRun: dryRun,
	}
	if op.Destructive && !dryRun {
		if s.deniedAnyway(ctx, call) {
			// Asking the user to confirm a call the policy denies wastes
			// their attention: let the gate deny it, as a dry run, so that
			// nothing can run unconfirmed even if the policy changed in
			// between (the dry run then shows what would be sent and the
			// model calls again, to be confirmed).
			call.DryRun = true
		} else {
			res, err := s.confirmation(ctx, req, caller.ID, op, args, confirmArg)
			if res != nil || err != nil {
				return res, err
			}
		}
	}
	res, err := s.gate.Execute(ctx, call)
	if err != nil {
		// The gate itself failed (the audit log cannot be written, the
		// context ended): a protocol error, never a tool result. The store's
		// own error can name hosts or files, so it goes to the log only.
		s.log.Error().Err(err).Str("op", op.Name).Str("caller", caller.ID).Msg("mcp: the gate failed")
		return nil, gateFailure(op.Name, err)
	}
	return s.render(res), nil
}

// gateFailure is the fixed text of a protocol error for a gate failure.
func gateFailure(op string, err error) error {
	switch {
	case errors.Is(err, gate.ErrAuditUnavailable):
		return fmt.Errorf("%s: %w (an operator must restore the audit store)", op, gate.ErrAuditUnavailable)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: the request ended before the call ran", op)
	}
	return fmt.Errorf("%s: internal error; nothing was run", op)
}

// deniedAnyway reports whether the policy denies c as the gate will ask it.
func (s *Server) deniedAnyway(ctx context.Context, c gate.Call) bool {
	if s.policy == nil {
		return false
	}
	d := s.policy.Decide(ctx, policy.Request{Caller: c.Caller, Operation: c.Operation, Surface: c.Surface,
		Transport: c.Transport, Targets: audit.TargetIDs(c.Args)})
	return d.Effect == policy.Deny
}

// rawArguments returns the call's arguments as a JSON object.
func rawArguments(req mcp.CallToolRequest) (json.RawMessage, error) {
	if len(req.Params.RawArguments) > 0 {
		return req.Params.RawArguments, nil
	}
	if req.Params.Arguments == nil {
		return json.RawMessage("{}"), nil
	}
	b, err := json.Marshal(req.Params.Arguments)
	if err != nil {
		return nil, fmt.Errorf("encode arguments: %w", err)
	}
	return b, nil
}

// splitArguments removes the server's dry_run and confirm arguments and
// returns the operation's own arguments.
func splitArguments(raw json.RawMessage) (args json.RawMessage, dryRun, confirm bool, err error) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return json.RawMessage("{}"), false, false, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &m); err != nil {
		return nil, false, false, fmt.Errorf("arguments must be a JSON object")
	}
	if dryRun, err = boolArg(m, argDryRun); err != nil {
		return nil, false, false, err
	}
	if confirm, err = boolArg(m, argConfirm); err != nil {
		return nil, false, false, err
	}
	if _, had := m[argDryRun]; !had {
		if _, had := m[argConfirm]; !had {
			return trimmed, dryRun, confirm, nil
		}
	}
	delete(m, argDryRun)
	delete(m, argConfirm)
	out, err := json.Marshal(m)
	if err != nil {
		return nil, false, false, fmt.Errorf("encode arguments: %w", err)
	}
	return out, dryRun, confirm, nil
}

func boolArg(m map[string]json.RawMessage, name string) (bool, error) {
	v, ok := m[name]
	if !ok {
		return false, nil
	}
	var b bool
	if err := json.Unmarshal(v, &b); err != nil {
		return false, fmt.Errorf("argument %q: expected true or false", name)
	}
	return b, nil
}

func firstTrue(dryRun bool, a, b string) string {
	if dryRun {
		return a
	}
	return b
}

// sessionID is the MCP session of the request, "" without one.
func sessionID(ctx context.Context) string {
	if s := server.ClientSessionFromContext(ctx); s != nil {
		return s.SessionID()
	}
	return ""
}

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
