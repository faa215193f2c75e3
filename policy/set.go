package policy

import (
	"fmt"
	"iter"
	"slices"

	"github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"
	xast "github.com/cedar-policy/cedar-go/x/exp/ast"
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
	contexts     contextCache
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

// Callers returns the caller ids registered in the entities file, sorted.
func (set *Set) Callers() []string {
	var out []string
	for uid := range set.principals {
		if id, ok := CallerID(uid); ok {
			out = append(out, id)
		}
	}
	slices.Sort(out)
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

// policyList is a cedar.PolicyIterator over a slice, in order.
type policyList []*compiled

// All implements cedar.PolicyIterator.
func (l policyList) All() iter.Seq2[cedar.PolicyID, *cedar.Policy] {
	return func(yield func(cedar.PolicyID, *cedar.Policy) bool) {
		for _, c := range l {
			if !yield(c.id, c.policy) {
				return
			}
		}
	}
}

// actionPolicies are the policies that can apply to one action.
type actionPolicies struct {
	all     policyList // every policy whose action scope matches the action
	dynamic policyList // those of all whose conditions read context.approvals
}

// buildIndex sorts the policies of set by the actions their scope matches.
// Cedar evaluates a policy's scope before its conditions and a scope cannot
// fail, so leaving out a policy whose action scope does not match changes no
// decision and no error: it only saves time.
func (set *Set) buildIndex() {
	names := append(set.schema.Operations(), ApproveAction)
	set.index = make(map[string]*actionPolicies, len(names))
	for _, name := range names {
		uid := types.NewEntityUID(TypeAction, types.String(name))
		ap := &actionPolicies{}
		for _, c := range set.policies {
			if !set.actionScopeMatches(c.policy.AST().Action, uid) {
				continue
			}
			ap.all = append(ap.all, c)
			if c.dynamic {
				ap.dynamic = append(ap.dynamic, c)
			}
		}
		set.index[name] = ap
	}
}

// actionScopeMatches evaluates an action scope statically.
func (set *Set) actionScopeMatches(scope xast.IsActionScopeNode, action types.EntityUID) bool {
	switch sc := scope.(type) {
	case xast.ScopeTypeEq:
		return sc.Entity == action
	case xast.ScopeTypeIn:
		return set.actionIn(action, sc.Entity)
	case xast.ScopeTypeInSet:
		return slices.ContainsFunc(sc.Entities, func(g types.EntityUID) bool { return set.actionIn(action, g) })
	default: // ScopeTypeAll
		return true
	}
}

// actionIn reports whether action is group or one of its descendants.
func (set *Set) actionIn(action, group types.EntityUID) bool {
	if action == group {
		return true
	}
	e, ok := set.schema.entities[action]
	if !ok {
		return false
	}
	for p := range e.Parents.All() {
		if set.actionIn(p, group) {
			return true
		}
	}
	return false
}

// readsApprovals reports whether a policy's conditions may depend on
// context.approvals: they read it, or use the context record other than
// through one of its other attributes.
func readsApprovals(p *xast.Policy) bool {
	found := false
	for _, c := range p.Conditions {
		xast.Inspect(xast.NewNode(c.Body), func(n xast.IsNode) bool {
			if found {
				return false
			}
			var arg xast.IsNode
			var attr types.String
			switch n := n.(type) {
			case xast.NodeTypeAccess:
				arg, attr = n.Arg, n.Value
			case xast.NodeTypeHas:
				arg, attr = n.Arg, n.Value
			case xast.NodeTypeVariable:
				found = n.Name == "context" // the record used as a whole
				return false
			default:
				return true
			}
			if v, ok := arg.(xast.NodeTypeVariable); ok && v.Name == "context" {
				found = attr == "approvals"
				return false // do not visit the variable itself
			}
			return true
		})
	}
	return found
}
