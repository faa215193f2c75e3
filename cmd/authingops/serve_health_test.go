package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/seed-afc46a91/authingops/authing/authingtest"
	"github.com/seed-afc46a91/authingops/internal/loadtest"
)

// A serve process says it is alive and ready, counts the calls it ran for
// Prometheus, and answers 503 naming the failing check once Authing is
// unreachable, while staying alive.
func TestServeHealthReadinessMetrics(t *testing.T) {
	sandbox, host := startSandboxProc(t)
	_, base := startServe(t, "serve", host, serveEnv(t, t.TempDir()))

	tg, err := loadtest.NewMCPTarget(context.Background(), loadtest.MCPOptions{URL: base + "/mcp", Key: serveKey, Clients: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tg.Close() })
	for _, c := range []struct{ op, args string }{
		{"list_users", `{"options":{"pagination":{"page":1,"limit":5}}}`},
		{"create_user", `{"username":"metrics-test","name":"Metrics"}`},
	} {
		if st, err := tg.Call(context.Background(), 0, c.op, json.RawMessage(c.args)); err != nil || st != "succeeded" {
			t.Fatalf("%s: %q, %v", c.op, st, err)
		}
	}

	secrets := []string{authingtest.DemoAccessKeySecret, replicaSecretKey, serveKey}
	get := func(t *testing.T, path string, code int, want ...string) string {
		t.Helper()
		got, body := httpGet(t, base+path)
		if got != code {
			t.Fatalf("GET %s: %d, want %d: %s", path, got, code, body)
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s lacks %q:\n%s", path, w, body)
			}
		}
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("GET %s shows a secret", path)
			}
		}
		return body
	}

	t.Run("up", func(t *testing.T) {
		tests := []struct {
			path string
			want []string
		}{
			{"/healthz", []string{"ok"}},
			{"/readyz", []string{`"ready":true`, `"authing":"ok"`, `"audit":"ok"`, `"policy":"ok"`}},
			{"/metrics", []string{
				`authingops_calls_total{operation="list_users",outcome="succeeded",surface="mcp"} 1`,
				`authingops_calls_total{operation="create_user",outcome="succeeded",surface="mcp"} 1`,
				`authingops_policy_decisions_total{effect="allow",surface="mcp"}`,
				`authingops_audit_append_seconds_count`,
				`authingops_authing_token_requests_total 1`,
			}},
		}
		for _, tt := range tests {
			t.Run(tt.path, func(t *testing.T) { get(t, tt.path, http.StatusOK, tt.want...) })
		}
	})

	t.Run("Authing unreachable", func(t *testing.T) {
		_ = sandbox.cmd.Process.Kill()
		<-sandbox.done
		waitFor(t, "/readyz to fail", func() bool {
			code, _ := httpGet(t, base+"/readyz")
			return code == http.StatusServiceUnavailable
		})
		body := get(t, "/readyz", http.StatusServiceUnavailable, `"ready":false`, `"audit":"ok"`, `"policy":"ok"`)
		var r struct {
			Checks map[string]string `json:"checks"`
		}
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatal(err)
		}
		if r.Checks["authing"] == "ok" || r.Checks["authing"] == "" {
			t.Fatalf("the authing check = %q, want the failure", r.Checks["authing"])
		}
		get(t, "/healthz", http.StatusOK, "ok")
	})
}
