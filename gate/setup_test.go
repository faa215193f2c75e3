package gate_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/authing/authingtest"
	"github.com/seed-afc46a91/authingops/examples/policies"
	"github.com/seed-afc46a91/authingops/gate"
	"github.com/seed-afc46a91/authingops/policy"
)

// Callers of the starter entities.
const (
	oncall    = "slack:T1/U1" // Alice, oncall-admins (and so admins)
	admin     = "slack:T1/U2" // Bob, admins
	reader    = "slack:T1/U3" // Carol, registered, no group
	cliAlice  = "cli:alice"   // admins, owner of the access keys
	assistant = "mcp:claude-desktop"
	stranger  = "slack:T9/U9" // not in entities.yaml
)

// testKey is a fixed 32-byte secret key, as a deployment configures one.
var testKey = []byte("0123456789abcdef0123456789abcdef")

// clock is a settable clock for the gate.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// syncBuffer is a concurrency-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// config adjusts a fixture before its gate is built.
type config struct {
	policies []policy.File // nil: the starter policies
	wrap     func(audit.Store) audit.Store
	invoke   func(next gate.Invoker) gate.Invoker
	opts     func(*gate.Options)
	dbPath   string // a SQLite path or PostgreSQL DSN to reuse (restart, replicas)
	srv      *authingtest.Server
	key      []byte // the gate's secret key; default testKey
}

// fixture is a gate built from real parts: the starter policies (or inline
// ones), a SQLite audit store in t.TempDir(), the sandbox and a client.
type fixture struct {
	t       testing.TB
	srv     *authingtest.Server
	client  *authing.Client
	engine  *policy.Engine
	store   audit.Store // what the gate writes to (maybe wrapped)
	raw     audit.Store // the real store
	dbPath  string
	gate    *gate.Gate
	clock   *clock
	logs    *syncBuffer
	invokes atomic.Int64
	next    gate.Invoker // the real invoker
}

func setup(t testing.TB, cfgs ...func(*config)) *fixture {
	t.Helper()
	var cfg config
	for _, f := range cfgs {
		f(&cfg)
	}
	f := &fixture{t: t, srv: cfg.srv, logs: &syncBuffer{}, clock: &clock{t: time.Now().UTC()}}
	if f.srv == nil {
		srv, err := authingtest.NewServer(authingtest.Options{Seed: authingtest.SeedDemo})
		if err != nil {
			t.Fatalf("sandbox: %v", err)
		}
		t.Cleanup(func() { _ = srv.Close() })
		f.srv = srv
	}
	creds := f.srv.Credentials()
	client, err := authing.NewClient(authing.Options{AccessKeyID: creds.AccessKeyID, AccessKeySecret: creds.AccessKeySecret, Host: creds.Host})
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	f.client = client
	f.engine = newEngine(t, cfg.policies)
	f.dbPath = cfg.dbPath
	if f.dbPath == "" {
		f.dbPath = filepath.Join(t.TempDir(), "a.db")
	}
	redactor := audit.NewRedactor(testKey)
	// The store mirrors its records to the fixture's log, so tests see
	// everything that is logged.
	f.raw, err = audit.Open(context.Background(), f.dbPath, audit.WithRedactor(redactor), audit.WithLogger(zerolog.New(f.logs)))
	if err != nil {
		t.Fatalf("audit.Open: %v", err)
	}
	t.Cleanup(func() { _ = f.raw.Close() })
	f.store = f.raw
	if cfg.wrap != nil {
		f.store = cfg.wrap(f.raw)
	}
	f.next = func(ctx context.Context, op *authing.Operation, args json.RawMessage) (any, error) {
		f.invokes.Add(1)
		return op.Invoke(ctx, client, args)
	}
	inv := f.next
	if cfg.invoke != nil {
		inv = cfg.invoke(f.next)
	}
	key := testKey
	if cfg.key != nil {
		key = cfg.key
	}
	opts := gate.Options{
		Invoke: inv, Policy: f.engine, Store: f.store, Redactor: redactor, SecretKey: key,
		Clock: f.clock.Now, Logger: zerolog.New(f.logs),
	}
	if cfg.opts != nil {
		cfg.opts(&opts)
	}
	f.gate, err = gate.New(opts)
	if err != nil {
		t.Fatalf("gate.New: %v", err)
	}
	return f
}

// catalogSchema is built once: the schema of the whole catalog is the
// expensive part of loading policies.
var catalogSchema = sync.OnceValues(policy.CatalogSchema)

// starterEngine is shared: an engine is immutable between reloads and safe
// for concurrent decisions.
var starterEngine = sync.OnceValues(func() (*policy.Engine, error) {
	schema, err := catalogSchema()
	if err != nil {
		return nil, err
	}
	return policy.NewEngine(schema, policy.FromFS(policies.Starter, ".", policies.StarterEntities), policy.Options{})
})

// newEngine returns an engine over the whole catalog with the starter
// policies, or with files (and the starter entities).
func newEngine(t testing.TB, files []policy.File) *policy.Engine {
	t.Helper()
	if files == nil {
		e, err := starterEngine()
		if err != nil {
			t.Fatalf("starter engine: %v", err)
		}
		return e
	}
	schema, err := catalogSchema()
	if err != nil {
		t.Fatalf("CatalogSchema: %v", err)
	}
	ents, err := policies.Starter.ReadFile(policies.StarterEntities)
	if err != nil {
		t.Fatal(err)
	}
	src := policy.FromFiles(files, &policy.File{Name: "entities.yaml", Data: ents})
	e, err := policy.NewEngine(schema, src, policy.Options{})
	if err != nil {
		t.Fatalf("NewEngine: %v", err)
	}
	return e
}

// withPolicies replaces the starter policies with one inline file.
func withPolicies(text string) func(*config) {
	return func(c *config) { c.policies = []policy.File{{Name: "test.cedar", Data: []byte(text)}} }
}

// onDB reuses a database (a SQLite path or a PostgreSQL DSN) and a sandbox.
func onDB(dsn string, srv *authingtest.Server) func(*config) {
	return func(c *config) { c.dbPath, c.srv = dsn, srv }
}

func withKey(key []byte) func(*config) { return func(c *config) { c.key = key } }

func withOpts(fn func(*gate.Options)) func(*config) { return func(c *config) { c.opts = fn } }

func withInvoke(fn func(next gate.Invoker) gate.Invoker) func(*config) {
	return func(c *config) { c.invoke = fn }
}

func withStore(wrap func(audit.Store) audit.Store) func(*config) {
	return func(c *config) { c.wrap = wrap }
}

// call builds a call from caller on its own surface.
func call(caller, op, args string) gate.Call {
	surface, _, _ := strings.Cut(caller, ":")
	return gate.Call{Caller: caller, Surface: surface, Operation: op, Args: json.RawMessage(args)}
}

func (f *fixture) execute(c gate.Call) *gate.Result {
	f.t.Helper()
	res, err := f.gate.Execute(context.Background(), c)
	if err != nil {
		f.t.Fatalf("Execute(%s by %s): %v", c.Operation, c.Caller, err)
	}
	return res
}

// records returns every record of the audit log, in order.
func (f *fixture) records() []audit.Record {
	f.t.Helper()
	recs, err := f.raw.Query(context.Background(), audit.Filter{Limit: audit.MaxQueryLimit})
	if err != nil {
		f.t.Fatalf("Query: %v", err)
	}
	return recs
}

// phases lists the phases of recs.
func phases(recs []audit.Record) []audit.Phase {
	out := make([]audit.Phase, len(recs))
	for i, r := range recs {
		out[i] = r.Phase
	}
	return out
}

// verify checks the hash chain is intact.
func (f *fixture) verify() {
	f.t.Helper()
	rep, err := f.raw.Verify(context.Background())
	if err != nil || !rep.OK {
		f.t.Fatalf("Verify = %+v, %v", rep, err)
	}
}

// approver returns an Approver for caller on its own surface.
func approver(caller string) gate.Approver {
	surface, _, _ := strings.Cut(caller, ":")
	return gate.Approver{Caller: caller, Surface: surface}
}

// refusal returns the class of a refused result.
func refusal(t testing.TB, res *gate.Result) string {
	t.Helper()
	var re *gate.RefusedError
	if res.Status != gate.StatusRefused || !errors.As(res.Err, &re) {
		t.Fatalf("result = %s (%v), want refused", res.Status, res.Err)
	}
	return re.Class
}

// rawDB opens the fixture's SQLite file directly, for tampering.
func (f *fixture) rawDB() *sql.DB {
	f.t.Helper()
	db, err := sql.Open("sqlite", "file:"+f.dbPath+"?_pragma=busy_timeout(10000)")
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { db.Close() })
	return db
}

// failingStore is an audit store whose writes fail on demand.
type failingStore struct {
	audit.Store
	failAppend  atomic.Bool // Append and CreateApproval fail
	failOutcome atomic.Bool // appends of succeeded/failed records fail
	failExec    atomic.Bool // appends of executing records fail
	appends     atomic.Int64
}

var errDiskFull = errors.New("disk full (injected)")

func (s *failingStore) Append(ctx context.Context, r *audit.Record) error {
	s.appends.Add(1)
	if s.failAppend.Load() || (s.failOutcome.Load() && (r.Phase == audit.PhaseSucceeded || r.Phase == audit.PhaseFailed)) ||
		(s.failExec.Load() && r.Phase == audit.PhaseExecuting) {
		return errDiskFull
	}
	return s.Store.Append(ctx, r)
}

func (s *failingStore) CreateApproval(ctx context.Context, a *audit.Approval, r *audit.Record) error {
	if s.failAppend.Load() {
		return errDiskFull
	}
	return s.Store.CreateApproval(ctx, a, r)
}

func (s *failingStore) TransitionApproval(ctx context.Context, id string, from, to audit.State, by string, r *audit.Record) (*audit.Approval, error) {
	if s.failAppend.Load() || (s.failOutcome.Load() && to == audit.StateExecuted) {
		return nil, errDiskFull
	}
	return s.Store.TransitionApproval(ctx, id, from, to, by, r)
}
