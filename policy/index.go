package policy

import (
	"iter"
	"slices"

	"github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"
	xast "github.com/cedar-policy/cedar-go/x/exp/ast"
)

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
