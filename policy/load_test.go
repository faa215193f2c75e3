package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		policy string
		kind   error
		want   string // exact first line of the error
	}{
		{"parse error", "@id(\"a\")\npermit(principal, action, resource)\nwhen { true ;", ErrParse,
			`test.cedar:3:14: parse error: unexpected ";", want "}"`},
		{"unknown action", "@id(\"a\")\npermit(\n  principal,\n  action == Action::\"drop_database\",\n  resource\n);", ErrUnknownAction,
			"test.cedar:4:13: policy \"a\": unrecognized action `Action::\"drop_database\"`"},
		{"unknown action group", "@id(\"a\")\npermit(principal, action in Action::\"users.nuke\", resource);", ErrUnknownAction,
			"test.cedar:2:29: policy \"a\": unrecognized action `Action::\"users.nuke\"`"},
		{"unknown action with a suggestion", "@id(\"a\")\npermit(principal, action == Action::\"create_usr\", resource);", ErrUnknownAction,
			"test.cedar:2:29: policy \"a\": unrecognized action `Action::\"create_usr\"` (did you mean Action::\"create_user\"?)"},
		{"unknown action with a prefix suggestion", "@id(\"a\")\npermit(principal, action == Action::\"delete_user\", resource);", ErrUnknownAction,
			"test.cedar:2:29: policy \"a\": unrecognized action `Action::\"delete_user\"` (did you mean Action::\"delete_users_batch\"?)"},
		{"unknown principal type", "@id(\"a\")\npermit(principal is Robot, action, resource);", ErrUnknownType,
			"test.cedar:2:21: policy \"a\": unrecognized entity type `Robot`"},
		{"unknown principal attribute", "@id(\"a\")\npermit(principal, action, resource)\nwhen {\n  principal.department == \"x\"\n};", ErrUnknownAttribute,
			"test.cedar:4:12: policy \"a\": attribute `department` on entity types CLIOperator, MCPClient, SlackUser not found"},
		{"unknown context attribute", "@id(\"a\")\npermit(principal, action, resource)\nwhen { context.weather == \"x\" };", ErrUnknownAttribute,
			"test.cedar:3:15: policy \"a\": attribute `weather` not found in context (it has surface, transport, channel, dryRun, approvals, targets)"},
		{"unguarded optional attribute", "@id(\"a\")\npermit(principal is SlackUser, action, resource)\nwhen { principal.email == \"x\" };", ErrInvalidPolicy,
			"test.cedar:3:17: policy \"a\": unable to guarantee safety of access to optional attribute `email` on entity type SlackUser"},
		{"type error", "@id(\"a\")\npermit(principal, action, resource)\nwhen { context.approvals == \"one\" };", ErrInvalidPolicy,
			"test.cedar:1:1: policy \"a\": "},
		{"unknown group", "// comment Group::\"ignored\"\n@id(\"a\")\npermit(principal in Group::\"sre\", action, resource);", ErrUnknownEntity,
			"test.cedar:3:21: policy \"a\": Group::\"sre\" is neither in the catalog nor in the entities file"},
		{"unknown operation entity", "@id(\"a\")\npermit(principal, action, resource == Operation::\"nope\");", ErrUnknownEntity,
			"test.cedar:2:39: policy \"a\": Operation::\"nope\" is neither in the catalog nor in the entities file"},
		{"duplicate id", "@id(\"a\")\npermit(principal, action, resource);\n@id(\"a\")\nforbid(principal, action, resource);", ErrInvalidPolicy,
			"test.cedar:3:1: duplicate policy id \"a\" (first at test.cedar:1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := loadText(t, tt.policy)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("error %v; want kind %v", err, tt.kind)
			}
			var les LoadErrors
			if !errors.As(err, &les) || len(les) == 0 {
				t.Fatalf("error %T is not LoadErrors", err)
			}
			first := strings.SplitN(err.Error(), "\n", 2)[0]
			if !strings.HasPrefix(first, tt.want) || (!strings.HasSuffix(tt.want, ": ") && first != tt.want) {
				t.Errorf("error\n got %s\nwant %s", first, tt.want)
			}
		})
	}
}

func TestLoadErrorsAcrossFiles(t *testing.T) {
	t.Parallel()
	_, err := Load(fixtureSchema(t), FromFiles([]File{
		{Name: "b.cedar", Data: []byte("permit(principal, action == Action::\"x\", resource);")},
		{Name: "a.cedar", Data: []byte("permit(principal,")},
	}, nil))
	var les LoadErrors
	if !errors.As(err, &les) || len(les) != 2 {
		t.Fatalf("got %v; want two LoadErrors", err)
	}
	if les[0].File != "a.cedar" || !errors.Is(les[0], ErrParse) || les[1].File != "b.cedar" || !errors.Is(les[1], ErrUnknownAction) {
		t.Errorf("errors not sorted by file or misclassified:\n%v", err)
	}
}

func TestLoadNoPolicies(t *testing.T) {
	t.Parallel()
	if _, err := Load(fixtureSchema(t), FromFiles(nil, nil)); !errors.Is(err, ErrNoPolicies) {
		t.Errorf("got %v; want ErrNoPolicies", err)
	}
}

func TestLoadEntitiesErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", "callers:\n  - id: cli:a\n    role: admin\n", "entities.yaml:3: field role not found in type policy.CallerSpec"},
		{"bad caller", "callers:\n  - id: cli:a\n  - id: irc:bob\n", `entities.yaml:3: bad caller id "irc:bob": unknown prefix "irc", want slack:, mcp: or cli:`},
		{"unknown group", "groups:\n  - id: a\ncallers:\n  - id: cli:a\n    groups: [a, b]\n", `entities.yaml:4: caller cli:a: unknown group "b"`},
		{"duplicate caller", "callers:\n  - id: cli:a\n  - id: cli:a\n", `entities.yaml:3: caller "cli:a" defined twice (first at line 2)`},
		{"duplicate group", "groups:\n  - id: a\n  - id: a\n", `entities.yaml:3: group "a" defined twice (first at line 2)`},
		{"group cycle", "groups:\n  - id: a\n    parents: [b]\n  - id: b\n    parents: [a]\n", `entities.yaml:2: group "a" is its own ancestor`},
		{"email on mcp", "callers:\n  - id: mcp:x\n    email: x@example.com\n", `entities.yaml:2: caller "mcp:x": email is not allowed on mcp: callers`},
		{"bad slack id", "callers:\n  - id: slack:T1\n", `entities.yaml:2: bad caller id "slack:T1": want slack:TEAM/USER`},
		{"not yaml", "callers: [\n", "entities.yaml:1: did not find expected node content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(fixtureSchema(t), FromFiles(
				[]File{{Name: "p.cedar", Data: []byte("permit(principal, action, resource);")}},
				&File{Name: "entities.yaml", Data: []byte(tt.yaml)}))
			if !errors.Is(err, ErrEntities) {
				t.Fatalf("got %v; want ErrEntities", err)
			}
			if got := strings.SplitN(err.Error(), "\n", 2)[0]; !strings.HasPrefix(got, tt.want) {
				t.Errorf("error\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestLoadStarterPolicies(t *testing.T) {
	t.Parallel()
	set, err := Load(fixtureSchema(t), starterSource())
	if err != nil {
		t.Fatal(err)
	}
	infos := set.Policies()
	if len(infos) < 7 {
		t.Fatalf("only %d starter policies", len(infos))
	}
	for _, p := range infos {
		if strings.Contains(p.ID, ".cedar:") {
			t.Errorf("starter policy at %s:%d has no @id", p.File, p.Line)
		}
	}
	if n := len(set.Callers()); n != 5 {
		t.Errorf("%d starter callers; want 5", n)
	}
}
