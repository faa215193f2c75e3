package slackbot

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/authing/authingtest"
)

func blocksJSON(blocks []slack.Block) string {
	return msgText(slack.Msg{Blocks: slack.Blocks{BlockSet: blocks}})
}

// Results render by shape; secret-looking fields are redacted, Slack
// control characters escaped, long output truncated with a count, and no
// message exceeds Slack's block limits.
func TestValueRendering(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	listUsers, _ := authing.LookupOperation("list_users")
	getApp, _ := authing.LookupOperation("get_application")
	many := make([]any, 60)
	for i := range many {
		many[i] = map[string]any{"userId": fmt.Sprintf("u%02d", i), "name": fmt.Sprintf("User %d", i), "status": "Activated"}
	}
	big := map[string]any{}
	for i := range 30 {
		big[fmt.Sprintf("field%02d", i)] = i
	}
	tests := []struct {
		name    string
		op      *authing.Operation
		args    string
		value   any
		want    []string
		notWant []string
	}{
		{"list with paging", listUsers, `{"options":{"pagination":{"page":2,"limit":2}}}`,
			map[string]any{"totalCount": 5, "list": []any{
				map[string]any{"userId": "u3", "name": "Carol", "username": "carol", "email": "c@x", "phone": "1", "status": "Suspended"},
				map[string]any{"userId": "u4", "name": "Dave"},
			}},
			[]string{"*Carol* · carol · c@x · 1 · Suspended · `u3`", "Showing 3–4 of 5", "options.pagination.page=3"}, nil},
		{"last page has no next", listUsers, `{"options":{"pagination":{"page":3,"limit":2}}}`,
			map[string]any{"totalCount": 5, "list": []any{map[string]any{"userId": "u5", "name": "Erin"}}},
			[]string{"Showing 5–5 of 5"}, []string{"Next page"}},
		{"long list truncated", listUsers, `{}`, map[string]any{"totalCount": 60, "list": many},
			[]string{"User 24", "35 more rows of this page not shown"}, []string{"User 25"}},
		{"object as fields with secrets redacted", getApp, `{}`,
			map[string]any{"appId": "a1", "appName": "<!channel> portal", "appSecret": "Sup3r-S3cret-Value-123", "oidcConfig": map[string]any{"clientSecret": "Another-S3cret-Value"}},
			[]string{"*appId*", "&lt;!channel&gt; portal"}, []string{"Sup3r-S3cret-Value-123", "Another-S3cret-Value", "<!channel>"}},
		{"object with many fields", getApp, `{}`, big, []string{"10 more fields not shown"}, nil},
		{"empty", getApp, `{}`, nil, []string{"no data"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			blocks := e.bot.valueBlocks(tt.op, json.RawMessage(tt.args), tt.value)
			got := blocksJSON(blocks)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q: %s", w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("holds %q: %s", w, got)
				}
			}
			if len(blocks) > maxBlocks {
				t.Errorf("%d blocks", len(blocks))
			}
		})
	}
}

// A failed call shows the fixed message of its class, Authing's message
// and the request id.
func TestFailedCallMessage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	if _, err := e.sandbox.Faults().Add(authingtest.Fault{Kind: authingtest.FaultEnvelope, Operation: "list_users", StatusCode: 429}); err != nil {
		t.Fatal(err)
	}
	ack, hook := e.command("U3", "list_users")
	got := msgText(e.result(ack, hook))
	for _, w := range []string{"`list_users` failed", classMessages["rate_limited"], "request id"} {
		if !strings.Contains(got, w) {
			t.Errorf("failure answer lacks %q: %s", w, got)
		}
	}
}

func TestCodeBlockTruncates(t *testing.T) {
	t.Parallel()
	got := blocksJSON([]slack.Block{codeBlock(strings.Repeat("x", 5000))})
	if !strings.Contains(got, "more characters") || len(got) > maxSectionText+300 {
		t.Errorf("code block of %d bytes: %.100s", len(got), got)
	}
}
