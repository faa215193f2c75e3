package slackbot

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/authing/authingtest"
	policies "github.com/seed-afc46a91/authingops/examples/policies"
	"github.com/seed-afc46a91/authingops/gate"
	"github.com/seed-afc46a91/authingops/policy"
)

// testSecret is the signing secret of Slack's documented example.
const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// approvalsChannel is the approvals channel of the test app.
const approvalsChannel = "CAPPROVALS"

// env is one deployment under test: the sandbox, an audit store, the
// starter policies (or others), the gate, the bot on an httptest server,
// and a fake Slack.
type env struct {
	t       testing.TB
	slack   *fakeSlack
	sandbox *authingtest.Server
	client  *authing.Client
	store   audit.Store
	gate    *gate.Gate
	bot     *Bot
	srv     *httptest.Server
	n       atomic.Int64
}

type envOptions struct {
	// policies replaces the starter policies (the starter entities stay).
	policies []policy.File
	ackWait  time.Duration
	// clientTimeout bounds each Authing attempt (default 30 s, so that a
	// 10 s injected latency is not a timeout).
	clientTimeout time.Duration
	// clock replaces the gate's clock (approval expiry).
	clock func() time.Time
}

func newEnv(t testing.TB, o envOptions) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, slack: newFakeSlack(t)}
	var err error
	if e.sandbox, err = authingtest.NewServer(authingtest.Options{Seed: authingtest.SeedDemo}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.sandbox.Close() })
	if o.clientTimeout == 0 {
		o.clientTimeout = 30 * time.Second
	}
	creds := e.sandbox.Credentials()
	if e.client, err = authing.NewClient(authing.Options{AccessKeyID: creds.AccessKeyID, AccessKeySecret: creds.AccessKeySecret, Host: creds.Host, Timeout: o.clientTimeout}); err != nil {
		t.Fatal(err)
	}
	if e.store, err = audit.Open(ctx, filepath.Join(t.TempDir(), "audit.db")); err != nil {
		t.Fatal(err)
	}
	schema, err := policy.CatalogSchema()
	if err != nil {
		t.Fatal(err)
	}
	src := policy.FromFS(policies.Starter, ".", policies.StarterEntities)
	if o.policies != nil {
		ents, err := policies.Starter.ReadFile(policies.StarterEntities)
		if err != nil {
			t.Fatal(err)
		}
		src = policy.FromFiles(o.policies, &policy.File{Name: policies.StarterEntities, Data: ents})
	}
	eng, err := policy.NewEngine(schema, src, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if e.gate, err = gate.New(gate.Options{Client: e.client, Policy: eng, Store: e.store, SecretKey: []byte(strings.Repeat("k", 32)), Clock: o.clock}); err != nil {
		t.Fatal(err)
	}
	api := slack.New(fakeBotToken, slack.OptionAPIURL(e.slack.apiURL()))
	e.bot, err = New(ctx, Config{
		Gate: e.gate, Policy: eng, API: api, ApprovalsChannel: approvalsChannel,
		AckWait: o.ackWait, Logger: zerolog.New(io.Discard),
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	e.bot.Mount(mux, NewVerifier(testSecret, 0, nil))
	e.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		e.srv.Close()
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		e.bot.Shutdown(sctx)
		_ = e.store.Close()
	})
	return e
}

// signedPost posts a form body to the bot, signed now with testSecret.
func (e *env) signedPost(path, body string) (int, []byte) {
	e.t.Helper()
	ts := time.Now().Unix()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(testSecret, ts, []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// commandForm is the body Slack sends for `/authing text` by user in T1.
func (e *env) commandForm(user, text, hook string) string {
	return url.Values{
		"team_id": {"T1"}, "team_domain": {"acme"}, "channel_id": {"COPS"}, "channel_name": {"ops"},
		"user_id": {user}, "user_name": {"name-of-" + user}, "command": {"/authing"}, "text": {text},
		"response_url": {e.slack.hookURL(hook)}, "trigger_id": {fmt.Sprintf("trigger-%d", e.n.Add(1))},
		"api_app_id": {"A1"},
	}.Encode()
}

// command runs `/authing text` as user and returns the acknowledgement and
// the name of the response_url hook later answers go to.
func (e *env) command(user, text string) (ack slack.Msg, hook string) {
	e.t.Helper()
	hook = fmt.Sprintf("cmd-%d", e.n.Add(1))
	status, body := e.signedPost(PathCommands, e.commandForm(user, text, hook))
	if status != http.StatusOK {
		e.t.Fatalf("/authing %s: HTTP %d: %s", text, status, body)
	}
	if err := json.Unmarshal(body, &ack); err != nil {
		e.t.Fatalf("/authing %s: answer is not a message: %v", text, err)
	}
	return ack, hook
}

// result returns the message carrying a command's result: the
// acknowledgement when it had it, else the first response_url post.
func (e *env) result(ack slack.Msg, hook string) slack.Msg {
	e.t.Helper()
	if !strings.Contains(msgText(ack), ":hourglass_flowing_sand:") {
		return ack
	}
	return e.slack.waitResponse(hook, 1).Msg
}

// clickPayload is the interaction Slack sends when user clicks action on
// the approval message m.
func (e *env) clickPayload(user, action, approvalID string, m fakeMessage, hook string) string {
	return e.clickPayloadFrom(user, action, approvalID, m, hook, false)
}

// clickPayloadFrom is clickPayload, from an ephemeral message when
// ephemeral is set (the /authing approvals list).
func (e *env) clickPayloadFrom(user, action, approvalID string, m fakeMessage, hook string, ephemeral bool) string {
	cb := map[string]any{
		"type":         "block_actions",
		"team":         map[string]any{"id": "T1", "domain": "acme"},
		"user":         map[string]any{"id": user, "name": "name-of-" + user, "team_id": "T1"},
		"api_app_id":   "A1",
		"trigger_id":   fmt.Sprintf("click-%d", e.n.Add(1)),
		"response_url": e.slack.hookURL(hook),
		"container":    map[string]any{"type": "message", "message_ts": m.TS, "channel_id": m.Channel, "is_ephemeral": ephemeral},
		"channel":      map[string]any{"id": m.Channel, "name": "approvals"},
		"message":      map[string]any{"ts": m.TS, "type": "message"},
		"actions": []any{map[string]any{
			"action_id": action, "block_id": approvalBlock + ":" + approvalID, "value": approvalID,
			"type": "button", "action_ts": "1700000001.000001",
		}},
	}
	raw, err := json.Marshal(cb)
	if err != nil {
		e.t.Fatal(err)
	}
	return url.Values{"payload": {string(raw)}}.Encode()
}

// click sends a signed button click and returns the hook the bot answers
// the clicker on.
func (e *env) click(user, action, approvalID string, m fakeMessage) string {
	e.t.Helper()
	hook := fmt.Sprintf("click-%d", e.n.Add(1))
	if status, body := e.signedPost(PathInteractions, e.clickPayload(user, action, approvalID, m, hook)); status != http.StatusOK {
		e.t.Fatalf("click: HTTP %d: %s", status, body)
	}
	return hook
}

// userID finds a demo user's id in the sandbox.
func (e *env) userID(username string) string {
	e.t.Helper()
	op, _ := authing.LookupOperation("list_users")
	v, err := op.Invoke(context.Background(), e.client, json.RawMessage(`{"options":{"pagination":{"limit":50}}}`))
	if err != nil {
		e.t.Fatal(err)
	}
	raw, _ := json.Marshal(v)
	var doc struct {
		List []struct {
			UserID   string `json:"userId"`
			Username string `json:"username"`
		} `json:"list"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		e.t.Fatal(err)
	}
	for _, u := range doc.List {
		if u.Username == username {
			return u.UserID
		}
	}
	e.t.Fatalf("no demo user %q in %.600s", username, raw)
	return ""
}

// records returns the audit records of an operation, oldest first.
func (e *env) records(op string) []audit.Record {
	e.t.Helper()
	recs, err := e.store.Query(context.Background(), audit.Filter{Operation: op})
	if err != nil {
		e.t.Fatal(err)
	}
	return recs
}

// phases lists the phases of records.
func phases(recs []audit.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, string(r.Phase))
	}
	return out
}

// msgText is all the text of a message (fallback and blocks) as JSON.
func msgText(m slack.Msg) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(m)
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(b.String())
}

// urlValue reads one field of a form body.
func urlValue(body, key string) (string, error) {
	v, err := url.ParseQuery(body)
	if err != nil {
		return "", err
	}
	return v.Get(key), nil
}
