package tools

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// Confirmations and approvals over both real transports: the authingops
// binary over stdio, and Streamable HTTP with API keys. The callers come
// from testdata/policies: mcp:janitor may delete users (after the user
// confirms), mcp:ops-bot only with a second admin's approval.

type transportCase struct {
	name    string
	connect func(t *testing.T, caller string, opts ...client.ClientOption) *client.Client
}

func transports(t *testing.T) []transportCase {
	return []transportCase{
		{"stdio", func(t *testing.T, caller string, opts ...client.ClientOption) *client.Client {
			tr := transport.NewStdio(authingopsBinary(t), nil, "mcp", "--sandbox", "--policies", "testdata/policies",
				"--caller", caller, "--audit-dsn", filepath.Join(t.TempDir(), "audit.db"), "--log-level", "error")
			return startClient(t, client.NewClient(tr, opts...))
		}},
		{"http", func(t *testing.T, caller string, opts ...client.ClientOption) *client.Client {
			f := newFixture(t, fixtureOpts{caller: "mcp:nobody", testPolicy: true})
			ks, err := NewKeySet([]KeyEntry{{Caller: caller, SHA256: HashKey(testKey)}})
			if err != nil {
				t.Fatal(err)
			}
			h, err := f.srv.HTTPHandler(HTTPOptions{Keys: ks})
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			mux.Handle("/mcp", h)
			ts := httptest.NewServer(mux)
			t.Cleanup(ts.Close)
			tr, err := transport.NewStreamableHTTP(ts.URL+"/mcp", transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + testKey}), transport.WithContinuousListening())
			if err != nil {
				t.Fatal(err)
			}
			return startClient(t, client.NewClient(tr, opts...))
		}},
	}
}

func startClient(t *testing.T, c *client.Client) *client.Client {
	t.Helper()
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = "2025-06-18"
	init.Params.ClientInfo = mcp.Implementation{Name: "transport-test", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	return c
}

// sandboxUserID finds a demo user's id through the MCP server itself.
func sandboxUserID(t *testing.T, c *client.Client, username string) string {
	t.Helper()
	res, err := call(t, c, "get_user", map[string]any{"userId": username, "userIdType": "username"})
	if err != nil || res.IsError {
		t.Fatalf("get_user %s: %v %s", username, err, text(res))
	}
	id, _ := structured(t, res)["userId"].(string)
	if id == "" {
		t.Fatalf("no userId in %s", text(res))
	}
	return id
}

func TestTransportsConfirmAndApprove(t *testing.T) {
	for _, tc := range transports(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Run("the user confirms through elicitation", func(t *testing.T) {
				user := &elicitor{action: mcp.ElicitationResponseActionAccept, confirm: true}
				c := tc.connect(t, "mcp:janitor", client.WithElicitationHandler(user))
				id := sandboxUserID(t, c, "dave")
				res, err := call(t, c, "delete_users_batch", map[string]any{"userIds": []string{id}})
				if err != nil || res.IsError {
					t.Fatalf("delete: %v %s", err, text(res))
				}
				if user.asked.Load() != 1 {
					t.Fatalf("the user was asked %d times", user.asked.Load())
				}
				gone, err := call(t, c, "get_user", map[string]any{"userId": id})
				if err != nil || !gone.IsError {
					t.Fatalf("dave still exists: %v %s", err, text(gone))
				}
			})
			t.Run("without elicitation, confirm is required", func(t *testing.T) {
				c := tc.connect(t, "mcp:janitor")
				id := sandboxUserID(t, c, "carol")
				res, err := call(t, c, "delete_users_batch", map[string]any{"userIds": []string{id}})
				if err != nil || !res.IsError || structured(t, res)["status"] != "confirmation_required" {
					t.Fatalf("want confirmation_required: %v %s", err, text(res))
				}
				if still := sandboxUserID(t, c, "carol"); still != id {
					t.Fatal("carol changed")
				}
			})
			t.Run("a call that needs approval waits for it", func(t *testing.T) {
				c := tc.connect(t, "mcp:ops-bot")
				id := sandboxUserID(t, c, "erin")
				res, err := call(t, c, "delete_users_batch", map[string]any{"userIds": []string{id}, "confirm": true})
				if err != nil || res.IsError || structured(t, res)["status"] != "pending_approval" {
					t.Fatalf("want pending_approval: %v %s", err, text(res))
				}
				approval, _ := structured(t, res)["approval_id"].(string)
				st, err := call(t, c, "approval_status", map[string]any{"approval_id": approval})
				if err != nil || st.IsError || structured(t, st)["state"] != "pending" {
					t.Fatalf("approval_status: %v %s", err, text(st))
				}
				if still := sandboxUserID(t, c, "erin"); still != id {
					t.Fatal("erin was deleted before approval")
				}
			})
		})
	}
}
