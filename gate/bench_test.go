package gate_test

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/gate"
	"github.com/seed-afc46a91/authingops/policy"
)

// BenchmarkDecide is one decision with the starter policies, cycling over
// all catalog actions and the starter callers on their own surfaces (the
// decision Execute makes). Besides ns/op it reports the median and p99 of
// single decisions.
func BenchmarkDecide(b *testing.B) {
	e := newEngine(b, nil)
	callers := []string{oncall, admin, reader, cliAlice, assistant}
	reqs := make([]policy.Request, 0, len(authing.Operations)*len(callers))
	for _, op := range authing.Operations {
		for _, c := range callers {
			surface, _, _ := strings.Cut(c, ":")
			reqs = append(reqs, policy.Request{Caller: c, Operation: op.Name, Surface: surface, Targets: []string{"u1"}})
		}
	}
	ctx := context.Background()
	lat := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		start := time.Now()
		e.Decide(ctx, reqs[i%len(reqs)])
		if len(lat) < cap(lat) {
			lat = append(lat, time.Since(start))
		}
		i++
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
	b.ReportMetric(float64(len(authing.Operations)), "actions")
}

// benchInvoke calls op directly on the fixture's client, bypassing the gate.
func benchInvoke(b *testing.B, f *fixture, opName, args string) {
	op, _ := authing.LookupOperation(opName)
	raw := json.RawMessage(args)
	ctx := context.Background()
	for b.Loop() {
		if _, err := op.Invoke(ctx, f.client, raw); err != nil {
			b.Fatal(err)
		}
	}
}

func benchExecute(b *testing.B, f *fixture, c gate.Call) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := f.gate.Execute(ctx, c)
		if err != nil || res.Status != gate.StatusSucceeded {
			b.Fatalf("%v %v", res, err)
		}
	}
}

// BenchmarkRead: a permitted read against the in-process sandbox, directly
// and through the gate (reads are not audited by default; with AuditReads
// two durable records are written).
func BenchmarkRead(b *testing.B) {
	b.Run("direct", func(b *testing.B) { benchInvoke(b, setup(b), "get_user", getBob) })
	b.Run("gate", func(b *testing.B) { benchExecute(b, setup(b), call(reader, "get_user", getBob)) })
	b.Run("gate-audit-reads-sqlite", func(b *testing.B) {
		benchExecute(b, setup(b, withOpts(func(o *gate.Options) { o.AuditReads = true })), call(reader, "get_user", getBob))
	})
}

// BenchmarkWrite: a permitted write, directly and through the gate with
// its two durable audit records (executing, succeeded) on each backend.
func BenchmarkWrite(b *testing.B) {
	b.Run("direct", func(b *testing.B) { benchInvoke(b, setup(b), "update_user", updateDave) })
	b.Run("gate-sqlite", func(b *testing.B) { benchExecute(b, setup(b), call(oncall, "update_user", updateDave)) })
	b.Run("gate-postgres", func(b *testing.B) {
		if os.Getenv(pgDSNEnv) == "" {
			b.Skipf("set %s to benchmark PostgreSQL", pgDSNEnv)
		}
		benchExecute(b, setup(b, onDB(newPostgres(b), nil)), call(oncall, "update_user", updateDave))
	})
}
