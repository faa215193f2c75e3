package tools

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/gate"
)

// elicitor answers elicitations like a user would.
type elicitor struct {
	action  mcp.ElicitationResponseAction
	confirm bool
	asked   atomic.Int32
	message atomic.Value
}

func (e *elicitor) Elicit(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	e.asked.Add(1)
	e.message.Store(req.Params.Message)
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: e.action, Content: map[string]any{"confirm": e.confirm}}}, nil
}

func TestDestructiveNeedsConfirmation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		elicit     *elicitor
		confirmArg bool
		wantRun    bool
		wantStatus string
		legacy     bool // protocol before 2026-07-28: elicitation/create from the server
	}{
		{name: "no elicitation, no confirm", wantStatus: "confirmation_required"},
		{name: "no elicitation, confirm true", confirmArg: true, wantRun: true},
		{name: "user accepts", elicit: &elicitor{action: mcp.ElicitationResponseActionAccept, confirm: true}, wantRun: true},
		{name: "user accepts, legacy protocol", elicit: &elicitor{action: mcp.ElicitationResponseActionAccept, confirm: true}, wantRun: true, legacy: true},
		{name: "user declines, legacy protocol", elicit: &elicitor{action: mcp.ElicitationResponseActionDecline}, wantStatus: "not_confirmed", legacy: true},
		{name: "user accepts but unticks", elicit: &elicitor{action: mcp.ElicitationResponseActionAccept}, wantStatus: "not_confirmed"},
		{name: "user declines", elicit: &elicitor{action: mcp.ElicitationResponseActionDecline, confirm: true}, wantStatus: "not_confirmed"},
		{name: "confirm argument is not enough when the client can ask", elicit: &elicitor{action: mcp.ElicitationResponseActionCancel}, confirmArg: true, wantStatus: "not_confirmed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixtureOpts{caller: "mcp:janitor", testPolicy: true})
			var opts []client.ClientOption
			if tt.elicit != nil {
				opts = append(opts, client.WithElicitationHandler(tt.elicit))
			}
			if tt.legacy {
				opts = append(opts, client.WithLegacyProtocolOnly())
			}
			c := f.client(t, opts...)
			id := f.userID(t, "dave")
			args := map[string]any{"userIds": []string{id}}
			if tt.confirmArg {
				args["confirm"] = true
			}
			res, err := call(t, c, "delete_users_batch", args)
			if err != nil {
				t.Fatal(err)
			}
			ran := f.sandbox.Calls("delete_users_batch") > 0
			if ran != tt.wantRun {
				t.Fatalf("ran=%v, want %v: %s", ran, tt.wantRun, text(res))
			}
			if tt.wantStatus != "" {
				if st := structured(t, res); !res.IsError || st["status"] != tt.wantStatus {
					t.Fatalf("status %v, want %s: %s", st["status"], tt.wantStatus, text(res))
				}
			} else if res.IsError {
				t.Fatalf("unexpected error: %s", text(res))
			}
			if tt.elicit != nil {
				if tt.elicit.asked.Load() != 1 {
					t.Fatalf("asked %d times", tt.elicit.asked.Load())
				}
				if msg, _ := tt.elicit.message.Load().(string); !strings.Contains(msg, "delete_users_batch") || !strings.Contains(msg, id) {
					t.Fatalf("elicitation message does not show the call: %q", msg)
				}
			}
		})
	}
}

func TestDryRunOfDestructiveNeedsNoConfirmation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{caller: "mcp:janitor", testPolicy: true})
	res, err := call(t, f.client(t), "delete_users_batch", map[string]any{"userIds": []string{"x"}, "dry_run": true})
	if err != nil {
		t.Fatal(err)
	}
	if st := structured(t, res); res.IsError || st["status"] != "dry_run" {
		t.Fatalf("dry run: %s", text(res))
	}
}

func TestConfirmationStateCannotBeForged(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	c, err := newConfirmer([]byte(strings.Repeat("x", 32)), func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	other, _ := newConfirmer([]byte(strings.Repeat("y", 32)), func() time.Time { return now })
	good, err := c.sign("mcp:a", "delete_users_batch", "h1")
	if err != nil {
		t.Fatal(err)
	}
	forged, _ := other.sign("mcp:a", "delete_users_batch", "h1")
	payload, sig, _ := strings.Cut(good, ".")
	tests := []struct {
		name, state, caller, op, hash string
	}{
		{"other key", forged, "mcp:a", "delete_users_batch", "h1"},
		{"tampered payload", payload + "x." + sig, "mcp:a", "delete_users_batch", "h1"},
		{"no signature", payload, "mcp:a", "delete_users_batch", "h1"},
		{"other caller", good, "mcp:b", "delete_users_batch", "h1"},
		{"other operation", good, "mcp:a", "delete_roles", "h1"},
		{"other arguments", good, "mcp:a", "delete_users_batch", "h2"},
	}
	for _, tt := range tests {
		if err := c.verify(tt.state, tt.caller, tt.op, tt.hash); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
	if err := c.verify(good, "mcp:a", "delete_users_batch", "h1"); err != nil {
		t.Fatalf("valid state refused: %v", err)
	}
	if err := c.verify(good, "mcp:a", "delete_users_batch", "h1"); err == nil {
		t.Fatal("a state was accepted twice")
	}
	late, _ := c.sign("mcp:a", "delete_users_batch", "h1")
	now = now.Add(confirmTTL + time.Second)
	if err := c.verify(late, "mcp:a", "delete_users_batch", "h1"); err == nil {
		t.Fatal("an expired state was accepted")
	}
}

func TestApprovalFlow(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{caller: "mcp:ops-bot", testPolicy: true})
	c := f.client(t)
	id := f.userID(t, "erin")
	res, err := call(t, c, "delete_users_batch", map[string]any{"userIds": []string{id}, "confirm": true})
	if err != nil {
		t.Fatal(err)
	}
	st := structured(t, res)
	if res.IsError || st["status"] != "pending_approval" {
		t.Fatalf("want pending_approval: %s", text(res))
	}
	approvalID, _ := st["approval_id"].(string)
	if approvalID == "" || !strings.Contains(text(res), approvalID) || !strings.Contains(text(res), "approval_status") {
		t.Fatalf("approval id not in %s", text(res))
	}
	if f.sandbox.Calls("delete_users_batch") != 0 {
		t.Fatal("ran before approval")
	}
	status := func(c *client.Client) *mcp.CallToolResult {
		t.Helper()
		r, err := call(t, c, "approval_status", map[string]any{"approval_id": approvalID})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := status(c); r.IsError || structured(t, r)["state"] != "pending" {
		t.Fatalf("status: %s", text(r))
	}
	// Another MCP client cannot see it.
	stranger := newFixtureSharing(t, f, "mcp:claude-desktop").client(t)
	if r := status(stranger); !r.IsError {
		t.Fatalf("a stranger sees the approval: %s", text(r))
	}
	// An admin approves from the CLI; the call runs.
	ares, err := f.gate.Approve(context.Background(), gate.Approver{Caller: "cli:alice", Surface: audit.SurfaceCLI}, approvalID)
	if err != nil || ares.Status != gate.StatusSucceeded {
		t.Fatalf("approve: %v %+v", err, ares)
	}
	r := status(c)
	if structured(t, r)["state"] != "executed" || !strings.Contains(text(r), "succeeded") {
		t.Fatalf("status after approval: %s", text(r))
	}
	// The audit tool shows the caller its own records.
	q, err := call(t, c, "audit_query", map[string]any{"limit": 10})
	if err != nil {
		t.Fatal(err)
	}
	if q.IsError || !strings.Contains(text(q), "approval_requested") {
		t.Fatalf("audit_query: %s", text(q))
	}
}
