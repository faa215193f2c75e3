package policy

import (
	"testing"

	"github.com/seed-afc46a91/authingops/examples/policies"
)

// fixtureActions is a small slice of the catalog, enough for the starter
// policies.
var fixtureActions = []Action{
	{Name: "list_users", Category: "users"},
	{Name: "get_user", Category: "users"},
	{Name: "create_user", Category: "users", Write: true},
	{Name: "update_user", Category: "users", Write: true},
	{Name: "update_user_batch", Category: "users", Write: true},
	{Name: "kick_users", Category: "users", Write: true, Destructive: true},
	{Name: "resign_user", Category: "users", Write: true, Destructive: true},
	{Name: "resign_user_batch", Category: "users", Write: true, Destructive: true},
	{Name: "delete_users_batch", Category: "users", Write: true, Destructive: true},
	{Name: "list_roles", Category: "roles"},
	{Name: "assign_role", Category: "roles", Write: true},
	{Name: "create_role", Category: "roles", Write: true},
	{Name: "delete_roles", Category: "roles", Write: true, Destructive: true},
	{Name: "delete_roles_batch", Category: "roles", Write: true, Destructive: true},
	{Name: "delete_admin_roles_batch", Category: "roles", Write: true, Destructive: true},
	{Name: "get_access_key_list", Category: "access_keys"},
	{Name: "create_access_key", Category: "access_keys", Write: true},
	{Name: "delete_access_key", Category: "access_keys", Write: true, Destructive: true},
	{Name: "list_groups", Category: "groups"},
	{Name: "create_group", Category: "groups", Write: true},
}

func fixtureSchema(t testing.TB) *Schema {
	t.Helper()
	s, err := NewSchema(fixtureActions)
	if err != nil {
		t.Fatalf("NewSchema: %v", err)
	}
	return s
}

func starterSource() Source { return FromFS(policies.Starter, ".", policies.StarterEntities) }

func starterEngine(t testing.TB) *Engine {
	t.Helper()
	e, err := NewEngine(fixtureSchema(t), starterSource(), Options{})
	if err != nil {
		t.Fatalf("NewEngine(starter): %v", err)
	}
	return e
}

// testEntities registers a few callers for hand-written test policies.
const testEntities = `groups:
  - id: admins
  - id: oncall
    parents: [admins]
callers:
  - id: slack:T1/U1
    name: Alice
    email: alice@example.com
    groups: [oncall]
  - id: slack:T1/U2
    name: Bob
  - id: cli:root
  - id: mcp:bot
`

// loadText loads one policy file with testEntities.
func loadText(t testing.TB, policy string) (*Set, error) {
	t.Helper()
	return Load(fixtureSchema(t), FromFiles(
		[]File{{Name: "test.cedar", Data: []byte(policy)}},
		&File{Name: "entities.yaml", Data: []byte(testEntities)}))
}
