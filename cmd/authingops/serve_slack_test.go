package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seed-afc46a91/authingops/slackbot"
)

func openSandboxRuntime(t *testing.T) *runtime {
	t.Helper()
	rf := runtimeFlags{sandbox: true, auditDSN: filepath.Join(t.TempDir(), "audit.db"), logs: logFlags{level: "error", format: "json"}}
	rt, err := rf.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rt.close)
	return rt
}

// The Slack mount is off without a signing secret, refuses a missing bot
// token, and when configured serves signed commands only.
func TestServeSlackMount(t *testing.T) {
	t.Parallel()
	const secret = "test-signing-secret"
	tests := []struct {
		name    string
		env     map[string]string
		wantErr bool
		mounted bool
	}{
		{"no secret: off", map[string]string{envSlackBotToken: "xoxb-1"}, false, false},
		{"no bot token", map[string]string{envSlackSigningSecret: secret}, true, false},
		{"configured", map[string]string{envSlackSigningSecret: secret, envSlackBotToken: "xoxb-1"}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rt := openSandboxRuntime(t)
			f := &slackFlags{apiURL: "http://127.0.0.1:1/api", command: "/authing", getenv: func(k string) string { return tt.env[k] }}
			mux := http.NewServeMux()
			cleanup, err := f.mount(context.Background(), mux, rt)
			if (err != nil) != tt.wantErr {
				t.Fatalf("mount error = %v", err)
			}
			if cleanup != nil {
				t.Cleanup(cleanup)
			}
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			body := url.Values{"team_id": {"T1"}, "user_id": {"U3"}, "channel_id": {"C1"}, "text": {"help"}, "trigger_id": {"tr1"}}.Encode()
			post := func(sign bool) (int, string) {
				req, _ := http.NewRequest(http.MethodPost, srv.URL+slackbot.PathCommands, strings.NewReader(body))
				if sign {
					ts := time.Now().Unix()
					req.Header.Set(slackbot.HeaderTimestamp, strconv.FormatInt(ts, 10))
					req.Header.Set(slackbot.HeaderSignature, slackbot.Sign(secret, ts, []byte(body)))
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			if !tt.mounted {
				if code, _ := post(true); code != http.StatusNotFound {
					t.Fatalf("unmounted face answered HTTP %d", code)
				}
				return
			}
			if code, _ := post(false); code != http.StatusUnauthorized {
				t.Errorf("unsigned command: HTTP %d", code)
			}
			if code, text := post(true); code != http.StatusOK || !strings.Contains(text, "operations in") {
				t.Errorf("signed help: HTTP %d %s", code, text)
			}
		})
	}
}
