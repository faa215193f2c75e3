package policy

import (
	"fmt"
	"strings"

	"github.com/cedar-policy/cedar-go/types"
)

// Caller id prefixes and the surfaces they come from.
const (
	SurfaceSlack = "slack"
	SurfaceMCP   = "mcp"
	SurfaceCLI   = "cli"
)

// ParseCaller maps a caller id to its Cedar principal:
//
//	slack:TEAM/USER  ->  SlackUser::"TEAM/USER"   (e.g. slack:T024BE7LD/U0G9QF9C6)
//	mcp:CLIENT       ->  MCPClient::"CLIENT"      (the MCP client's configured name)
//	cli:OSUSER       ->  CLIOperator::"OSUSER"    (the operating-system user)
//
// The prefix is the surface the caller speaks through. Ids are case-sensitive
// and must not contain spaces or control characters; a malformed id wraps
// [ErrBadCaller].
func ParseCaller(id string) (types.EntityUID, error) {
	prefix, rest, ok := strings.Cut(id, ":")
	if !ok || rest == "" {
		return types.EntityUID{}, fmt.Errorf("%w %q: want slack:TEAM/USER, mcp:CLIENT or cli:OSUSER", ErrBadCaller, id)
	}
	for _, r := range rest {
		if r <= ' ' || r == 0x7f {
			return types.EntityUID{}, fmt.Errorf("%w %q: spaces and control characters are not allowed", ErrBadCaller, id)
		}
	}
	switch prefix {
	case SurfaceSlack:
		team, user, ok := strings.Cut(rest, "/")
		if !ok || team == "" || user == "" || strings.Contains(user, "/") {
			return types.EntityUID{}, fmt.Errorf("%w %q: want slack:TEAM/USER", ErrBadCaller, id)
		}
		return types.NewEntityUID(TypeSlackUser, types.String(rest)), nil
	case SurfaceMCP:
		return types.NewEntityUID(TypeMCPClient, types.String(rest)), nil
	case SurfaceCLI:
		return types.NewEntityUID(TypeCLIOperator, types.String(rest)), nil
	default:
		return types.EntityUID{}, fmt.Errorf("%w %q: unknown prefix %q, want slack:, mcp: or cli:", ErrBadCaller, id, prefix)
	}
}

// CallerID maps a principal back to its caller id; ok is false for an
// entity that is not a principal.
func CallerID(uid types.EntityUID) (id string, ok bool) {
	switch uid.Type {
	case TypeSlackUser:
		return SurfaceSlack + ":" + string(uid.ID), true
	case TypeMCPClient:
		return SurfaceMCP + ":" + string(uid.ID), true
	case TypeCLIOperator:
		return SurfaceCLI + ":" + string(uid.ID), true
	default:
		return "", false
	}
}

// callerSurface returns the surface a principal type speaks through.
func callerSurface(t types.EntityType) string {
	switch t {
	case TypeSlackUser:
		return SurfaceSlack
	case TypeMCPClient:
		return SurfaceMCP
	default:
		return SurfaceCLI
	}
}
