package policy

import (
	"fmt"

	"github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"
)

// Set is a loaded, validated and immutable set of policies with the entities
// they are evaluated against. It is safe for concurrent use.
type Set struct {
	schema       *Schema
	policies     []*compiled // sorted by id
	catalog      types.EntityMap
	principals   types.EntityMap // callers and groups from the entities file
	entities     types.EntityMap // catalog and principals, for evaluation
	index        map[string]*actionPolicies
	files        []string
	entitiesFile string
}

// compiled is one policy of a Set.
type compiled struct {
	id      types.PolicyID
	policy  *cedar.Policy
	pos     cedar.Position
	reason  string // @reason annotation
	forbid  bool
	dynamic bool // its conditions may read context.approvals
}

// where renders the policy's position as file:line.
func (c *compiled) where() string { return fmt.Sprintf("%s:%d", c.pos.Filename, c.pos.Line) }

// Get implements types.EntityGetter over the catalog and the entities file.
func (set *Set) Get(uid types.EntityUID) (types.Entity, bool) {
	if set.entities != nil {
		e, ok := set.entities[uid]
		return e, ok
	}
	if e, ok := set.principals[uid]; ok { // while loading
		return e, true
	}
	e, ok := set.catalog[uid]
	return e, ok
}

// Schema returns the schema the set was validated against.
func (set *Set) Schema() *Schema { return set.schema }

// PolicyInfo describes one policy of a set.
type PolicyInfo struct {
	ID     string // @id, or file:line
	Effect string // "permit" or "forbid"
	File   string
	Line   int
	Reason string // @reason, if any
}

// Policies lists the policies of the set, in id order.
func (set *Set) Policies() []PolicyInfo {
	out := make([]PolicyInfo, len(set.policies))
	for i, c := range set.policies {
		eff := "permit"
		if c.forbid {
			eff = "forbid"
		}
		out[i] = PolicyInfo{ID: string(c.id), Effect: eff, File: c.pos.Filename, Line: c.pos.Line, Reason: c.reason}
	}
	return out
}

// Files returns the policy files and the entities file ("" if none) loaded.
func (set *Set) Files() (policies []string, entities string) {
	return append([]string(nil), set.files...), set.entitiesFile
}

// Callers returns the caller ids registered in the entities file, unsorted.
func (set *Set) Callers() []string {
	var out []string
	for uid := range set.principals {
		if id, ok := CallerID(uid); ok {
			out = append(out, id)
		}
	}
	return out
}

// Registered reports whether caller is in the entities file.
func (set *Set) Registered(caller string) bool {
	uid, err := ParseCaller(caller)
	if err != nil {
		return false
	}
	_, ok := set.principals[uid]
	return ok
}
