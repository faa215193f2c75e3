package slackbot

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
)

// Tokens the fake Slack accepts.
const (
	fakeBotToken = "xoxb-fake-bot-token"
	fakeAppToken = "xapp-fake-app-token"
)

// fakeMessage is a message the bot posted or updated with the Web API.
type fakeMessage struct {
	Channel, TS, Text string
	Blocks            string // the blocks as JSON
	Updates           int
}

// fakeResponse is a post to a response_url.
type fakeResponse struct {
	Hook string
	Msg  slack.Msg
	Raw  string
}

// fakeSlack is a stateful Slack on httptest: chat.postMessage, chat.update,
// response_url hooks, apps.connections.open and a Socket Mode WebSocket.
type fakeSlack struct {
	t   testing.TB
	srv *httptest.Server

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every change
	seq       int
	messages  []*fakeMessage // in posting order
	responses []fakeResponse
	acks      []socketAck
	ws        *websocket.Conn
	wsMu      sync.Mutex // serialises writes to ws
}

// socketAck is an acknowledgement the bot sent over the WebSocket.
type socketAck struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

func newFakeSlack(t testing.TB) *fakeSlack {
	f := &fakeSlack{t: t, changed: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/chat.postMessage", f.postMessage)
	mux.HandleFunc("POST /api/chat.update", f.update)
	mux.HandleFunc("POST /api/apps.connections.open", f.connectionsOpen)
	mux.HandleFunc("GET /ws", f.websocket)
	mux.HandleFunc("POST /hooks/{id}", f.hook)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.close)
	return f
}

func (f *fakeSlack) close() {
	f.mu.Lock()
	ws := f.ws
	f.mu.Unlock()
	if ws != nil {
		_ = ws.Close()
	}
	f.srv.Close()
}

// apiURL is the Web API base URL to give slack.OptionAPIURL.
func (f *fakeSlack) apiURL() string { return f.srv.URL + "/api/" }

// hookURL returns a fresh response_url.
func (f *fakeSlack) hookURL(name string) string { return f.srv.URL + "/hooks/" + name }

func (f *fakeSlack) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

func token(r *http.Request) string {
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return t
	}
	return r.PostFormValue("token")
}

// unescape undoes the HTML escaping encoding/json applies to < > &.
func unescape(s string) string {
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(s)
}

func writeSlackJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeSlack) postMessage(w http.ResponseWriter, r *http.Request) {
	if token(r) != fakeBotToken {
		writeSlackJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	m := &fakeMessage{Channel: r.PostFormValue("channel"), TS: fmt.Sprintf("1700000000.%06d", f.seq), Text: r.PostFormValue("text"), Blocks: unescape(r.PostFormValue("blocks"))}
	f.messages = append(f.messages, m)
	f.notify()
	writeSlackJSON(w, map[string]any{"ok": true, "channel": m.Channel, "ts": m.TS})
}

func (f *fakeSlack) update(w http.ResponseWriter, r *http.Request) {
	if token(r) != fakeBotToken {
		writeSlackJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ch, ts := r.PostFormValue("channel"), r.PostFormValue("ts")
	for _, m := range f.messages {
		if m.Channel == ch && m.TS == ts {
			m.Text, m.Blocks = r.PostFormValue("text"), unescape(r.PostFormValue("blocks"))
			m.Updates++
			f.notify()
			writeSlackJSON(w, map[string]any{"ok": true, "channel": ch, "ts": ts, "text": m.Text})
			return
		}
	}
	writeSlackJSON(w, map[string]any{"ok": false, "error": "message_not_found"})
}

func (f *fakeSlack) hook(w http.ResponseWriter, r *http.Request) {
	var raw strings.Builder
	var msg slack.Msg
	dec := json.NewDecoder(r.Body)
	var body json.RawMessage
	if err := dec.Decode(&body); err != nil || json.Unmarshal(body, &msg) != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	raw.Write(body)
	f.mu.Lock()
	f.responses = append(f.responses, fakeResponse{Hook: r.PathValue("id"), Msg: msg, Raw: raw.String()})
	f.notify()
	f.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (f *fakeSlack) connectionsOpen(w http.ResponseWriter, r *http.Request) {
	if token(r) != fakeAppToken {
		writeSlackJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	writeSlackJSON(w, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"})
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// websocket serves one Socket Mode connection: hello, pings, and the acks
// it reads.
func (f *fakeSlack) websocket(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	f.wsMu.Lock()
	_ = conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"}})
	f.wsMu.Unlock()
	f.mu.Lock()
	f.ws = conn
	f.notify()
	f.mu.Unlock()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				f.wsMu.Lock()
				_ = conn.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second))
				f.wsMu.Unlock()
			}
		}
	}()
	for {
		var ack socketAck
		if err := conn.ReadJSON(&ack); err != nil {
			return
		}
		f.mu.Lock()
		f.acks = append(f.acks, ack)
		f.notify()
		f.mu.Unlock()
	}
}

// sendEnvelope pushes a Socket Mode envelope to the connected bot.
func (f *fakeSlack) sendEnvelope(typ, envelopeID string, payload any) {
	f.t.Helper()
	f.wait(func() bool { return f.ws != nil })
	f.mu.Lock()
	ws := f.ws
	f.mu.Unlock()
	f.wsMu.Lock()
	defer f.wsMu.Unlock()
	err := ws.WriteJSON(map[string]any{"type": typ, "envelope_id": envelopeID, "payload": payload, "accepts_response_payload": typ == "slash_commands"})
	if err != nil {
		f.t.Fatalf("send envelope: %v", err)
	}
}

// wait blocks until cond (evaluated under the lock) holds. It gives up
// after a minute only so that a broken test ends; no assertion depends on
// how long anything took.
func (f *fakeSlack) wait(cond func() bool) {
	f.t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		f.mu.Lock()
		ok, ch := cond(), f.changed
		f.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			f.t.Fatal("fake Slack: condition not reached")
		}
	}
}

// responsesTo returns the posts to response_url name.
func (f *fakeSlack) responsesTo(name string) []fakeResponse {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeResponse
	for _, r := range f.responses {
		if r.Hook == name {
			out = append(out, r)
		}
	}
	return out
}

// waitResponse waits for the n-th (1-based) post to response_url name.
func (f *fakeSlack) waitResponse(name string, n int) fakeResponse {
	f.t.Helper()
	f.wait(func() bool {
		c := 0
		for _, r := range f.responses {
			if r.Hook == name {
				c++
			}
		}
		return c >= n
	})
	return f.responsesTo(name)[n-1]
}

// messagesIn returns copies of the messages in channel, oldest first.
func (f *fakeSlack) messagesIn(channel string) []fakeMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeMessage
	for _, m := range f.messages {
		if m.Channel == channel {
			out = append(out, *m)
		}
	}
	return out
}

// allText is everything the fake received, for secret checks.
func (f *fakeSlack) allText() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var b strings.Builder
	for _, m := range f.messages {
		b.WriteString(m.Text + m.Blocks + "\n")
	}
	for _, r := range f.responses {
		b.WriteString(r.Raw + "\n")
	}
	for _, a := range f.acks {
		b.Write(a.Payload)
	}
	return b.String()
}

// ackFor waits for the acknowledgement of an envelope.
func (f *fakeSlack) ackFor(envelopeID string) socketAck {
	f.t.Helper()
	var out socketAck
	f.wait(func() bool {
		for _, a := range f.acks {
			if a.EnvelopeID == envelopeID {
				out = a
				return true
			}
		}
		return false
	})
	return out
}

// waitLimit ends a broken test; nothing asserts on durations.
var waitLimit = time.Minute
