package metrics_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/authing/authingtest"
	"github.com/seed-afc46a91/authingops/examples/policies"
	"github.com/seed-afc46a91/authingops/gate"
	"github.com/seed-afc46a91/authingops/internal/metrics"
	"github.com/seed-afc46a91/authingops/policy"
)

// TestDecoratorsFeedTheMetrics runs real calls through a gate wired with the
// decorators and scrapes the registry.
func TestDecoratorsFeedTheMetrics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, err := authingtest.NewServer(authingtest.Options{Seed: authingtest.SeedDemo})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cr := srv.Credentials()
	client, err := authing.NewClient(authing.Options{AccessKeyID: cr.AccessKeyID, AccessKeySecret: cr.AccessKeySecret, Host: cr.Host})
	if err != nil {
		t.Fatal(err)
	}
	schema, err := policy.CatalogSchema()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := policy.NewEngine(schema, policy.FromFS(policies.Starter, ".", policies.StarterEntities), policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := audit.Open(ctx, filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })

	m := metrics.New()
	m.TokenRequests(client.TokenRequests)
	g, err := gate.New(gate.Options{
		Invoke: m.Invoker(func(ctx context.Context, op *authing.Operation, args json.RawMessage) (any, error) {
			return op.Invoke(ctx, client, args)
		}),
		Policy: m.Decider(eng), Store: m.Store(st), SecretKey: make([]byte, 32),
	})
	if err != nil {
		t.Fatal(err)
	}
	calls := []gate.Call{
		{Caller: "slack:T1/U3", Surface: "slack", Operation: "list_users", Args: json.RawMessage(`{}`)},
		{Caller: "slack:T1/U3", Surface: "slack", Operation: "delete_users_batch", Args: json.RawMessage(`{"userIds":["x"]}`)},
		{Caller: "slack:T1/U2", Surface: "slack", Operation: "delete_users_batch", Args: json.RawMessage(`{"userIds":["x"]}`)},
	}
	for _, c := range calls {
		if _, err := g.Execute(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`authingops_policy_decisions_total{effect="allow",surface="slack"} 1`,
		`authingops_policy_decisions_total{effect="deny",surface="slack"} 1`,
		`authingops_policy_decisions_total{effect="needs_approval",surface="slack"} 1`,
		`authingops_authing_request_seconds_count{operation="list_users",outcome="ok"} 1`,
		`authingops_audit_append_seconds_count{kind="append"} 1`,
		`authingops_audit_append_seconds_count{kind="approval"} 1`,
		`authingops_approvals_total{state="pending"} 1`,
		`authingops_authing_token_requests_total 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
