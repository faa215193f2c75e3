// Package tools is the MCP face of authingops: every Authing Management API
// operation of the catalog as an MCP tool (or, in discovery mode, reachable
// through three tools), each call run through the gate (validation, Cedar
// policy, approval, audit), over stdio or Streamable HTTP, on mcp-go.
package tools

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/rs/zerolog"

	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/gate"
)

// Options configure a Server. Gate is required unless Deferred is set.
type Options struct {
	// Gate runs every call.
	Gate *gate.Gate
	// Deferred lets the server answer initialize (and ping) before the gate
	// exists: Gate and Policy come later through Provide, and tool requests
	// wait for them. The stdio command uses it so that a client's
	// initialize is answered while the policies and the audit store load;
	// with ProvidePolicy, tools/list is answered once the policies are
	// loaded, without waiting for the audit store.
	Deferred bool
	// Policy filters the tool list per caller: a caller sees the operations
	// it may run or may request approval for. Nil lists every exposed tool
	// (the gate still decides every call).
	Policy Policy
	// Exposure selects the tools.
	Exposure Exposure
	// Caller is the caller of requests whose context carries none (stdio,
	// in-process clients). Requests without any caller are refused.
	Caller Caller
	// SecretKey signs confirmation states; give every replica the same key.
	// Without one a random per-process key is used.
	SecretKey []byte
	// Version is reported in serverInfo.
	Version string
	// Logger receives operational messages (never arguments or secrets).
	Logger zerolog.Logger
	// Clock replaces time.Now (tests).
	Clock func() time.Time
}

// Server is the authingops MCP server.
type Server struct {
	mcp       *server.MCPServer
	gate      *gate.Gate
	policy    Policy
	vis       *visibility
	exposure  Exposure
	defCaller Caller
	confirm   *confirmer
	log       zerolog.Logger
	tools     int

	ready       chan struct{} // closed once Provide or Abort ran
	readyErr    error
	policyOnce  sync.Once
	policyReady chan struct{} // closed once the policy is known (or Abort ran)
	toolsReady  chan struct{} // closed once the tools are registered
}

// New builds the server and registers the exposed tools.
func New(opts Options) (*Server, error) {
	if opts.Gate == nil && !opts.Deferred {
		return nil, errors.New("tools: Options.Gate is required")
	}
	if err := opts.Exposure.Validate(); err != nil {
		return nil, err
	}
	now := opts.Clock
	if now == nil {
		now = time.Now
	}
	conf, err := newConfirmer(opts.SecretKey, now)
	if err != nil {
		return nil, err
	}
	s := &Server{
		exposure:  opts.Exposure,
		defCaller: opts.Caller, confirm: conf, log: opts.Logger,
		ready: make(chan struct{}), policyReady: make(chan struct{}), toolsReady: make(chan struct{}),
	}
	if !opts.Deferred {
		s.Provide(opts.Gate, opts.Policy)
	}
	version := opts.Version
	if version == "" {
		version = "dev"
	}
	serverOpts := []server.ServerOption{
		server.WithTitle("authingops: Authing management behind policy, approval and audit"),
		server.WithToolCapabilities(false),
		server.WithRecovery(),
		server.WithLogging(),
		server.WithInputSchemaValidation(),
		server.WithStrictInputSchemaDefault(),
		server.WithToolFilter(s.filterTools),
		server.WithToolHandlerMiddleware(s.waitReady),
		server.WithInstructions(instructions(opts.Exposure)),
	}
	hooks := &server.Hooks{}
	hooks.AddBeforeListTools(func(ctx context.Context, _ any, _ *mcp.ListToolsRequest) { s.awaitTools(ctx) })
	hooks.AddBeforeCallTool(func(ctx context.Context, _ any, _ *mcp.CallToolRequest) { s.awaitTools(ctx) })
	var startRegistering func()
	if opts.Deferred {
		// Build the catalog's tools once initialize is answered, or after
		// registerDelay at the latest; tools/list and tools/call wait for
		// them (hooks above). Meanwhile the caller loads the policies,
		// which take longer: building the tools at the same time would
		// take the last core of a 2-core machine from the goroutine
		// answering initialize.
		var once sync.Once
		startRegistering = func() {
			once.Do(func() {
				go func() {
					if err := s.registerTools(); err != nil {
						s.Abort(err)
					}
				}()
			})
		}
		hooks.AddAfterInitialize(func(context.Context, any, *mcp.InitializeRequest, *mcp.InitializeResult) { startRegistering() })
	}
	s.mcp = server.NewMCPServer("authingops", version, append(serverOpts, server.WithHooks(hooks))...)
	if opts.Deferred {
		time.AfterFunc(registerDelay, startRegistering)
	} else if err := s.registerTools(); err != nil {
		return nil, err
	}
	return s, nil
}

// registerDelay is how long a Deferred server waits for initialize before
// building its tools anyway.
const registerDelay = 5 * time.Millisecond

// Provide supplies the gate and the policy of a Deferred server and lets
// waiting requests proceed. Only the first Provide or Abort counts; after
// ProvidePolicy, p must be the policy given there.
func (s *Server) Provide(g *gate.Gate, p Policy) {
	select {
	case <-s.ready:
		return
	default:
	}
	s.ProvidePolicy(p)
	s.gate = g
	close(s.ready)
}

// ProvidePolicy supplies the policy of a Deferred server before its gate:
// tools/list, filtered by it, no longer waits for Provide; tool calls do.
// Only the first ProvidePolicy (or Provide, or Abort) counts.
func (s *Server) ProvidePolicy(p Policy) {
	s.policyOnce.Do(func() {
		s.policy = p
		if p != nil {
			s.vis = newVisibility(p)
		}
		close(s.policyReady)
	})
}

// Abort fails the requests waiting for a Deferred server's gate with err.
func (s *Server) Abort(err error) {
	select {
	case <-s.ready:
		return
	default:
	}
	s.readyErr = err
	s.policyOnce.Do(func() { close(s.policyReady) })
	close(s.ready)
}

// awaitReady waits for Provide (or Abort, or the end of ctx).
func (s *Server) awaitReady(ctx context.Context) error {
	select {
	case <-s.ready:
		if s.readyErr != nil {
			return fmt.Errorf("authingops is not ready: %w", s.readyErr)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// awaitPolicy waits for the policy (ProvidePolicy or Provide), for Abort
// or for the end of ctx.
func (s *Server) awaitPolicy(ctx context.Context) error {
	select {
	case <-s.policyReady:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-s.ready:
		if s.readyErr != nil {
			return fmt.Errorf("authingops is not ready: %w", s.readyErr)
		}
	default:
	}
	return nil
}

// waitReady is the tool middleware holding calls until the gate exists.
func (s *Server) waitReady(next server.ToolHandlerFunc) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		if err := s.awaitReady(ctx); err != nil {
			return nil, err
		}
		return next(ctx, req)
	}
}

// MCPServer returns the underlying mcp-go server (in-process clients,
// custom transports).
func (s *Server) MCPServer() *server.MCPServer { return s.mcp }

// registerTools builds the exposed tools and registers them.
func (s *Server) registerTools() error {
	defer close(s.toolsReady)
	tools := s.localTools()
	if !s.exposure.Discovery {
		ops, err := s.operationTools()
		if err != nil {
			return err
		}
		tools = append(tools, ops...)
	}
	s.mcp.AddTools(tools...)
	s.tools = len(tools)
	return nil
}

// awaitTools waits until the tools are registered or ctx ends.
func (s *Server) awaitTools(ctx context.Context) {
	select {
	case <-s.toolsReady:
	case <-ctx.Done():
	}
}

// ToolCount is how many tools are registered before policy filtering. On a
// Deferred server it waits until they are.
func (s *Server) ToolCount() int {
	<-s.toolsReady
	return s.tools
}

// ServeStdio serves one client on in and out until in ends or ctx is done.
// Requests act as Options.Caller over the "stdio" transport.
func (s *Server) ServeStdio(ctx context.Context, in io.Reader, out io.Writer) error {
	std := server.NewStdioServer(s.mcp)
	std.SetErrorLogger(newStdLogger(s.log))
	c := s.defCaller
	c.Transport = "stdio"
	std.SetContextFunc(func(ctx context.Context) context.Context { return WithCaller(ctx, c) })
	if err := std.Listen(ctx, in, out); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, io.EOF) {
		return fmt.Errorf("mcp stdio: %w", err)
	}
	return nil
}

// caller returns the caller of the request.
func (s *Server) caller(ctx context.Context) Caller {
	if c, ok := CallerFrom(ctx); ok {
		return c
	}
	return s.defCaller
}

// filterTools keeps the server's own tools and the operations the caller may
// run or request approval for. mcp-go applies it to tools/list and to
// tools/call.
func (s *Server) filterTools(ctx context.Context, tools []mcp.Tool) []mcp.Tool {
	if s.awaitPolicy(ctx) != nil {
		return nil
	}
	if s.vis == nil {
		return tools
	}
	c := s.caller(ctx)
	out := tools[:0:0]
	for _, t := range tools {
		if isLocal(t.Name) {
			out = append(out, t)
			continue
		}
		if op, ok := authing.LookupOperation(t.Name); ok && s.vis.visible(ctx, c, op) {
			out = append(out, t)
		}
	}
	return out
}

// newStdLogger adapts the zerolog logger for mcp-go's error log.
func newStdLogger(l zerolog.Logger) *log.Logger {
	return log.New(zerologWriter{l}, "", 0)
}

type zerologWriter struct{ l zerolog.Logger }

func (w zerologWriter) Write(p []byte) (int, error) {
	w.l.Error().Str("component", "mcp").Msg(strings.TrimSpace(string(p)))
	return len(p), nil
}

func instructions(e Exposure) string {
	base := "Authing user-directory management. Every call is checked by policy and audited. Denied calls are final: do not retry them. Writes accept dry_run to preview. Destructive calls need the user's confirmation. Calls that need approval return an approval id; follow it with approval_status."
	if e.Discovery {
		base += " Find operations with search_operations, read their schema with describe_operation, run them with call_operation."
	}
	return base
}
