package loadtest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/seed-afc46a91/authingops/tools"
)

// loadKey is the API key of the assistant in the load tests.
const loadKey = "ao_load-test-key-of-the-assistant"

// mcpTarget serves the fixture's gate as the tools package's Streamable
// HTTP handler (API keys, the starter policies' view of the tools) on a
// loopback httptest server, and opens n MCP sessions to it.
func (f *fixture) mcpTarget(t *testing.T, n int) *MCPTarget {
	t.Helper()
	srv, err := tools.New(tools.Options{Gate: f.gate, Policy: f.policy, SecretKey: []byte(strings.Repeat("c", 32))})
	if err != nil {
		t.Fatal(err)
	}
	ks, err := tools.NewKeySet([]tools.KeyEntry{{Caller: assistant, SHA256: tools.HashKey(loadKey)}})
	if err != nil {
		t.Fatal(err)
	}
	// One caller makes every call here: lift the per-caller rate limit,
	// which guards a real deployment, so that it does not shape the load.
	h, err := srv.HTTPHandler(tools.HTTPOptions{Keys: ks, RatePerMinute: 100_000_000})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/mcp", h)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	tg, err := NewMCPTarget(context.Background(), MCPOptions{URL: ts.URL + "/mcp", Key: loadKey, Clients: n})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tg.Close() })
	return tg
}

// The target reads the status of every kind of tool result the load sends,
// and reports results the harness never expects as errors.
func TestToolStatus(t *testing.T) {
	t.Parallel()
	result := func(isError bool, structured any) *mcp.CallToolResult {
		return &mcp.CallToolResult{IsError: isError, StructuredContent: structured, Content: []mcp.Content{mcp.NewTextContent("text")}}
	}
	tests := []struct {
		name    string
		res     *mcp.CallToolResult
		want    string
		wantErr bool
	}{
		{"a value", result(false, json.RawMessage(`{"userId":"u1","status":"Activated"}`)), "succeeded", false},
		{"a value without structured content", &mcp.CallToolResult{Content: []mcp.Content{mcp.NewTextContent("[]")}}, "succeeded", false},
		{"Authing failed", result(true, map[string]any{"status": "failed", "operation": "create_user"}), "failed", false},
		{"denied", result(true, map[string]any{"status": "denied", "operation": "create_user"}), "denied", false},
		{"pending approval", result(false, map[string]any{"status": "pending_approval", "operation": "create_user"}), "pending_approval", false},
		{"invalid arguments", result(true, map[string]any{"status": "invalid", "operation": "create_user"}), "", true},
		{"not exposed", result(true, map[string]any{"status": "not_exposed", "operation": "create_user"}), "", true},
		{"an error without status", result(true, nil), "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := toolStatus("create_user", tt.res)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("toolStatus = %q, %v; want %q (error %v)", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
