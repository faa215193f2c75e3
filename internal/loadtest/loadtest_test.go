package loadtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/authing/authingtest"
	"github.com/seed-afc46a91/authingops/examples/policies"
	"github.com/seed-afc46a91/authingops/gate"
	"github.com/seed-afc46a91/authingops/policy"
)

// duration is the length of each scenario: short in `go test`, set
// AUTHINGOPS_LOAD_DURATION (e.g. 60s) for the long form.
func duration(t *testing.T) time.Duration {
	if v := os.Getenv("AUTHINGOPS_LOAD_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("AUTHINGOPS_LOAD_DURATION: %v", err)
		}
		return d
	}
	return 3 * time.Second
}

func clients() int {
	if os.Getenv("AUTHINGOPS_LOAD_DURATION") != "" {
		return 100
	}
	return 20
}

// switchableStore fails every append while down is set.
type switchableStore struct {
	audit.Store
	down atomic.Bool
}

var errDown = errors.New("audit store unavailable (test)")

func (s *switchableStore) Append(ctx context.Context, r *audit.Record) error {
	if s.down.Load() {
		return errDown
	}
	return s.Store.Append(ctx, r)
}

type fixture struct {
	srv    *authingtest.Server
	store  *switchableStore
	gate   *gate.Gate
	policy *policy.Engine
}

func newFixture(t *testing.T, retry authing.RetryPolicy) *fixture {
	t.Helper()
	srv, err := authingtest.NewServer(authingtest.Options{Seed: authingtest.SeedDemo, FaultSeed: 42})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cr := srv.Credentials()
	client, err := authing.NewClient(authing.Options{AccessKeyID: cr.AccessKeyID, AccessKeySecret: cr.AccessKeySecret, Host: cr.Host, Retry: retry})
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
	st, err := audit.Open(context.Background(), filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	sw := &switchableStore{Store: st}
	g, err := gate.New(gate.Options{Client: client, Policy: eng, Store: sw, SecretKey: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{srv: srv, store: sw, gate: g, policy: eng}
}

func (f *fixture) config(t *testing.T) Config {
	return Config{Clients: clients(), Duration: duration(t), WriteEvery: 5,
		Prefix: fmt.Sprintf("load%d", time.Now().UnixNano()), ReadUsers: []string{"alice", "bob", "carol"}}
}

// assistant is the caller of every load call: the starter policies let it
// read and create users over MCP.
const assistant = "mcp:claude-desktop"

// targets are the ways a scenario reaches the gate: directly, and as MCP
// Streamable HTTP clients of the tools handler.
var targets = []string{"gate", "mcp-http"}

// target returns the scenario's target of kind.
func (f *fixture) target(t *testing.T, kind string) Target {
	t.Helper()
	switch kind {
	case "gate":
		return GateTarget{Gate: f.gate, Caller: assistant, Surface: "mcp"}
	case "mcp-http":
		return f.mcpTarget(t, clients())
	}
	t.Fatalf("unknown target %q", kind)
	return nil
}

// run drives f's target of kind and logs the report and its figures.
func (f *fixture) run(t *testing.T, kind, scenario string, cfg Config) *Report {
	t.Helper()
	rep := Run(context.Background(), f.target(t, kind), cfg)
	t.Log(rep)
	t.Log(rep.Figures(scenario+"/"+kind, cfg.Clients))
	return rep
}

func TestLoadNoErrorsNoLostRecords(t *testing.T) {
	for _, kind := range targets {
		t.Run(kind, func(t *testing.T) { loadNoErrorsNoLostRecords(t, kind) })
	}
}

func loadNoErrorsNoLostRecords(t *testing.T, kind string) {
	f := newFixture(t, authing.RetryPolicy{})
	rep := f.run(t, kind, "load", f.config(t))
	ac, err := CheckWrites(context.Background(), f.store, "create_user", 0)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Calls == 0 || len(rep.TargetErrors) > 0 || len(rep.ReadStatus) != 1 || len(rep.WriteStatus) != 1 || rep.ReadStatus["succeeded"] == 0 || rep.WriteStatus["succeeded"] == 0 {
		t.Fatalf("want only successes: %s; failed writes: %v", rep, ac.FailedBy)
	}
	if len(ac.Unpaired) > 0 || ac.Executing != rep.WriteStatus["succeeded"] || ac.Succeeded != ac.Executing {
		t.Fatalf("audit: %+v for %d successful writes", ac, rep.WriteStatus["succeeded"])
	}
	if got := f.srv.Calls("create_user"); got != ac.Executing {
		t.Fatalf("sandbox ran create_user %d times for %d audited executions", got, ac.Executing)
	}
	if h := rep.HeapMiB; len(h) >= 3 && h[len(h)-1] > 2*h[1]+32 {
		t.Fatalf("heap grows: %v MiB", h)
	}
}

func TestLoadUnderInjectedFaults(t *testing.T) {
	for _, kind := range targets {
		t.Run(kind, func(t *testing.T) { loadUnderInjectedFaults(t, kind) })
	}
}

func loadUnderInjectedFaults(t *testing.T, kind string) {
	// About 20% of requests meet a fault: error envelopes, HTTP 502/503,
	// dropped connections (some after the write ran), slow answers.
	// About 17% of attempts fail; twelve attempts make a read fail with a
	// probability near 1e-9, so a failed read means retries are broken.
	f := newFixture(t, authing.RetryPolicy{MaxAttempts: 12, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond})
	for _, fl := range []authingtest.Fault{
		{Kind: authingtest.FaultEnvelope, StatusCode: 503, Probability: 0.04},
		{Kind: authingtest.FaultEnvelope, StatusCode: 429, Probability: 0.04},
		{Kind: authingtest.FaultHTTPStatus, StatusCode: 502, Probability: 0.04},
		{Kind: authingtest.FaultDrop, Probability: 0.03},
		{Kind: authingtest.FaultDrop, AfterHandler: true, Probability: 0.02},
		{Kind: authingtest.FaultLatency, LatencyMS: 50, Probability: 0.04},
	} {
		if _, err := f.srv.Faults().Add(fl); err != nil {
			t.Fatal(err)
		}
	}
	rep := f.run(t, kind, "faults", f.config(t))
	if len(rep.TargetErrors) > 0 || rep.ReadStatus["failed"] > 0 || rep.ReadStatus["succeeded"] == 0 {
		t.Fatalf("reads must succeed through retries: %s", rep)
	}
	ac, err := CheckWrites(context.Background(), f.store, "create_user", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ac.Unpaired) > 0 {
		t.Fatalf("writes without exactly one outcome record: %v", ac.Unpaired)
	}
	if ac.Failed != rep.WriteStatus["failed"] || ac.Succeeded != rep.WriteStatus["succeeded"] {
		t.Fatalf("audit %+v disagrees with results %v", ac, rep.WriteStatus)
	}
	if ac.Failed == 0 {
		t.Fatal("no write met a fault: the scenario did not exercise failures")
	}
	if got := f.srv.Calls("create_user"); got > ac.Executing {
		t.Fatalf("a write was sent twice: sandbox saw %d create_user for %d executions", got, ac.Executing)
	}
}

func TestLoadWithAuditOutageMidRun(t *testing.T) {
	for _, kind := range targets {
		t.Run(kind, func(t *testing.T) { loadWithAuditOutageMidRun(t, kind) })
	}
}

func loadWithAuditOutageMidRun(t *testing.T, kind string) {
	f := newFixture(t, authing.RetryPolicy{})
	cfg := f.config(t)
	go func() {
		time.Sleep(cfg.Duration / 2)
		f.store.down.Store(true)
	}()
	rep := f.run(t, kind, "audit-outage", cfg)
	f.store.down.Store(false)
	refused := 0
	for msg, n := range rep.TargetErrors {
		if !strings.Contains(msg, gate.ErrAuditUnavailable.Error()) {
			t.Fatalf("unexpected target error %q", msg)
		}
		refused += n
	}
	if refused == 0 || rep.ReadStatus["succeeded"] == 0 || rep.ReadStatus["failed"] > 0 {
		t.Fatalf("want writes refused and reads served during the outage: %s", rep)
	}
	ac, err := CheckWrites(context.Background(), f.store, "create_user", 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.srv.Calls("create_user"); got > ac.Executing {
		t.Fatalf("%d create_user ran with only %d executing records", got, ac.Executing)
	}
}
