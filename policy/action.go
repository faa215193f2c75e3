package policy

import (
	"cmp"
	"fmt"
	"slices"
)

// Action describes one catalog operation as the policy layer sees it.
type Action struct {
	// Name is the operation name, e.g. "delete_users_batch"; it becomes
	// Action::"delete_users_batch".
	Name string
	// Category is the catalog category, e.g. "users".
	Category string
	// Write is true when the operation changes state.
	Write bool
	// Destructive is true when the operation deletes, revokes, disables...
	// A destructive operation is always treated as a write.
	Destructive bool
}

// Kind returns "read", "write" or "destructive".
func (a Action) Kind() string {
	switch {
	case a.Destructive:
		return KindDestructive
	case a.Write:
		return KindWrite
	default:
		return KindRead
	}
}

// Action kinds; each is also the name of an action group.
const (
	KindRead        = "read"
	KindWrite       = "write"
	KindDestructive = "destructive"
)

// ApproveAction is the name of the action asked by [Engine.CanApprove].
const ApproveAction = "approve"

// groupName returns the category-and-kind group of an action, e.g. "users.write".
func groupName(category, kind string) string { return category + "." + kind }

// parentsOfGroup returns the parent groups of a category-and-kind group.
func parentsOfGroup(category, kind string) []string {
	switch kind {
	case KindDestructive:
		return []string{groupName(category, KindWrite), KindDestructive}
	default:
		return []string{category, kind}
	}
}

// normalizeActions checks names and returns the actions sorted by name, with
// Write forced on destructive actions and the set of groups they need.
func normalizeActions(in []Action) ([]Action, error) {
	if len(in) == 0 {
		return nil, fmt.Errorf("%w: no actions", ErrSchema)
	}
	out := slices.Clone(in)
	for i := range out {
		if out[i].Destructive {
			out[i].Write = true
		}
	}
	slices.SortFunc(out, func(a, b Action) int { return cmp.Compare(a.Name, b.Name) })
	reserved := map[string]bool{KindRead: true, KindWrite: true, KindDestructive: true, ApproveAction: true}
	for _, a := range out {
		if !validName(a.Category) || reserved[a.Category] {
			return nil, fmt.Errorf("%w: action %q: bad category %q", ErrSchema, a.Name, a.Category)
		}
	}
	for _, a := range out {
		reserved[a.Category] = true
	}
	for i, a := range out {
		if !validName(a.Name) {
			return nil, fmt.Errorf("%w: bad action name %q", ErrSchema, a.Name)
		}
		if i > 0 && out[i-1].Name == a.Name {
			return nil, fmt.Errorf("%w: action %q declared twice", ErrSchema, a.Name)
		}
		if reserved[a.Name] {
			return nil, fmt.Errorf("%w: action %q collides with a group name", ErrSchema, a.Name)
		}
	}
	return out, nil
}

// validName reports whether s is a lower-case snake_case identifier.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}
