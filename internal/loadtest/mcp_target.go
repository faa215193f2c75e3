package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// MCPTarget calls an authingops MCP endpoint over Streamable HTTP: one MCP
// session (its own initialize and session id) per load client, as many
// assistants connected to one server would be.
type MCPTarget struct {
	clients []*client.Client
}

// MCPOptions say where and how the MCP clients connect.
type MCPOptions struct {
	// URL is the endpoint, e.g. http://127.0.0.1:8080/mcp.
	URL string
	// Key is the bearer API key; empty sends no Authorization header (the
	// sandbox's loopback caller).
	Key string
	// Clients is the number of sessions to open.
	Clients int
	// HTTPClient carries the requests; nil means a client with a connection
	// pool sized for Clients.
	HTTPClient *http.Client
	// Logger receives the transport's own messages; nil discards them
	// (failures reach the caller through Call's error).
	Logger *slog.Logger
}

// protocolVersion is the MCP revision the load clients speak.
const protocolVersion = "2025-06-18"

// NewMCPTarget opens and initializes o.Clients sessions. On error the ones
// opened are closed.
func NewMCPTarget(ctx context.Context, o MCPOptions) (*MCPTarget, error) {
	if o.Clients <= 0 {
		return nil, errors.New("loadtest: MCPOptions.Clients must be positive")
	}
	hc := o.HTTPClient
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = o.Clients
		hc = &http.Client{Transport: tr}
	}
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	opts := []transport.StreamableHTTPCOption{transport.WithHTTPBasicClient(hc), transport.WithHTTPLogger(logger)}
	if o.Key != "" {
		opts = append(opts, transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + o.Key}))
	}
	t := &MCPTarget{clients: make([]*client.Client, o.Clients)}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for i := range o.Clients {
		wg.Go(func() {
			c, err := connect(ctx, o.URL, opts)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && first == nil {
				first = fmt.Errorf("loadtest: MCP client %d: %w", i, err)
			}
			t.clients[i] = c
		})
	}
	wg.Wait()
	if first != nil {
		_ = t.Close()
		return nil, first
	}
	return t, nil
}

// connect opens one initialized session.
func connect(ctx context.Context, url string, opts []transport.StreamableHTTPCOption) (*client.Client, error) {
	tr, err := transport.NewStreamableHTTP(url, opts...)
	if err != nil {
		return nil, err
	}
	c := client.NewClient(tr)
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = protocolVersion
	req.Params.ClientInfo = mcp.Implementation{Name: "authingops-loadtest", Version: "1"}
	if _, err := c.Initialize(ctx, req); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("initialize: %w", err)
	}
	return c, nil
}

// Close ends every session.
func (t *MCPTarget) Close() error {
	var errs []error
	for _, c := range t.clients {
		if c != nil {
			errs = append(errs, c.Close())
		}
	}
	return errors.Join(errs...)
}

// Call runs op as a tools/call on the client's session. The status is the
// gate's status as the tool result carries it ("succeeded" for a value);
// err is a protocol error (the gate failed, the transport broke) or a
// result the harness never expects (bad arguments, a tool not exposed).
func (t *MCPTarget) Call(ctx context.Context, c int, op string, args json.RawMessage) (string, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = op
	req.Params.Arguments = args
	res, err := t.clients[c%len(t.clients)].CallTool(ctx, req)
	if err != nil {
		return "", err
	}
	return toolStatus(op, res)
}

// toolStatus reads the status word of a tool result.
func toolStatus(op string, res *mcp.CallToolResult) (string, error) {
	// The server's own answers carry {"status", "operation"}; a value
	// (which may have a status field of its own, like a user) does not
	// name the operation.
	var st struct {
		Status    string `json:"status"`
		Operation string `json:"operation"`
	}
	if res.StructuredContent != nil {
		if b, err := json.Marshal(res.StructuredContent); err == nil {
			_ = json.Unmarshal(b, &st)
		}
	}
	switch {
	case !res.IsError && st.Operation != op:
		return "succeeded", nil
	case st.Status == "invalid" || st.Status == "not_exposed" || st.Status == "confirmation_required" || st.Status == "":
		return "", fmt.Errorf("%s: unexpected tool result (status %q): %s", op, st.Status, resultText(res))
	}
	return st.Status, nil
}

func resultText(res *mcp.CallToolResult) string {
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			return tc.Text
		}
	}
	return ""
}
