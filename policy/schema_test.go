package policy

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestSchemaDeterministic(t *testing.T) {
	t.Parallel()
	a := fixtureSchema(t)
	rev := slices.Clone(fixtureActions)
	slices.Reverse(rev)
	b, err := NewSchema(rev)
	if err != nil {
		t.Fatal(err)
	}
	if a.Text() != b.Text() {
		t.Error("schema text depends on the order of the actions")
	}
	for _, want := range []string{
		`action "users.destructive" in ["users.write", "destructive"];`,
		`action "users.write" in ["users", "write"];`,
		`action "destructive" in ["write"];`,
		`action "approve" appliesTo`,
		`action "delete_users_batch", "kick_users", "resign_user", "resign_user_batch" in ["users.destructive"] appliesTo`,
		`entity Operation in [OperationGroup]`,
	} {
		if !strings.Contains(a.Text(), want) {
			t.Errorf("schema lacks %s", want)
		}
	}
	groups := a.Groups()
	for _, g := range []string{"read", "write", "destructive", "users", "users.read", "users.write", "users.destructive", "groups.write", "access_keys"} {
		if !slices.Contains(groups, g) {
			t.Errorf("no group %q in %v", g, groups)
		}
	}
	if slices.Contains(groups, "groups.destructive") {
		t.Error("a category without destructive operations got a destructive group")
	}
}

func TestSchemaRejectsBadCatalogs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		actions []Action
	}{
		{"empty", nil},
		{"duplicate", []Action{{Name: "a", Category: "c"}, {Name: "a", Category: "c"}}},
		{"collides with group", []Action{{Name: "write", Category: "c"}}},
		{"collides with category", []Action{{Name: "users", Category: "users"}}},
		{"bad name", []Action{{Name: "Delete User", Category: "users"}}},
		{"bad category", []Action{{Name: "x", Category: "read"}}},
		{"no category", []Action{{Name: "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := NewSchema(tt.actions); !errors.Is(err, ErrSchema) {
				t.Errorf("NewSchema = %v; want ErrSchema", err)
			}
		})
	}
}

func TestSchemaDestructiveImpliesWrite(t *testing.T) {
	t.Parallel()
	s, err := NewSchema([]Action{{Name: "wipe", Category: "c", Destructive: true}})
	if err != nil {
		t.Fatal(err)
	}
	a, ok := s.Lookup("wipe")
	if !ok || !a.Write || a.Kind() != KindDestructive {
		t.Errorf("Lookup(wipe) = %+v, %v", a, ok)
	}
	if !strings.Contains(s.Text(), `action "c.write" in ["c", "write"];`) {
		t.Error("c.write group missing for a category with only destructive operations")
	}
}
