package tools

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// deferredClient is an initialized in-process client of a Deferred server
// (no gate yet) for the starter assistant.
func deferredClient(t *testing.T) (*Server, *client.Client) {
	t.Helper()
	srv, err := New(Options{Deferred: true, Caller: Caller{ID: "mcp:claude-desktop", Transport: "stdio"}})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{srv: srv}
	return srv, f.client(t)
}

// TestDeferredListsWithPolicyBeforeGate: once ProvidePolicy ran, tools/list
// answers, filtered by the policy, while tool calls wait for Provide.
func TestDeferredListsWithPolicyBeforeGate(t *testing.T) {
	t.Parallel()
	full := newFixture(t, fixtureOpts{})
	want, err := full.client(t).ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	srv, c := deferredClient(t)
	srv.ProvidePolicy(full.policy)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Tools) != len(want.Tools) || len(got.Tools) == 0 {
		t.Fatalf("tools/list before the gate: %d tools, with it %d", len(got.Tools), len(want.Tools))
	}
	for i := range got.Tools {
		if got.Tools[i].Name != want.Tools[i].Name {
			t.Fatalf("tool %d: %s before the gate, %s with it", i, got.Tools[i].Name, want.Tools[i].Name)
		}
	}

	// A call waits for the gate.
	done := make(chan *mcp.CallToolResult, 1)
	go func() {
		res, _ := call(t, c, "get_user", map[string]any{"userId": "alice", "userIdType": "username"})
		done <- res
	}()
	select {
	case res := <-done:
		t.Fatalf("a call ran before the gate: %+v", res)
	case <-time.After(50 * time.Millisecond):
	}
	srv.Provide(full.gate, full.policy)
	select {
	case res := <-done:
		if res == nil || res.IsError {
			t.Fatalf("get_user after Provide: %+v", res)
		}
	case <-ctx.Done():
		t.Fatal("the call did not run after Provide")
	}
}

// TestDeferredAbortAfterPolicy: a runtime that fails after its policy
// loaded fails calls with its error and lists nothing.
func TestDeferredAbortAfterPolicy(t *testing.T) {
	t.Parallel()
	full := newFixture(t, fixtureOpts{})
	srv, c := deferredClient(t)
	srv.ProvidePolicy(full.policy)
	srv.Abort(errors.New("audit store unavailable"))
	got, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Tools) != 0 {
		t.Errorf("tools/list after Abort: %d tools, want none", len(got.Tools))
	}
	if _, err := call(t, c, "get_user", map[string]any{"userId": "alice", "userIdType": "username"}); err == nil {
		t.Error("a call after Abort succeeded")
	}
}

// TestDeferredBuildsToolsWithoutInitialize: a Deferred server builds its
// tools after initialize, or without one after registerDelay.
func TestDeferredBuildsToolsWithoutInitialize(t *testing.T) {
	t.Parallel()
	srv, err := New(Options{Deferred: true, Caller: Caller{ID: "mcp:claude-desktop", Transport: "stdio"}})
	if err != nil {
		t.Fatal(err)
	}
	want := len(listedTools(t, Exposure{}))
	if got := srv.ToolCount(); got != want {
		t.Errorf("ToolCount() = %d without initialize, want %d", got, want)
	}
}
