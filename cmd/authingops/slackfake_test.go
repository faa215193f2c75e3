package main

// A small stateful Slack for the process tests: the Web API calls the bot
// makes (chat.postMessage, chat.update), response_url hooks, and signed
// requests to a replica's /slack endpoints as Slack sends them.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed-afc46a91/authingops/slackbot"
)

// Settings of the fake Slack app, shared by every replica.
const (
	fakeSigningSecret = "replica-test-signing-secret-0123456789"
	fakeBotToken      = "xoxb-replica-test-bot-token"
	fakeApprovals     = "CAPPROVALS"
)

// slackPost is one thing the bot sent to Slack.
type slackPost struct {
	Kind    string // "postMessage", "update" or "hook"
	Channel string
	TS      string
	Hook    string
	Body    string // text and blocks (Web API) or the JSON body (hooks)
}

type fakeSlackServer struct {
	srv   *httptest.Server
	mu    sync.Mutex
	posts []slackPost
	seq   int
	n     atomic.Int64
}

func newFakeSlackServer(t *testing.T) *fakeSlackServer {
	t.Helper()
	f := &fakeSlackServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/chat.postMessage", func(w http.ResponseWriter, r *http.Request) { f.webAPI(w, r, "postMessage") })
	mux.HandleFunc("POST /api/chat.update", func(w http.ResponseWriter, r *http.Request) { f.webAPI(w, r, "update") })
	mux.HandleFunc("POST /hooks/{id}", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.add(slackPost{Kind: "hook", Hook: r.PathValue("id"), Body: string(b)})
		w.WriteHeader(http.StatusOK)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSlackServer) add(p slackPost) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.posts = append(f.posts, p)
}

// webAPI answers chat.postMessage and chat.update (of any message: replicas
// learn message refs from clicks, the fake does not check them).
func (f *fakeSlackServer) webAPI(w http.ResponseWriter, r *http.Request, kind string) {
	w.Header().Set("Content-Type", "application/json")
	if r.Header.Get("Authorization") != "Bearer "+fakeBotToken && r.PostFormValue("token") != fakeBotToken {
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	p := slackPost{Kind: kind, Channel: r.PostFormValue("channel"), TS: r.PostFormValue("ts"), Body: r.PostFormValue("text") + "\n" + r.PostFormValue("blocks")}
	f.mu.Lock()
	if p.TS == "" {
		f.seq++
		p.TS = fmt.Sprintf("1700000000.%06d", f.seq)
	}
	f.posts = append(f.posts, p)
	f.mu.Unlock()
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": p.Channel, "ts": p.TS})
}

func (f *fakeSlackServer) apiURL() string { return f.srv.URL + "/api/" }

// newHook returns a fresh response_url and its name.
func (f *fakeSlackServer) newHook(prefix string) (name, u string) {
	name = fmt.Sprintf("%s-%d", prefix, f.n.Add(1))
	return name, f.srv.URL + "/hooks/" + name
}

// waitPost waits until a post matches and returns it.
func (f *fakeSlackServer) waitPost(t *testing.T, what string, match func(slackPost) bool) slackPost {
	t.Helper()
	deadline := time.Now().Add(procTimeout)
	for time.Now().Before(deadline) {
		f.mu.Lock()
		for _, p := range f.posts {
			if match(p) {
				f.mu.Unlock()
				return p
			}
		}
		f.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("Slack never received %s; it got %d posts", what, len(f.all()))
	return slackPost{}
}

func (f *fakeSlackServer) all() []slackPost {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]slackPost(nil), f.posts...)
}

// hookPosts returns what was posted to one response_url.
func (f *fakeSlackServer) hookPosts(name string) []slackPost {
	var out []slackPost
	for _, p := range f.all() {
		if p.Kind == "hook" && p.Hook == name {
			out = append(out, p)
		}
	}
	return out
}

var approvalIDRe = regexp.MustCompile(`authingops_approval:([0-9a-f-]{36})`)

// approvalPosted waits for the approval request message in the approvals
// channel and returns the approval id and the message's ts.
func (f *fakeSlackServer) approvalPosted(t *testing.T) (id, ts string) {
	t.Helper()
	p := f.waitPost(t, "an approval request", func(p slackPost) bool {
		return p.Kind == "postMessage" && p.Channel == fakeApprovals && approvalIDRe.MatchString(p.Body)
	})
	return approvalIDRe.FindStringSubmatch(p.Body)[1], p.TS
}

// slackSigned posts a form body to a replica as Slack does, signed now.
func slackSigned(t *testing.T, base, path string, form url.Values) (int, string) {
	t.Helper()
	body := form.Encode()
	req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Now().Unix()
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(slackbot.HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(slackbot.HeaderSignature, slackbot.Sign(fakeSigningSecret, ts, []byte(body)))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s%s: %v", base, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// slashCommand sends `/authing text` from user of team T1 to a replica and
// returns the acknowledgement.
func (f *fakeSlackServer) slashCommand(t *testing.T, base, user, text string) string {
	t.Helper()
	_, hook := f.newHook("cmd")
	code, body := slackSigned(t, base, slackbot.PathCommands, url.Values{
		"team_id": {"T1"}, "team_domain": {"acme"}, "channel_id": {"COPS"}, "channel_name": {"ops"},
		"user_id": {user}, "user_name": {"name-of-" + user}, "command": {"/authing"}, "text": {text},
		"response_url": {hook}, "trigger_id": {fmt.Sprintf("trigger-%d", f.n.Add(1))}, "api_app_id": {"A1"},
	})
	if code != http.StatusOK {
		t.Fatalf("/authing %s: HTTP %d: %s", text, code, body)
	}
	return body
}

// click sends user's click on the Approve button of approval id (on the
// message ts in the approvals channel) to a replica, and returns the name of
// the response_url the replica answers the clicker on.
func (f *fakeSlackServer) click(t *testing.T, base, user, id, ts string) string {
	t.Helper()
	name, hook := f.newHook("click-" + user)
	payload, err := json.Marshal(map[string]any{
		"type":         "block_actions",
		"team":         map[string]any{"id": "T1", "domain": "acme"},
		"user":         map[string]any{"id": user, "name": "name-of-" + user, "team_id": "T1"},
		"api_app_id":   "A1",
		"trigger_id":   fmt.Sprintf("click-%d", f.n.Add(1)),
		"response_url": hook,
		"container":    map[string]any{"type": "message", "message_ts": ts, "channel_id": fakeApprovals},
		"channel":      map[string]any{"id": fakeApprovals, "name": "approvals"},
		"message":      map[string]any{"ts": ts, "type": "message"},
		"actions": []any{map[string]any{
			"action_id": slackbot.ActionApprove, "block_id": "authingops_approval:" + id, "value": id,
			"type": "button", "action_ts": "1700000001.000001",
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	code, body := slackSigned(t, base, slackbot.PathInteractions, url.Values{"payload": {string(payload)}})
	if code != http.StatusOK {
		t.Fatalf("click by %s: HTTP %d: %s", user, code, body)
	}
	return name
}
