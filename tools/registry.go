package tools

import (
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/seed-afc46a91/authingops/authing"
)

// Names of the server's own tools.
const (
	ToolSearchOperations  = "search_operations"
	ToolDescribeOperation = "describe_operation"
	ToolCallOperation     = "call_operation"
	ToolApprovalStatus    = "approval_status"
	ToolAuditQuery        = "audit_query"
)

// OperationTool returns the MCP tool of a catalog operation: named as the
// operation, described concisely, with the compact input schema (see
// compactSchema) and explicit annotations. It involves no reflection: the
// schema is the catalog's JSON with descriptions removed.
func OperationTool(op *authing.Operation) (mcp.Tool, error) {
	schema, pageMax, err := publishedSchema(op)
	if err != nil {
		return mcp.Tool{}, err
	}
	t := mcp.NewToolWithRawSchema(op.Name, descriptionFor(op, pageMax), schema)
	t.Annotations = annotationsFor(op)
	return t, nil
}

// operationTools builds the tools of the exposed operations.
func (s *Server) operationTools() ([]server.ServerTool, error) {
	ops := s.exposure.Operations()
	out := make([]server.ServerTool, 0, len(ops))
	for _, op := range ops {
		t, err := OperationTool(op)
		if err != nil {
			return nil, fmt.Errorf("tool %s: %w", op.Name, err)
		}
		out = append(out, server.ServerTool{Tool: t, Handler: s.operationHandler(op)})
	}
	return out, nil
}

// localTools are the server's own tools for the exposure mode:
// search_operations and call_operation in discovery mode, and always
// describe_operation (the full schema with Authing's field descriptions,
// which the compact tool schemas leave out), approval_status and
// audit_query.
func (s *Server) localTools() []server.ServerTool {
	var out []server.ServerTool
	if s.exposure.Discovery {
		out = append(out,
			server.ServerTool{Tool: searchTool(), Handler: s.searchOperations},
			server.ServerTool{Tool: callTool(s.exposure.ReadOnly), Handler: s.callOperation},
		)
	}
	return append(out,
		server.ServerTool{Tool: describeTool(), Handler: s.describeOperation},
		server.ServerTool{Tool: approvalStatusTool(), Handler: s.approvalStatus},
		server.ServerTool{Tool: auditQueryTool(), Handler: s.auditQuery},
	)
}

// isLocal reports whether name is one of the server's own tools.
func isLocal(name string) bool {
	switch name {
	case ToolSearchOperations, ToolDescribeOperation, ToolCallOperation, ToolApprovalStatus, ToolAuditQuery:
		return true
	}
	return false
}

// annotationsFor derives a tool's annotations from the catalog entry. Every
// field is set explicitly:
//   - readOnlyHint: the operation does not write;
//   - destructiveHint: the catalog marks it destructive (deletes, removes,
//     revokes, disables, resets, kicks, resigns, unlinks, rotates); additive
//     writes say false;
//   - idempotentHint: reads, and writes that set state (PUT, DELETE, and
//     update_/set_/delete_/remove_ operations), which repeat to the same end;
//     creations and other POSTs say false;
//   - openWorldHint: true, since every call reaches the Authing tenant.
func annotationsFor(op *authing.Operation) mcp.ToolAnnotation {
	return mcp.ToolAnnotation{
		Title:           titleFor(op),
		ReadOnlyHint:    mcp.ToBoolPtr(!op.Write),
		DestructiveHint: mcp.ToBoolPtr(op.Destructive),
		IdempotentHint:  mcp.ToBoolPtr(idempotent(op)),
		OpenWorldHint:   mcp.ToBoolPtr(true),
	}
}

// localAnnotations are those of the server's own tools (search, describe,
// approval status, audit query): reads of local state.
func localAnnotations(title string) mcp.ToolAnnotation {
	return mcp.ToolAnnotation{
		Title:           title,
		ReadOnlyHint:    mcp.ToBoolPtr(true),
		DestructiveHint: mcp.ToBoolPtr(false),
		IdempotentHint:  mcp.ToBoolPtr(true),
		OpenWorldHint:   mcp.ToBoolPtr(false),
	}
}

var idempotentPrefixes = []string{"update_", "set_", "delete_", "remove_", "revoke_", "reset_", "disable_", "enable_", "unbind_", "unlink_", "kick_", "resign_"}

func idempotent(op *authing.Operation) bool {
	if !op.Write {
		return true
	}
	if op.Method == "PUT" || op.Method == "DELETE" {
		return true
	}
	for _, p := range idempotentPrefixes {
		if strings.HasPrefix(op.Name, p) {
			return true
		}
	}
	return false
}

// titleFor is the human-readable title: the English summary.
func titleFor(op *authing.Operation) string {
	if op.Summary != "" {
		return op.Summary
	}
	return op.Name
}

// descriptionFor is the tool description: the summary and what a model must
// know that the schema does not say at a glance — the page size limit, that a
// write can be previewed, that a destructive call needs the user's
// confirmation, that the operation is deprecated.
func descriptionFor(op *authing.Operation, pageMax int) string {
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(titleFor(op), "."))
	b.WriteString(".")
	if op.Deprecated {
		b.WriteString(" Deprecated.")
	}
	if req := requiredParams(op); len(req) > 0 && len(req) <= 3 {
		fmt.Fprintf(&b, " Needs %s.", strings.Join(req, ", "))
	}
	if pageMax > 0 {
		fmt.Fprintf(&b, " Page size ≤%d.", pageMax)
	}
	if op.Destructive {
		b.WriteString(" Destructive: the user must confirm.")
	}
	return b.String()
}

func requiredParams(op *authing.Operation) []string {
	var out []string
	for _, p := range op.Params {
		if p.Required {
			out = append(out, p.Name)
		}
	}
	return out
}
