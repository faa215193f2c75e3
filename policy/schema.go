package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cedar-policy/cedar-go/types"
	"github.com/cedar-policy/cedar-go/x/exp/schema"
	"github.com/cedar-policy/cedar-go/x/exp/schema/validate"
)

// Entity type names of the generated schema.
const (
	TypeSlackUser      = types.EntityType("SlackUser")
	TypeMCPClient      = types.EntityType("MCPClient")
	TypeCLIOperator    = types.EntityType("CLIOperator")
	TypeGroup          = types.EntityType("Group")
	TypeOperation      = types.EntityType("Operation")
	TypeOperationGroup = types.EntityType("OperationGroup")
	TypeAction         = types.EntityType("Action")
)

// schemaHeader declares everything that does not depend on the catalog.
const schemaHeader = `// Cedar schema of authingops, generated from the operation catalog.

// Context of every request.
type Context = {
  // "mcp", "slack" or "cli".
  surface: String,
  // How the surface was reached, e.g. "stdio", "http", "socket".
  transport: String,
  // Slack channel id, or "" elsewhere.
  channel: String,
  // True when the call only validates and previews.
  dryRun: Bool,
  // Number of distinct approvers, the caller excluded.
  approvals: Long,
  // Ids of the users, roles... the call targets, when known.
  targets: Set<String>,
};

// Groups of principals; groups nest.
entity Group in [Group] {
  name: String,
};

// A Slack user, caller id "slack:TEAM/USER", entity id "TEAM/USER".
entity SlackUser in [Group] {
  name: String,
  email?: String,
  team: String,
  user: String,
};

// An MCP client (AI assistant), caller id "mcp:CLIENT", entity id "CLIENT".
entity MCPClient in [Group] {
  name: String,
};

// A CLI operator, caller id "cli:OSUSER", entity id "OSUSER".
entity CLIOperator in [Group] {
  name: String,
  email?: String,
};

// Groups of operations; their ids mirror the action groups ("users.write").
entity OperationGroup in [OperationGroup];

// The resource of every request: the operation called or approved.
entity Operation in [OperationGroup] {
  category: String,
  write: Bool,
  destructive: Bool,
};
`

const appliesTo = ` appliesTo {
  principal: [SlackUser, MCPClient, CLIOperator],
  resource: [Operation],
  context: Context,
}`

// Schema is the Cedar schema generated from a list of actions, with the
// catalog entities (actions, action groups, operations) every decision needs.
type Schema struct {
	text      string
	actions   map[string]Action
	names     []string // sorted operation names
	groups    []group  // sorted by name
	validator *validate.Validator
	entities  types.EntityMap // actions, operations and their groups
}

// group is one action group with its parents.
type group struct {
	name    string
	parents []string
}

// NewSchema generates the Cedar schema for actions. The result is the same
// for the same set of actions, whatever their order.
func NewSchema(actions []Action) (*Schema, error) {
	acts, err := normalizeActions(actions)
	if err != nil {
		return nil, err
	}
	s := &Schema{actions: make(map[string]Action, len(acts)), entities: types.EntityMap{}}
	groups := map[string][]string{KindRead: nil, KindWrite: nil, KindDestructive: {KindWrite}}
	byGroup := map[string][]string{}
	for _, a := range acts {
		s.actions[a.Name] = a
		s.names = append(s.names, a.Name)
		kind := a.Kind()
		groups[a.Category] = nil
		g := groupName(a.Category, kind)
		groups[g] = parentsOfGroup(a.Category, kind)
		if kind == KindDestructive { // make sure "users.write" exists
			w := groupName(a.Category, KindWrite)
			groups[w] = parentsOfGroup(a.Category, KindWrite)
		}
		byGroup[g] = append(byGroup[g], a.Name)
	}
	for name, parents := range groups {
		s.groups = append(s.groups, group{name: name, parents: parents})
	}
	slices.SortFunc(s.groups, func(a, b group) int { return strings.Compare(a.name, b.name) })

	var b strings.Builder
	b.WriteString(schemaHeader)
	b.WriteString("\n// Action groups: kinds, categories, and categories by kind.\n")
	for _, g := range s.groups {
		fmt.Fprintf(&b, "action %q%s;\n", g.name, parentList(g.parents))
	}
	b.WriteString("\n// Approving another caller's call; the resource is the operation approved.\n")
	fmt.Fprintf(&b, "action %q%s;\n", ApproveAction, appliesTo)
	b.WriteString("\n// Catalog operations, by group.\n")
	for _, g := range s.groups {
		names := byGroup[g.name]
		if len(names) == 0 {
			continue
		}
		quoted := make([]string, len(names))
		for i, n := range names {
			quoted[i] = fmt.Sprintf("%q", n)
		}
		fmt.Fprintf(&b, "action %s%s%s;\n", strings.Join(quoted, ", "), parentList([]string{g.name}), appliesTo)
	}
	s.text = b.String()

	var cs schema.Schema
	cs.SetFilename("schema.cedarschema")
	if err := cs.UnmarshalCedar([]byte(s.text)); err != nil {
		return nil, fmt.Errorf("%w: generated schema does not parse: %w", ErrSchema, err)
	}
	resolved, err := cs.Resolve()
	if err != nil {
		return nil, fmt.Errorf("%w: generated schema does not resolve: %w", ErrSchema, err)
	}
	s.validator = validate.New(resolved, validate.WithStrict())
	s.buildEntities()
	return s, nil
}

// parentList renders ` in ["a", "b"]`, or "" without parents.
func parentList(parents []string) string {
	if len(parents) == 0 {
		return ""
	}
	q := make([]string, len(parents))
	for i, p := range parents {
		q[i] = fmt.Sprintf("%q", p)
	}
	return " in [" + strings.Join(q, ", ") + "]"
}

// buildEntities adds the action, operation and group entities to s.entities.
func (s *Schema) buildEntities() {
	uids := func(t types.EntityType, names []string) types.EntityUIDSet {
		u := make([]types.EntityUID, len(names))
		for i, n := range names {
			u[i] = types.NewEntityUID(t, types.String(n))
		}
		return types.NewEntityUIDSet(u...)
	}
	for _, g := range s.groups {
		for _, t := range []types.EntityType{TypeAction, TypeOperationGroup} {
			uid := types.NewEntityUID(t, types.String(g.name))
			s.entities[uid] = types.Entity{UID: uid, Parents: uids(t, g.parents)}
		}
	}
	approve := types.NewEntityUID(TypeAction, ApproveAction)
	s.entities[approve] = types.Entity{UID: approve}
	for _, a := range s.actions {
		parent := []string{groupName(a.Category, a.Kind())}
		uid := types.NewEntityUID(TypeAction, types.String(a.Name))
		s.entities[uid] = types.Entity{UID: uid, Parents: uids(TypeAction, parent)}
		op := types.NewEntityUID(TypeOperation, types.String(a.Name))
		s.entities[op] = types.Entity{
			UID:     op,
			Parents: uids(TypeOperationGroup, parent),
			Attributes: types.NewRecord(types.RecordMap{
				"category":    types.String(a.Category),
				"write":       types.Boolean(a.Write),
				"destructive": types.Boolean(a.Destructive),
			}),
		}
	}
}

// Text returns the schema in Cedar's human-readable schema format.
func (s *Schema) Text() string { return s.text }

// Operations returns the operation names, sorted.
func (s *Schema) Operations() []string { return slices.Clone(s.names) }

// Lookup returns the action called name.
func (s *Schema) Lookup(name string) (Action, bool) {
	a, ok := s.actions[name]
	return a, ok
}

// Groups returns the names of the action groups, sorted.
func (s *Schema) Groups() []string {
	out := make([]string, len(s.groups))
	for i, g := range s.groups {
		out[i] = g.name
	}
	return out
}
