package authingtest

import (
	"context"
	"fmt"
	"time"
)

// The demo credentials. They are fixed so that the quick start and scripts
// can rely on them, and they only ever open a sandbox.
const (
	DemoAccessKeyID     = "sandbox-access-key-id"
	DemoAccessKeySecret = "sandbox-access-key-secret-not-for-production"
	DemoUserPoolID      = "sandbox-userpool"
)

// Demo seed contents, for tests and docs that refer to them.
const (
	DemoOrganizationCode = "sandbox-corp"
	DemoAppIdentifier    = "sandbox-portal"
)

// demoUsers are the users of the demo seed.
var demoUsers = []map[string]any{
	{"username": "alice", "email": "alice@sandbox.example", "name": "Alice Admin", "phone": "13800000001"},
	{"username": "bob", "email": "bob@sandbox.example", "name": "Bob Builder"},
	{"username": "carol", "email": "carol@sandbox.example", "name": "Carol Chen"},
	{"username": "dave", "email": "dave@sandbox.example", "name": "Dave Ops"},
	{"username": "erin", "email": "erin@sandbox.example", "name": "Erin Support", "status": "Suspended"},
}

// seedDemo fills st with the demo pool: five users, three roles, two groups,
// one organization with three departments and one application.
func seedDemo(st *state, now time.Time) error {
	ids := map[string]string{}
	for _, u := range demoUsers {
		created, err := st.createUser(args(u), "", now)
		if err != nil {
			return fmt.Errorf("user %v: %w", u["username"], err)
		}
		ids[u["username"].(string)] = created.id
	}
	roles := []struct{ code, name, desc string }{
		{"admin", "Administrator", "Full access to the sandbox pool"},
		{"developer", "Developer", "Builds applications"},
		{"auditor", "Auditor", "Reads audit logs"},
	}
	for _, r := range roles {
		id := st.nextID()
		st.roles[keyOf("", r.code)] = &role{
			id: id, code: r.code, name: r.name, description: r.desc,
			namespace: defaultNamespace, status: "ENABLE", seq: st.seq,
		}
	}
	st.roles[keyOf("", "admin")].users = idList{ids["alice"]}
	st.roles[keyOf("", "developer")].users = idList{ids["bob"], ids["carol"]}
	st.roles[keyOf("", "auditor")].users = idList{ids["dave"]}

	groups := []struct{ code, name string }{{"engineering", "Engineering"}, {"oncall", "On-call"}}
	for _, g := range groups {
		id := st.nextID()
		st.groups[g.code] = &group{
			id: id, code: g.code, name: g.name, typ: "static",
			customData: map[string]any{}, seq: st.seq,
		}
	}
	st.groups["engineering"].members = idList{ids["bob"], ids["carol"]}
	st.groups["oncall"].members = idList{ids["alice"], ids["dave"]}

	o, err := st.createOrg(DemoOrganizationCode, "Sandbox Corp", "The demo organization", "", now)
	if err != nil {
		return fmt.Errorf("organization: %w", err)
	}
	mk := func(parent, code, name string, members ...string) *dept {
		id := st.nextID()
		d := &dept{
			id: id, orgCode: o.code, parentID: parent, code: code, name: name,
			customData: map[string]any{}, seq: st.seq, createdAt: now, updatedAt: now,
		}
		for _, m := range members {
			d.members.add(ids[m])
		}
		st.depts[d.id] = d
		return d
	}
	eng := mk(o.rootID, "eng", "Engineering", "bob", "carol")
	mk(eng.id, "platform", "Platform", "dave")
	mk(o.rootID, "support", "Support", "erin")
	eng.leaders.add(ids["bob"])

	if _, err := st.createApp(args{
		"appName": "Sandbox Portal", "appIdentifier": DemoAppIdentifier, "appType": "web",
		"redirectUris": []any{"http://localhost:3000/callback"},
	}, now); err != nil {
		return fmt.Errorf("application: %w", err)
	}
	return nil
}

// StartDemo starts a sandbox on 127.0.0.1:0 with the demo seed and the demo
// credentials, for commands run with --sandbox. The server stops when ctx is
// done; Close stops it earlier.
func StartDemo(ctx context.Context) (*Server, Credentials, error) {
	s, err := NewServer(Options{Seed: SeedDemo})
	if err != nil {
		return nil, Credentials{}, fmt.Errorf("authingtest: start demo sandbox: %w", err)
	}
	go func() {
		select {
		case <-ctx.Done():
			shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := s.Shutdown(shut); err != nil {
				_ = s.Close()
			}
		case <-s.done:
		}
	}()
	return s, s.Credentials(), nil
}
