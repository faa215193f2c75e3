package slackbot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/seed-afc46a91/authingops/audit"
)

// startSocketMode runs the bot's Socket Mode loop against the fake Slack
// until the test ends.
func (e *env) startSocketMode() {
	e.t.Helper()
	api := slack.New(fakeBotToken, slack.OptionAppLevelToken(fakeAppToken), slack.OptionAPIURL(e.slack.apiURL()))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.bot.RunSocketMode(ctx, api) }()
	e.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			e.t.Errorf("RunSocketMode: %v", err)
		}
	})
}

func slashPayload(user, text, hook, trigger string, e *env) map[string]any {
	return map[string]any{
		"team_id": "T1", "user_id": user, "user_name": "name-of-" + user, "channel_id": "COPS",
		"command": "/authing", "text": text, "response_url": e.slack.hookURL(hook), "trigger_id": trigger,
	}
}

// Socket Mode shares the dispatcher: the ack carries the answer, a
// redelivered envelope runs once, and approval clicks work as over HTTP.
func TestSocketMode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	e.startSocketMode()

	e.slack.sendEnvelope("slash_commands", "env-help", slashPayload("U3", "help users", "sm-help", "tr-help", e))
	if ack := e.slack.ackFor("env-help"); !strings.Contains(string(ack.Payload), "list_users") {
		t.Errorf("help ack payload = %s", ack.Payload)
	}

	erin := e.userID("erin")
	cmd := slashPayload("U1", "update_user userId="+erin+" status=Suspended", "sm-upd", "tr-upd", e)
	e.slack.sendEnvelope("slash_commands", "env-upd", cmd)
	e.slack.sendEnvelope("slash_commands", "env-upd", cmd) // redelivery
	ack := e.slack.ackFor("env-upd")
	var msg slack.Msg
	if err := json.Unmarshal(ack.Payload, &msg); err != nil {
		t.Fatalf("ack payload %s: %v", ack.Payload, err)
	}
	res := e.result(msg, "sm-upd")
	if !strings.Contains(msgText(res), "update_user") {
		t.Errorf("result = %s", msgText(res))
	}
	e.slack.wait(func() bool {
		n := 0
		for _, a := range e.slack.acks {
			if a.EnvelopeID == "env-upd" {
				n++
			}
		}
		return n == 2
	})
	recs := e.records("update_user")
	if len(recs) != 2 || recs[0].Transport != TransportSocketMode {
		t.Fatalf("update_user records: %d (%v)", len(recs), phases(recs))
	}

	e.slack.sendEnvelope("slash_commands", "env-del", slashPayload("U2", `delete_users_batch userIds='["`+erin+`"]'`, "sm-del", "tr-del", e))
	e.slack.ackFor("env-del")
	m := e.approvalMessage(1)
	list, err := e.store.ListApprovals(context.Background(), audit.ApprovalFilter{State: audit.StatePending})
	if err != nil || len(list) != 1 {
		t.Fatalf("pending: %v %d", err, len(list))
	}
	var click map[string]any
	raw := e.clickPayload("U1", ActionApprove, list[0].ID, m, "sm-click")
	body, _ := urlValue(raw, "payload")
	if err := json.Unmarshal([]byte(body), &click); err != nil {
		t.Fatal(err)
	}
	e.slack.sendEnvelope("interactive", "env-click", click)
	e.slack.ackFor("env-click")
	if done := e.waitUpdated(m); !strings.Contains(done.Blocks, "Approved") {
		t.Errorf("updated message = %s", done.Blocks)
	}
	for _, r := range e.records("delete_users_batch") {
		if r.Phase == audit.PhaseApproved && r.Transport != TransportSocketMode {
			t.Errorf("approval recorded with transport %q", r.Transport)
		}
	}
}
