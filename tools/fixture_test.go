package tools

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/authing/authingtest"
	policies "github.com/seed-afc46a91/authingops/examples/policies"
	"github.com/seed-afc46a91/authingops/gate"
	"github.com/seed-afc46a91/authingops/policy"
)

// fixture is a real stack: the sandbox as Authing, a SQLite audit store in
// a temporary directory, the Cedar engine, the gate and the MCP server.
type fixture struct {
	srv     *Server
	gate    *gate.Gate
	store   audit.Store
	policy  *policy.Engine
	sandbox *authingtest.Server
}

type fixtureOpts struct {
	exposure   Exposure
	caller     string
	testPolicy bool // testdata/policies instead of the starter policies
}

func newFixture(t testing.TB, fo fixtureOpts) *fixture {
	t.Helper()
	ctx := context.Background()
	sb, err := authingtest.NewServer(authingtest.Options{Seed: authingtest.SeedDemo})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	creds := sb.Credentials()
	cl, err := authing.NewClient(authing.Options{AccessKeyID: creds.AccessKeyID, AccessKeySecret: creds.AccessKeySecret, Host: creds.Host})
	if err != nil {
		t.Fatal(err)
	}
	schema, err := policy.CatalogSchema()
	if err != nil {
		t.Fatal(err)
	}
	src := policy.FromFS(policies.Starter, ".", policies.StarterEntities)
	if fo.testPolicy {
		src = policy.FromPaths("testdata/policies", "testdata/policies/entities.yaml")
	}
	eng, err := policy.NewEngine(schema, src, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	store, err := audit.Open(ctx, filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	g, err := gate.New(gate.Options{Client: cl, Policy: eng, Store: store, SecretKey: []byte(strings.Repeat("k", 32))})
	if err != nil {
		t.Fatal(err)
	}
	caller := fo.caller
	if caller == "" {
		caller = "mcp:claude-desktop"
	}
	srv, err := New(Options{Gate: g, Policy: eng, Exposure: fo.exposure, Caller: Caller{ID: caller, Transport: "stdio"}, SecretKey: []byte(strings.Repeat("s", 32))})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{srv: srv, gate: g, store: store, policy: eng, sandbox: sb}
}

// client starts an initialized in-process client; opts add capabilities
// (elicitation).
func (f *fixture) client(t testing.TB, opts ...client.ClientOption) *client.Client {
	t.Helper()
	c, err := client.NewInProcessClientWithOptions(f.srv.MCPServer(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "tools-test", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	return c
}

// call runs a tool and returns its result (the error is a protocol error).
func call(t testing.TB, c *client.Client, name string, args any) (*mcp.CallToolResult, error) {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	return c.CallTool(context.Background(), req)
}

// text is the concatenated text content of a result.
func text(r *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range r.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// structured decodes a result's structured content.
func structured(t testing.TB, r *mcp.CallToolResult) map[string]any {
	t.Helper()
	b, err := json.Marshal(r.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("structured content %s: %v", b, err)
	}
	return m
}

// userID returns the sandbox id of a demo user.
func (f *fixture) userID(t testing.TB, username string) string {
	t.Helper()
	res, err := f.gate.Execute(context.Background(), gate.Call{Caller: "mcp:claude-desktop", Surface: "mcp", Operation: "get_user",
		Args: json.RawMessage(`{"userId":"` + username + `","userIdType":"username"}`)})
	if err != nil || res.Status != gate.StatusSucceeded {
		t.Fatalf("get_user %s: %v %+v", username, err, res)
	}
	b, _ := json.Marshal(res.Value)
	var v struct {
		UserID string `json:"userId"`
		Data   struct {
			UserID string `json:"userId"`
		} `json:"data"`
	}
	_ = json.Unmarshal(b, &v)
	if v.Data.UserID != "" {
		return v.Data.UserID
	}
	if v.UserID == "" {
		t.Fatalf("no user id in %s", b)
	}
	return v.UserID
}

func skipShort(t *testing.T) {
	if testing.Short() && os.Getenv("CI") == "" {
		t.Skip("short mode")
	}
}

// newFixtureSharing is another MCP server for caller over the same gate.
func newFixtureSharing(t testing.TB, f *fixture, caller string) *fixture {
	t.Helper()
	srv, err := New(Options{Gate: f.gate, Policy: f.policy, Caller: Caller{ID: caller, Transport: "stdio"}})
	if err != nil {
		t.Fatal(err)
	}
	g := *f
	g.srv = srv
	return &g
}
