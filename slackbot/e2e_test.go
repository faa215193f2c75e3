package slackbot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing/authingtest"
)

// A signed command runs through the gate to the sandbox, is audited with
// the Slack identity and channel, and its result reaches the user; the
// password typed in it appears nowhere.
func TestCommandEndToEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	erin := e.userID("erin")
	const typed = "Typed-Secret-Passw0rd!"
	ack, hook := e.command("U1", `update_user userId=`+erin+` name="Erin Fixed" status=Activated password=`+typed)
	res := e.result(ack, hook)
	if got := msgText(res); !strings.Contains(got, ":white_check_mark:") || !strings.Contains(got, "Erin Fixed") {
		t.Fatalf("result = %s", got)
	}
	if res.ResponseType != "ephemeral" {
		t.Errorf("response_type = %q, want ephemeral", res.ResponseType)
	}
	if n := e.sandbox.Calls("update_user"); n != 1 {
		t.Errorf("sandbox saw %d update_user calls, want 1", n)
	}
	recs := e.records("update_user")
	if got := strings.Join(phases(recs), ","); got != "executing,succeeded" {
		t.Fatalf("audit phases = %s", got)
	}
	for _, r := range recs {
		if r.Caller != "slack:T1/U1" || r.Surface != audit.SurfaceSlack || r.Transport != TransportHTTP || r.Origin.Channel != "COPS" || r.Origin.Team != "T1" {
			t.Errorf("record %s: caller %q surface %q transport %q origin %+v", r.Phase, r.Caller, r.Surface, r.Transport, r.Origin)
		}
		raw, _ := json.Marshal(r)
		if strings.Contains(string(raw), typed) {
			t.Errorf("audit record %s holds the typed password", r.Phase)
		}
	}
	if strings.Contains(e.slack.allText()+msgText(ack), typed) {
		t.Error("the typed password was echoed to Slack")
	}
}

// Lists render as compact rows with the total and the next page.
func TestListRendering(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ack, hook := e.command("U3", "list_users options.pagination.limit=2")
	got := msgText(e.result(ack, hook))
	for _, want := range []string{"Alice Admin", "alice@sandbox.example", "Showing 1–2 of 5", "options.pagination.page=2"} {
		if !strings.Contains(got, want) {
			t.Errorf("list answer lacks %q: %s", want, got)
		}
	}
}

// Commands that cannot run say why, ephemerally, without touching Authing.
func TestCommandRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	erin := e.userID("erin")
	tests := []struct {
		name, user, text string
		want             []string
	}{
		{"reader may not write", "U3", "update_user userId=" + erin + " status=Suspended", []string{"Denied by policy"}},
		{"unknown caller", "U9", "list_users", []string{"Denied by policy"}},
		{"unknown operation", "U1", "list_user", []string{"unknown operation", "list_users"}},
		{"unknown field", "U1", "update_user userId=x colour=red", []string{"colour", "valid fields", "Fields", "Example"}},
		{"missing required field", "U1", "update_user name=x", []string{"userId"}},
		{"help overview", "U3", "help", []string{"operations in", "categories"}},
		{"help category", "U3", "help users", []string{"list_users", "delete_users_batch"}},
		{"help operation", "U3", "help update_user", []string{"userId", "required", "Example"}},
		{"dry run", "U1", "update_user userId=" + erin + " status=Suspended password=hunter2hunter2 --dry-run", []string{"Dry run", "/api/v3/update-user"}},
	}
	for _, tt := range tests {
		ack, hook := e.command(tt.user, tt.text)
		got := msgText(e.result(ack, hook))
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: answer lacks %q: %s", tt.name, w, got)
			}
		}
		if strings.Contains(got, "hunter2hunter2") {
			t.Errorf("%s: a typed password was echoed", tt.name)
		}
	}
	if n := e.sandbox.Calls("update_user"); n != 0 {
		t.Errorf("sandbox saw %d update_user calls, want 0", n)
	}
}

// With Authing slowed to 10 s, the command is acknowledged with "working"
// before Authing answers, and the result follows on response_url.
func TestSlowUpstreamAcknowledgedAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	if _, err := e.sandbox.Faults().Add(authingtest.Fault{Kind: authingtest.FaultLatency, Operation: "list_users", LatencyMS: 10_000}); err != nil {
		t.Fatal(err)
	}
	ack, hook := e.command("U3", "list_users")
	if got := msgText(ack); !strings.Contains(got, "Running `list_users`") {
		t.Fatalf("acknowledgement = %s, want the working message", got)
	}
	if n := len(e.slack.responsesTo(hook)); n != 0 {
		t.Fatalf("%d results delivered before Authing answered", n)
	}
	res := e.slack.waitResponse(hook, 1)
	if got := msgText(res.Msg); !strings.Contains(got, "Alice Admin") || !res.Msg.ReplaceOriginal {
		t.Fatalf("delayed result = %s", got)
	}
}

// /authing audit shows the caller's own records to a reader and everyone's
// to an admin; /authing approvals lists what is pending.
func TestAuditAndApprovalsCommands(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	erin := e.userID("erin")
	ack, hook := e.command("U1", "update_user userId="+erin+" status=Suspended")
	e.result(ack, hook)
	ack, hook = e.command("U2", `delete_users_batch userIds='["`+erin+`"]'`)
	e.result(ack, hook)

	ack, hook = e.command("U2", "audit op=update_user")
	if got := msgText(e.result(ack, hook)); !strings.Contains(got, "update_user") || !strings.Contains(got, "<@U1>") {
		t.Errorf("admin's audit view = %s", got)
	}
	ack, hook = e.command("U3", "audit op=update_user")
	if got := msgText(e.result(ack, hook)); strings.Contains(got, "<@U1>") {
		t.Errorf("a reader sees others' records: %s", got)
	}
	ack, hook = e.command("U1", "approvals")
	got := msgText(e.result(ack, hook))
	if !strings.Contains(got, "delete_users_batch") || !strings.Contains(got, ActionApprove) {
		t.Errorf("approvals for another admin = %s", got)
	}
	ack, hook = e.command("U1", "audit since=banana")
	if got := msgText(e.result(ack, hook)); !strings.Contains(got, "since") {
		t.Errorf("bad audit filter answer = %s", got)
	}
}

// Shutdown lets a call in flight finish and deliver its result.
func TestShutdownFinishesInFlightCalls(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{ackWait: time.Millisecond})
	if _, err := e.sandbox.Faults().Add(authingtest.Fault{Kind: authingtest.FaultLatency, Operation: "list_users", LatencyMS: 300}); err != nil {
		t.Fatal(err)
	}
	ack, hook := e.command("U3", "list_users")
	if !strings.Contains(msgText(ack), "Running") {
		t.Fatalf("ack = %s", msgText(ack))
	}
	e.bot.Shutdown(context.Background())
	if got := e.slack.responsesTo(hook); len(got) != 1 || !strings.Contains(msgText(got[0].Msg), "Alice Admin") {
		t.Fatalf("after Shutdown, %d results delivered", len(got))
	}
}
