package slackbot

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/gate"
	"github.com/seed-afc46a91/authingops/policy"
)

// approvalMessage waits for the n-th message in the approvals channel.
func (e *env) approvalMessage(n int) fakeMessage {
	e.t.Helper()
	e.slack.wait(func() bool {
		c := 0
		for _, m := range e.slack.messages {
			if m.Channel == approvalsChannel {
				c++
			}
		}
		return c >= n
	})
	return e.slack.messagesIn(approvalsChannel)[n-1]
}

// waitUpdated waits until the message was updated at least once and returns it.
func (e *env) waitUpdated(m fakeMessage) fakeMessage {
	e.t.Helper()
	e.slack.wait(func() bool {
		for _, x := range e.slack.messages {
			if x.TS == m.TS && x.Updates > 0 {
				return true
			}
		}
		return false
	})
	for _, x := range e.slack.messagesIn(m.Channel) {
		if x.TS == m.TS {
			return x
		}
	}
	return m
}

// pendingID returns the only pending approval.
func (e *env) pendingID() string {
	e.t.Helper()
	list, err := e.store.ListApprovals(context.Background(), audit.ApprovalFilter{State: audit.StatePending})
	if err != nil || len(list) != 1 {
		e.t.Fatalf("pending approvals: %v, %d", err, len(list))
	}
	return list[0].ID
}

// The approval flow in Slack: a delete asked by one admin is posted with
// buttons; the requester's own click and a reader's click are refused; a
// second admin's click runs it once, updates the message and tells the
// requester; a later click is refused; every step is audited.
func TestApprovalFlowEndToEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	erin := e.userID("erin")
	ack, hook := e.command("U2", `delete_users_batch userIds='["`+erin+`"]'`)
	if got := msgText(e.result(ack, hook)); !strings.Contains(got, "Needs a second admin") || !strings.Contains(got, "<#"+approvalsChannel+">") {
		t.Fatalf("requester's answer = %s", got)
	}
	id := e.pendingID()
	m := e.approvalMessage(1)
	for _, want := range []string{"delete_users_batch", "<@U2>", erin, ActionApprove, ActionDeny, `"confirm"`, id} {
		if !strings.Contains(m.Blocks, want) {
			t.Errorf("approval message lacks %q: %s", want, m.Blocks)
		}
	}

	refusals := []struct{ user, want string }{
		{"U2", "cannot approve your own request"},
		{"U3", "does not let you decide"},
	}
	for _, r := range refusals {
		h := e.click(r.user, ActionApprove, id, m)
		got := e.slack.waitResponse(h, 1).Msg
		if !strings.Contains(msgText(got), r.want) || got.ResponseType != "ephemeral" || got.ReplaceOriginal {
			t.Errorf("click by %s answered %s", r.user, msgText(got))
		}
	}
	if n := e.sandbox.Calls("delete_users_batch"); n != 0 {
		t.Fatalf("ran %d times before a valid approval", n)
	}

	e.click("U1", ActionApprove, id, m)
	done := e.waitUpdated(m)
	if !strings.Contains(done.Blocks, "Approved") || !strings.Contains(done.Blocks, "<@U1>") || strings.Contains(done.Blocks, ActionApprove) {
		t.Errorf("updated message = %s", done.Blocks)
	}
	e.slack.wait(func() bool {
		for _, x := range e.slack.messages {
			if x.Channel == "U2" {
				return true
			}
		}
		return false
	})
	if dm := e.slack.messagesIn("U2"); !strings.Contains(dm[0].Blocks, "succeeded") {
		t.Errorf("requester's DM = %s", dm[0].Blocks)
	}
	if n := e.sandbox.Calls("delete_users_batch"); n != 1 {
		t.Errorf("ran %d times, want 1", n)
	}

	h := e.click("U1", ActionApprove, id, m)
	if got := msgText(e.slack.waitResponse(h, 1).Msg); !strings.Contains(got, "already decided") {
		t.Errorf("second click answered %s", got)
	}
	if n := e.sandbox.Calls("delete_users_batch"); n != 1 {
		t.Errorf("ran %d times after a second click, want 1", n)
	}
	recs := e.records("delete_users_batch")
	var trail []string
	for _, r := range recs {
		trail = append(trail, string(r.Phase)+"/"+r.Caller+"/"+r.ErrorClass)
	}
	want := []string{
		"approval_requested/slack:T1/U2/",
		"denied/slack:T1/U2/self_approval",
		"denied/slack:T1/U3/not_permitted",
		"approved/slack:T1/U2/",
		"executing/slack:T1/U2/",
		"succeeded/slack:T1/U2/",
		"denied/slack:T1/U1/approval_closed",
	}
	if strings.Join(trail, " ") != strings.Join(want, " ") {
		t.Errorf("audit trail:\n got %v\nwant %v", trail, want)
	}
}

// Deny closes the approval without running it and updates the message.
func TestApprovalDenied(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	erin := e.userID("erin")
	ack, hook := e.command("U2", `delete_users_batch userIds='["`+erin+`"]'`)
	e.result(ack, hook)
	id := e.pendingID()
	m := e.approvalMessage(1)
	e.click("U1", ActionDeny, id, m)
	done := e.waitUpdated(m)
	if !strings.Contains(done.Blocks, "Denied") || strings.Contains(done.Blocks, ActionApprove) {
		t.Errorf("updated message = %s", done.Blocks)
	}
	if n := e.sandbox.Calls("delete_users_batch"); n != 0 {
		t.Errorf("a denied call ran %d times", n)
	}
}

// An approval asked over MCP is posted to Slack and approved there.
func TestMCPRequestApprovedInSlack(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{policies: []policy.File{{Name: "test.cedar", Data: []byte(`
@id("read") permit (principal, action in Action::"read", resource);
@id("assistants-create-with-approval")
permit (principal in Group::"assistants", action == Action::"create_user", resource)
when { context.approvals >= 1 };
@id("admins-approve") permit (principal in Group::"admins", action == Action::"approve", resource);
`)}}})
	res, err := e.gate.Execute(context.Background(), gate.Call{
		Caller: "mcp:claude-desktop", Surface: audit.SurfaceMCP, Transport: "stdio",
		Operation: "create_user", Args: json.RawMessage(`{"username":"newbie","password":"Mcp-Typed-Secret-1"}`),
	})
	if err != nil || res.Status != gate.StatusPendingApproval {
		t.Fatalf("Execute = %v, %v", res, err)
	}
	m := e.approvalMessage(1)
	if !strings.Contains(m.Blocks, "mcp:claude-desktop") || !strings.Contains(m.Blocks, "via mcp") {
		t.Errorf("approval message = %s", m.Blocks)
	}
	e.click("U2", ActionApprove, res.Approval.ID, m)
	done := e.waitUpdated(m)
	if !strings.Contains(done.Blocks, "Approved") {
		t.Errorf("updated message = %s", done.Blocks)
	}
	if n := e.sandbox.Calls("create_user"); n != 1 {
		t.Errorf("create_user ran %d times", n)
	}
	if strings.Contains(e.slack.allText(), "Mcp-Typed-Secret-1") {
		t.Error("the password of the MCP request reached Slack")
	}
}

// A message whose approval was decided elsewhere (by the CLI, on a replica
// that did not post it) is brought up to date by the next click on it.
func TestStaleMessageRefreshedOnClick(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	erin := e.userID("erin")
	e.command("U2", `delete_users_batch userIds='["`+erin+`"]'`)
	id := e.pendingID()
	m := e.approvalMessage(1)
	e.bot.msgs.take(context.Background(), id) // as if another process had posted it
	res, err := e.gate.Approve(context.Background(), gate.Approver{Caller: "cli:alice", Surface: audit.SurfaceCLI, Transport: "cli"}, id)
	if err != nil || res.Status != gate.StatusSucceeded {
		t.Fatalf("Approve = %+v, %v", res, err)
	}
	h := e.click("U1", ActionApprove, id, m)
	if got := msgText(e.slack.waitResponse(h, 1).Msg); !strings.Contains(got, "already decided") {
		t.Errorf("clicker's answer = %s", got)
	}
	if got := e.waitUpdated(m); !strings.Contains(got.Blocks, "Approved") || !strings.Contains(got.Blocks, "cli:alice") || strings.Contains(got.Blocks, ActionApprove) {
		t.Errorf("refreshed message = %s", got.Blocks)
	}
}

// An approval that expires is marked so; without a known message (another
// replica posted it, or a restart) a fresh message says so.
func TestApprovalExpired(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := newEnv(t, envOptions{clock: clock})
	for _, u := range []string{"erin", "dave"} {
		e.command("U2", `delete_users_batch userIds='["`+e.userID(u)+`"]'`)
	}
	e.approvalMessage(2)
	list, _ := e.store.ListApprovals(context.Background(), audit.ApprovalFilter{State: audit.StatePending})
	if len(list) != 2 {
		t.Fatalf("%d pending approvals", len(list))
	}
	known, forgotten := list[0].ID, list[1].ID
	var first fakeMessage
	for _, m := range e.slack.messagesIn(approvalsChannel) {
		if strings.Contains(m.Blocks, known) {
			first = m
		}
	}
	// Forget the other message, as a restarted process would.
	e.bot.msgs.take(context.Background(), forgotten)

	mu.Lock()
	now = now.Add(time.Hour)
	mu.Unlock()
	if n, err := e.gate.ExpireDue(context.Background()); err != nil || n != 2 {
		t.Fatalf("ExpireDue = %d, %v", n, err)
	}
	if got := e.waitUpdated(first); !strings.Contains(got.Blocks, "Expired") || strings.Contains(got.Blocks, ActionApprove) {
		t.Errorf("expired message = %s", got.Blocks)
	}
	fresh := e.approvalMessage(3)
	if !strings.Contains(fresh.Blocks, "Expired") || !strings.Contains(fresh.Blocks, forgotten) {
		t.Errorf("fresh message = %s", fresh.Blocks)
	}
}

// A click in the ephemeral /authing approvals list decides the approval,
// updates the channel message, and answers the clicker in place.
func TestApproveFromApprovalsList(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	erin := e.userID("erin")
	e.command("U2", `delete_users_batch userIds='["`+erin+`"]'`)
	id := e.pendingID()
	posted := e.approvalMessage(1)
	ack, hook := e.command("U1", "approvals")
	if got := msgText(e.result(ack, hook)); !strings.Contains(got, id) {
		t.Fatalf("approvals list = %s", got)
	}
	h := "list-click"
	body := e.clickPayloadFrom("U1", ActionApprove, id, fakeMessage{Channel: "COPS", TS: "1700000009.000001"}, h, true)
	if status, out := e.signedPost(PathInteractions, body); status != 200 {
		t.Fatalf("click: HTTP %d %s", status, out)
	}
	if got := msgText(e.slack.waitResponse(h, 1).Msg); !strings.Contains(got, "Approved") {
		t.Errorf("clicker's answer = %s", got)
	}
	if done := e.waitUpdated(posted); !strings.Contains(done.Blocks, "Approved") {
		t.Errorf("channel message = %s", done.Blocks)
	}
}
