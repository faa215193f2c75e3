package tools

import (
	"fmt"

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
	schema, pageMax, err := compactSchema(op)
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
