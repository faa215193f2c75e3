package authingtest

import (
	"fmt"
	"slices"
	"time"
)

// state is the user pool in memory. Every access holds Server.mu.
type state struct {
	poolID string
	seq    int
	users  map[string]*user
	roles  map[roleKey]*role
	groups map[string]*group // by code
	orgs   map[string]*org   // by organization code
	depts  map[string]*dept  // by department id (roots included)
	apps   map[string]*app   // by app id
}

func newState(poolID string) *state {
	return &state{
		poolID: poolID,
		users:  map[string]*user{},
		roles:  map[roleKey]*role{},
		groups: map[string]*group{},
		orgs:   map[string]*org{},
		depts:  map[string]*dept{},
		apps:   map[string]*app{},
	}
}

// nextID returns a fresh 24-hex-digit id shaped like Authing's ids. Ids are
// sequential, so a seeded pool is the same on every start.
func (st *state) nextID() string {
	st.seq++
	return fmt.Sprintf("5a4d%020x", st.seq)
}

// isoTime renders t as Authing does (ISO 8601, UTC, milliseconds).
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// idList is an ordered set of ids.
type idList []string

func (l idList) has(id string) bool { return slices.Contains(l, id) }

func (l *idList) add(id string) bool {
	if l.has(id) {
		return false
	}
	*l = append(*l, id)
	return true
}

func (l *idList) remove(id string) bool {
	i := slices.Index(*l, id)
	if i < 0 {
		return false
	}
	*l = slices.Delete(*l, i, i+1)
	return true
}

// removeUserEverywhere drops a deleted user from roles, groups, departments
// and leader lists, so writes to one resource show in the others.
func (st *state) removeUserEverywhere(id string) {
	for _, r := range st.roles {
		r.users.remove(id)
	}
	for _, g := range st.groups {
		g.members.remove(id)
	}
	for _, d := range st.depts {
		d.members.remove(id)
		d.leaders.remove(id)
	}
	for _, o := range st.orgs {
		o.leaders.remove(id)
	}
	delete(st.users, id)
}

// sortedBySeq returns the values of m ordered by creation.
func sortedBySeq[K comparable, V interface{ order() int }](m map[K]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b V) int { return a.order() - b.order() })
	return out
}
