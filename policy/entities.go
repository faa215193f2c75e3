package policy

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cedar-policy/cedar-go/types"
	"go.yaml.in/yaml/v3"
)

// EntitiesFile is the YAML entities file: the groups and the registered
// callers. A caller absent from it is denied everything.
//
//	groups:
//	  - id: admins
//	    name: Administrators          # optional, defaults to id
//	  - id: oncall-admins
//	    parents: [admins]             # groups nest
//	callers:
//	  - id: slack:T1/U1               # see ParseCaller
//	    name: Alice                   # optional, defaults to id
//	    email: alice@example.com      # optional; not for mcp: callers
//	    groups: [oncall-admins]
//
// Unknown keys, duplicate ids, unknown groups and group cycles are errors
// reported as file:line.
type EntitiesFile struct {
	Groups  []GroupSpec  `yaml:"groups"`
	Callers []CallerSpec `yaml:"callers"`
}

// GroupSpec is one group of the entities file.
type GroupSpec struct {
	ID      string   `yaml:"id"`
	Name    string   `yaml:"name"`
	Parents []string `yaml:"parents"`
	line    int
}

// CallerSpec is one registered caller of the entities file.
type CallerSpec struct {
	ID     string   `yaml:"id"`
	Name   string   `yaml:"name"`
	Email  string   `yaml:"email"`
	Groups []string `yaml:"groups"`
	line   int
}

// parseEntities decodes and checks an entities file and returns its
// principals and groups as Cedar entities.
func parseEntities(file string, data []byte) (types.EntityMap, error) {
	var f EntitiesFile
	if err := decodeEntities(file, data, &f); err != nil {
		return nil, err
	}
	var errs LoadErrors
	bad := func(line int, format string, args ...any) {
		errs = append(errs, &LoadError{File: file, Line: line, Kind: ErrEntities, Msg: fmt.Sprintf(format, args...)})
	}
	out := types.EntityMap{}
	groups := map[string]*GroupSpec{}
	for i := range f.Groups {
		g := &f.Groups[i]
		switch {
		case g.ID == "" || strings.ContainsAny(g.ID, " \t\n\""):
			bad(g.line, "group id %q: must be non-empty, without spaces or quotes", g.ID)
		case groups[g.ID] != nil:
			bad(g.line, "group %q defined twice (first at line %d)", g.ID, groups[g.ID].line)
		default:
			groups[g.ID] = g
		}
	}
	groupSet := func(line int, what string, ids []string) types.EntityUIDSet {
		uids := make([]types.EntityUID, 0, len(ids))
		for _, id := range ids {
			if groups[id] == nil {
				bad(line, "%s: unknown group %q", what, id)
				continue
			}
			uids = append(uids, types.NewEntityUID(TypeGroup, types.String(id)))
		}
		return types.NewEntityUIDSet(uids...)
	}
	for id, g := range groups {
		uid := types.NewEntityUID(TypeGroup, types.String(id))
		out[uid] = types.Entity{
			UID:        uid,
			Parents:    groupSet(g.line, "group "+id, g.Parents),
			Attributes: types.NewRecord(types.RecordMap{"name": types.String(cmp.Or(g.Name, id))}),
		}
	}
	if cyc := findGroupCycle(f.Groups); cyc != "" && groups[cyc] != nil {
		bad(groups[cyc].line, "group %q is its own ancestor", cyc)
	}
	seen := map[types.EntityUID]int{}
	for _, c := range f.Callers {
		uid, err := ParseCaller(c.ID)
		if err != nil {
			bad(c.line, "%v", err)
			continue
		}
		if first, dup := seen[uid]; dup {
			bad(c.line, "caller %q defined twice (first at line %d)", c.ID, first)
			continue
		}
		seen[uid] = c.line
		attrs := types.RecordMap{"name": types.String(cmp.Or(c.Name, c.ID))}
		switch uid.Type {
		case TypeSlackUser:
			team, user, _ := strings.Cut(string(uid.ID), "/")
			attrs["team"], attrs["user"] = types.String(team), types.String(user)
		case TypeMCPClient:
			if c.Email != "" {
				bad(c.line, "caller %q: email is not allowed on mcp: callers", c.ID)
			}
		}
		if c.Email != "" && uid.Type != TypeMCPClient {
			attrs["email"] = types.String(c.Email)
		}
		out[uid] = types.Entity{UID: uid, Parents: groupSet(c.line, "caller "+c.ID, c.Groups), Attributes: types.NewRecord(attrs)}
	}
	if len(errs) > 0 {
		sortLoadErrors(errs)
		return nil, errs
	}
	return out, nil
}

// decodeEntities decodes data strictly into f, recording each item's line.
func decodeEntities(file string, data []byte, f *EntitiesFile) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil && !errors.Is(err, io.EOF) {
		return LoadErrors{yamlLoadError(file, err)}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil || len(root.Content) == 0 {
		return nil // empty file: no callers, no groups
	}
	doc := root.Content[0]
	for i := 0; i+1 < len(doc.Content); i += 2 {
		items := doc.Content[i+1].Content
		switch doc.Content[i].Value {
		case "groups":
			for j := range min(len(items), len(f.Groups)) {
				f.Groups[j].line = items[j].Line
			}
		case "callers":
			for j := range min(len(items), len(f.Callers)) {
				f.Callers[j].line = items[j].Line
			}
		}
	}
	return nil
}

// yamlLoadError turns a YAML error ("yaml: line 3: ...") into a LoadError.
func yamlLoadError(file string, err error) *LoadError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
	line := 0
	if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
		_, msg, _ = strings.Cut(msg, ": ")
	}
	return &LoadError{File: file, Line: line, Kind: ErrEntities, Msg: strings.TrimSpace(msg)}
}

// findGroupCycle returns a group that is its own ancestor, or "".
func findGroupCycle(groups []GroupSpec) string {
	parents := map[string][]string{}
	for _, g := range groups {
		parents[g.ID] = g.Parents
	}
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	var visit func(id string) string
	visit = func(id string) string {
		switch state[id] {
		case visiting:
			return id
		case done:
			return ""
		}
		state[id] = visiting
		for _, p := range parents[id] {
			if c := visit(p); c != "" {
				return c
			}
		}
		state[id] = done
		return ""
	}
	for _, g := range groups {
		if c := visit(g.ID); c != "" {
			return c
		}
	}
	return ""
}
