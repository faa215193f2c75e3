package policy

import (
	"testing"

	"github.com/seed-afc46a91/authingops/authing"
)

// BenchmarkDecide decides one request per iteration with the starter
// policies, cycling over all catalog operations and the starter callers.
func BenchmarkDecide(b *testing.B) {
	e := catalogEngine(b)
	callers := []string{"slack:T1/U1", "slack:T1/U2", "slack:T1/U3", "cli:alice", "mcp:claude-desktop"}
	reqs := make([]Request, 0, len(authing.Operations)*len(callers))
	for _, op := range authing.Operations {
		for _, c := range callers {
			reqs = append(reqs, Request{Caller: c, Operation: op.Name, Targets: []string{"u1"}})
		}
	}
	ctx := b.Context()
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		e.Decide(ctx, reqs[i%len(reqs)])
		i++
	}
}

// BenchmarkDecideRead is the common case: a permitted read.
func BenchmarkDecideRead(b *testing.B) {
	e := catalogEngine(b)
	req := Request{Caller: "slack:T1/U3", Operation: "list_users"}
	b.ReportAllocs()
	for b.Loop() {
		e.Decide(b.Context(), req)
	}
}

// BenchmarkDecideNeedsApproval is the slowest path: a deny, then a probe.
func BenchmarkDecideNeedsApproval(b *testing.B) {
	e := catalogEngine(b)
	req := Request{Caller: "slack:T1/U1", Operation: "delete_users_batch"}
	b.ReportAllocs()
	for b.Loop() {
		e.Decide(b.Context(), req)
	}
}

// BenchmarkLoadStarter measures a (re)load of the starter policies against
// the whole catalog.
func BenchmarkLoadStarter(b *testing.B) {
	s, err := CatalogSchema()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(s, starterSource()); err != nil {
			b.Fatal(err)
		}
	}
}
