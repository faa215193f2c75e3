package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

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
	if op.Destructive && !dryRun && s.mayProceed(ctx, caller, op) {
		res, err := s.confirmation(ctx, req, caller.ID, op, args, confirmArg)
		if res != nil || err != nil {
			return res, err
		}
	}
	call := gate.Call{
		Caller: caller.ID, CallerName: caller.Name, Surface: audit.SurfaceMCP, Transport: caller.Transport,
		Origin: audit.Origin{MCPSession: sessionID(ctx)}, Operation: op.Name, Args: args, DryRun: dryRun,
	}
	res, err := s.gate.Execute(ctx, call)
	if err != nil {
		// The gate itself failed (the audit log cannot be written, the
		// context ended): a protocol error, never a tool result.
		return nil, fmt.Errorf("%s: %w", op.Name, err)
	}
	return s.render(res), nil
}

// mayProceed reports whether the policy would not simply deny the call: a
// call the gate will deny is not worth the user's confirmation.
func (s *Server) mayProceed(ctx context.Context, c Caller, op *authing.Operation) bool {
	if s.policy == nil {
		return true
	}
	d := s.policy.Decide(ctx, policy.Request{Caller: c.ID, Operation: op.Name, Surface: audit.SurfaceMCP, Transport: c.Transport})
	return d.Effect != policy.Deny
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
