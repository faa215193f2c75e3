package gate_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/gate"
	"github.com/seed-afc46a91/authingops/policy"
)

// who is what the invoker needs to re-decide a call: the principal whose
// call it is, its surface and the approvals it runs under.
type who struct {
	caller, surface string
	approvals       int
}

type whoKey struct{}

// invariants wraps the real invoker and checks, whenever it is entered for
// a write, that the policy allows that exact call now and that an
// executing record with its args hash is durable and not yet used by
// another invocation.
type invariants struct {
	t       testing.TB
	f       *fixture
	mu      sync.Mutex
	invoked map[string]int // args hash → invocations
	writes  int
	status  map[gate.Status]int
}

func (inv *invariants) wrap(next gate.Invoker) gate.Invoker {
	return func(ctx context.Context, op *authing.Operation, args json.RawMessage) (any, error) {
		if op.Write {
			inv.check(ctx, op, args)
		}
		return next(ctx, op, args)
	}
}

func (inv *invariants) check(ctx context.Context, op *authing.Operation, args json.RawMessage) {
	w, ok := ctx.Value(whoKey{}).(who)
	if !ok {
		inv.t.Errorf("%s invoked without a caller in its context", op.Name)
		return
	}
	dec := inv.f.engine.Decide(ctx, policy.Request{Caller: w.caller, Operation: op.Name, Surface: w.surface,
		Approvals: w.approvals, Targets: audit.TargetIDs(args)})
	if !dec.Allowed() {
		inv.t.Errorf("%s by %s on %s invoked with decision %s: %s", op.Name, w.caller, w.surface, dec.Effect, dec.Reason)
	}
	hash := audit.ArgsHash(op.Name, args)
	recs, err := inv.f.raw.Query(ctx, audit.Filter{Operation: op.Name, Phase: audit.PhaseExecuting, Limit: audit.MaxQueryLimit})
	if err != nil {
		inv.t.Errorf("query: %v", err)
		return
	}
	durable := 0
	for _, r := range recs {
		if r.ArgsHash == hash {
			durable++
		}
	}
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.writes++
	inv.invoked[hash]++
	if inv.invoked[hash] > durable {
		inv.t.Errorf("%s invocation #%d for args hash %s with only %d executing records durable", op.Name, inv.invoked[hash], hash, durable)
	}
}

func newInvariants(t testing.TB, cfgs ...func(*config)) *invariants {
	inv := &invariants{t: t, invoked: map[string]int{}, status: map[gate.Status]int{}}
	inv.f = setup(t, append(cfgs, withInvoke(inv.wrap))...)
	return inv
}

var (
	propCallers  = []string{oncall, admin, reader, cliAlice, assistant, stranger, "cli:mallory", "bogus"}
	propSurfaces = []string{"slack", "mcp", "cli", ""}
	propArgs     = []string{
		`{}`, `null`, `[1]`, `{"bogus":true}`, `{"userId":1}`, `{"userId":"u1"}`, `{"userIds":["u1","u2"]}`,
		getBob, updateDave, createZed, deleteErin, assignDev, `{"type":"user"}`, `{"codeList":["auditor"]}`,
		`{"username":"p-%d","password":"pw-%d-secret"}`, `{"userId":"carol","status":"Suspended","options":{"userIdType":"username"}}`,
	}
	// mixedPolicies permit many writes from the CLI, destructive ones after
	// one approval, and forbid writes over MCP.
	mixedPolicies = `
@id("read") permit(principal, action in Action::"read", resource);
@id("cli-writes") permit(principal in Group::"admins", action in Action::"write", resource)
  when { context.surface == "cli" } unless { action in Action::"destructive" };
@id("second-admin") permit(principal in Group::"admins", action in Action::"destructive", resource)
  when { context.approvals >= 1 };
@id("no-mcp-writes") forbid(principal, action in Action::"write", resource) when { context.surface == "mcp" };
@id("admins-approve") permit(principal in Group::"admins", action == Action::"approve", resource);
`
)

// knownArgs are valid arguments (%d: a unique number) for the starter
// policies' writes.
var knownArgs = map[string]string{
	"update_user":        `{"userId":"dave","nickname":"n%d","options":{"userIdType":"username"}}`,
	"create_user":        `{"username":"p-%d","password":"Secret-pw-1"}`,
	"delete_users_batch": `{"userIds":["u%d"]}`,
	"assign_role":        `{"code":"developer","targets":[{"targetType":"USER","targetIdentifier":"u%d"}]}`,
	"delete_roles_batch": `{"codeList":["r%d"]}`,
	"create_access_key":  `{"type":"user","userId":"u%d"}`,
}

// minimalArgs returns arguments holding the schema's required properties
// (and, at random, some optional ones), each a value of its type.
func minimalArgs(rng *rand.Rand, schema json.RawMessage) json.RawMessage {
	var root map[string]any
	if json.Unmarshal(schema, &root) != nil {
		return json.RawMessage(`{}`)
	}
	defs, _ := root["$defs"].(map[string]any)
	b, _ := json.Marshal(valueOf(rng, root, defs, 0))
	return b
}

func valueOf(rng *rand.Rand, s map[string]any, defs map[string]any, depth int) any {
	if ref, ok := s["$ref"].(string); ok && depth < 4 {
		if d, ok := defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any); ok {
			return valueOf(rng, d, defs, depth+1)
		}
	}
	if enum, ok := s["enum"].([]any); ok && len(enum) > 0 {
		return enum[rng.IntN(len(enum))]
	}
	switch s["type"] {
	case "object":
		out := map[string]any{}
		props, _ := s["properties"].(map[string]any)
		req, _ := s["required"].([]any)
		for _, r := range req {
			if p, ok := props[r.(string)].(map[string]any); ok && depth < 4 {
				out[r.(string)] = valueOf(rng, p, defs, depth+1)
			}
		}
		for k, p := range props {
			if _, done := out[k]; !done && rng.IntN(8) == 0 && depth < 4 {
				out[k] = valueOf(rng, p.(map[string]any), defs, depth+1)
			}
		}
		return out
	case "array":
		if items, ok := s["items"].(map[string]any); ok && depth < 4 {
			return []any{valueOf(rng, items, defs, depth+1)}
		}
		return []any{}
	case "integer":
		return rng.IntN(100)
	case "number":
		return rng.Float64()
	case "boolean":
		return rng.IntN(2) == 0
	}
	return fmt.Sprintf("v%d", rng.IntN(1000))
}

// randomCall draws an operation (writes mostly), a caller, a surface and
// arguments (valid and invalid).
func randomCall(rng *rand.Rand, writes, reads []*authing.Operation, n int) gate.Call {
	var op string
	switch x := rng.IntN(20); {
	case x == 0:
		op = "no_such_operation"
	case x < 5:
		op = reads[rng.IntN(len(reads))].Name
	case x < 10:
		op = []string{"update_user", "create_user", "delete_users_batch", "assign_role", "delete_roles_batch", "create_access_key"}[rng.IntN(6)]
	default:
		op = writes[rng.IntN(len(writes))].Name
	}
	var args string
	switch known, ok := knownArgs[op]; {
	case ok && rng.IntN(2) == 0:
		args = fmt.Sprintf(known, n)
	case rng.IntN(3) > 0:
		if o, found := authing.LookupOperation(op); found {
			args = string(minimalArgs(rng, o.InputSchema))
			break
		}
		fallthrough
	default:
		args = propArgs[rng.IntN(len(propArgs))]
		if args == propArgs[14] {
			args = fmt.Sprintf(args, n, n)
		}
	}
	c := gate.Call{
		Caller: propCallers[rng.IntN(len(propCallers))], Surface: propSurfaces[rng.IntN(len(propSurfaces))],
		Operation: op, Args: json.RawMessage(args), DryRun: rng.IntN(6) == 0,
	}
	if prefix, _, ok := strings.Cut(c.Caller, ":"); ok && rng.IntN(2) == 0 {
		c.Surface = prefix // mostly the caller's own surface
	}
	if rng.IntN(4) == 0 {
		c.DedupeKey = fmt.Sprintf("k%d", rng.IntN(4))
	}
	return c
}

// TestPropertyNoUnauthorizedWrite drives random calls and approvals through
// the gate, concurrently, with the starter and a mixed policy set.
func TestPropertyNoUnauthorizedWrite(t *testing.T) {
	t.Parallel()
	var writes, reads []*authing.Operation
	for _, op := range authing.Operations {
		if op.Write {
			writes = append(writes, op)
		} else {
			reads = append(reads, op)
		}
	}
	iterations := 250
	if testing.Short() {
		iterations = 40
	}
	for _, tc := range []struct{ name, policy string }{{"starter", ""}, {"mixed", mixedPolicies}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var cfgs []func(*config)
			if tc.policy != "" {
				cfgs = append(cfgs, withPolicies(tc.policy))
			}
			inv := newInvariants(t, cfgs...)
			seed := uint64(time.Now().UnixNano())
			t.Logf("seed %d", seed)
			var wg sync.WaitGroup
			for worker := range 4 {
				rng := rand.New(rand.NewPCG(seed, uint64(worker)))
				wg.Go(func() {
					for i := range iterations {
						inv.step(rng, randomCall(rng, writes, reads, worker*1000+i))
					}
				})
			}
			wg.Wait()
			t.Logf("%d writes invoked; statuses %v", inv.writes, inv.status)
			inv.f.verify()
		})
	}
}

// step executes c and, when it waits for approval, has a random admin
// (or someone else) approve it.
func (inv *invariants) step(rng *rand.Rand, c gate.Call) {
	ctx := context.WithValue(context.Background(), whoKey{}, who{caller: c.Caller, surface: c.Surface})
	res, err := inv.f.gate.Execute(ctx, c)
	if err != nil {
		inv.t.Errorf("Execute(%s by %s): %v", c.Operation, c.Caller, err)
		return
	}
	inv.mu.Lock()
	inv.status[res.Status]++
	inv.mu.Unlock()
	if res.Status != gate.StatusPendingApproval || rng.IntN(3) == 0 {
		return
	}
	by := propCallers[rng.IntN(len(propCallers))]
	actx := context.WithValue(context.Background(), whoKey{}, who{caller: c.Caller, surface: c.Surface, approvals: 1})
	if _, err := inv.f.gate.Approve(actx, approver(by), res.Approval.ID); err != nil {
		inv.t.Errorf("Approve: %v", err)
	}
}

// FuzzExecute feeds arbitrary arguments, operations and callers to the
// gate; the invariants hold and nothing panics.
func FuzzExecute(f *testing.F) {
	for i, a := range propArgs {
		f.Add(uint16(i), uint8(i), uint8(i), a, i%3 == 0)
	}
	f.Add(uint16(7), uint8(0), uint8(0), `{"userIds":["a","b"],"options":{"userIdType":"username"}}`, false)
	inv := newInvariants(f, withPolicies(mixedPolicies))
	f.Fuzz(func(t *testing.T, opIdx uint16, callerIdx, surfaceIdx uint8, args string, dry bool) {
		inv.t = t
		op := authing.Operations[int(opIdx)%len(authing.Operations)]
		c := gate.Call{
			Caller: propCallers[int(callerIdx)%len(propCallers)], Surface: propSurfaces[int(surfaceIdx)%len(propSurfaces)],
			Operation: op.Name, Args: json.RawMessage(args), DryRun: dry,
		}
		inv.step(rand.New(rand.NewPCG(uint64(opIdx), 1)), c)
	})
}
