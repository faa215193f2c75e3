package policy

import (
	"testing"

	"github.com/seed-afc46a91/authingops/authing"
)

func catalogEngine(t testing.TB) *Engine {
	t.Helper()
	s, err := CatalogSchema()
	if err != nil {
		t.Fatalf("CatalogSchema: %v", err)
	}
	e, err := NewEngine(s, starterSource(), Options{})
	if err != nil {
		t.Fatalf("starter policies against the catalog: %v", err)
	}
	return e
}

func TestCatalogSchema(t *testing.T) {
	t.Parallel()
	e := catalogEngine(t)
	s := e.Schema()
	if got, want := len(s.Operations()), len(authing.Operations); got != want {
		t.Errorf("%d operations in the schema; the catalog has %d", got, want)
	}
	cats := map[string]bool{}
	for _, op := range authing.Operations {
		cats[op.Category] = true
		a, ok := s.Lookup(op.Name)
		if !ok || a.Category != op.Category || a.Destructive != op.Destructive || a.Write != (op.Write || op.Destructive) {
			t.Errorf("Lookup(%s) = %+v, %v", op.Name, a, ok)
		}
	}
	groups := map[string]bool{}
	for _, g := range s.Groups() {
		groups[g] = true
	}
	for c := range cats {
		if !groups[c] {
			t.Errorf("no group for category %q", c)
		}
	}
}

// TestCatalogEveryOperation decides every operation for every starter
// caller: nothing errors, the owner alone touches access keys, and MCP
// writes nothing but create_user and assign_role.
func TestCatalogEveryOperation(t *testing.T) {
	t.Parallel()
	e := catalogEngine(t)
	callers := e.Current().Callers()
	for _, op := range authing.Operations {
		for _, c := range callers {
			d := e.Decide(t.Context(), Request{Caller: c, Operation: op.Name})
			if len(d.Errors) > 0 {
				t.Errorf("%s %s: evaluation errors %v", c, op.Name, d.Errors)
			}
			switch {
			case op.Category == "access_keys" && c != "cli:alice" && d.Effect != Deny:
				t.Errorf("%s %s: %v; access keys are owner-only", c, op.Name, d.Effect)
			case c == "mcp:claude-desktop" && op.Write && op.Name != "create_user" && op.Name != "assign_role" && d.Effect != Deny:
				t.Errorf("%s %s: %v; MCP is read-only", c, op.Name, d.Effect)
			case !op.Write && op.Category != "access_keys" && d.Effect != Allow:
				t.Errorf("%s %s: %v; registered callers may read (%s)", c, op.Name, d.Effect, d.Reason)
			}
		}
	}
}
