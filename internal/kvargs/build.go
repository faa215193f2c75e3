package kvargs

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/seed-afc46a91/authingops/authing"
)

// schemaNode is the part of a JSON Schema that typing a value needs.
type schemaNode struct {
	Ref        string                 `json:"$ref"`
	Type       string                 `json:"type"`
	Enum       []string               `json:"enum"`
	Items      *schemaNode            `json:"items"`
	AnyOf      []*schemaNode          `json:"anyOf"`
	Properties map[string]*schemaNode `json:"properties"`
	Defs       map[string]*schemaNode `json:"$defs"`
}

// Error is a problem with one argument word.
type Error struct {
	Key     string
	Problem string
}

func (e *Error) Error() string {
	if e.Key == "" {
		return e.Problem
	}
	return fmt.Sprintf("argument %q: %s", e.Key, e.Problem)
}

// Build turns words of the form key=value into the JSON arguments of op. A
// dotted key (options.pagination.page=2) fills a nested object. Values are
// typed by the schema: numbers, booleans (true/false, yes/no, 1/0), JSON for
// arrays and objects; a comma-separated list is accepted for an array of
// strings. Values that start with [ or { are parsed as JSON.
func Build(op *authing.Operation, words []string) (json.RawMessage, error) {
	var root schemaNode
	if err := json.Unmarshal(op.InputSchema, &root); err != nil {
		return nil, fmt.Errorf("schema of %s: %w", op.Name, err)
	}
	args := map[string]any{}
	for _, w := range words {
		key, val, ok := strings.Cut(w, "=")
		if !ok || key == "" {
			return nil, &Error{Key: w, Problem: "expected key=value"}
		}
		if err := set(args, &root, root.Defs, strings.Split(key, "."), key, val); err != nil {
			return nil, err
		}
	}
	b, err := json.Marshal(args)
	if err != nil {
		return nil, err
	}
	return b, nil
}

func set(obj map[string]any, s *schemaNode, defs map[string]*schemaNode, path []string, key, val string) error {
	s = deref(s, defs)
	name := path[0]
	prop, ok := s.Properties[name]
	if !ok {
		return &Error{Key: key, Problem: fmt.Sprintf("%q is not a field here; valid fields: %s", name, fieldList(s))}
	}
	prop = deref(prop, defs)
	if len(path) > 1 {
		if prop.Type != "object" {
			return &Error{Key: key, Problem: fmt.Sprintf("%q is not an object", name)}
		}
		child, _ := obj[name].(map[string]any)
		if child == nil {
			child = map[string]any{}
			obj[name] = child
		}
		return set(child, prop, defs, path[1:], key, val)
	}
	if _, dup := obj[name]; dup {
		return &Error{Key: key, Problem: "given more than once"}
	}
	v, err := typed(prop, defs, val)
	if err != nil {
		return &Error{Key: key, Problem: err.Error()}
	}
	obj[name] = v
	return nil
}

// typed converts a raw value to the JSON type its schema asks for.
func typed(s *schemaNode, defs map[string]*schemaNode, val string) (any, error) {
	s = deref(s, defs)
	t := s.Type
	if t == "" && len(s.AnyOf) > 0 {
		t = deref(s.AnyOf[0], defs).Type
	}
	if strings.HasPrefix(val, "[") || strings.HasPrefix(val, "{") {
		var v any
		if err := json.Unmarshal([]byte(val), &v); err != nil {
			return nil, fmt.Errorf("value is not valid JSON: %v", err)
		}
		return v, nil
	}
	switch t {
	case "integer":
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("expected a whole number, got %q", val)
		}
		return n, nil
	case "number":
		f, err := strconv.ParseFloat(val, 64)
		if err != nil {
			return nil, fmt.Errorf("expected a number, got %q", val)
		}
		return f, nil
	case "boolean":
		switch strings.ToLower(val) {
		case "true", "yes", "1", "on":
			return true, nil
		case "false", "no", "0", "off":
			return false, nil
		}
		return nil, fmt.Errorf("expected true or false, got %q", val)
	case "array":
		if val == "" {
			return []any{}, nil
		}
		var out []any
		for _, part := range strings.Split(val, ",") {
			v, err := typed(s.Items, defs, strings.TrimSpace(part))
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case "object":
		return nil, fmt.Errorf("expected a JSON object such as {\"key\":\"value\"}, or dotted keys")
	case "string":
		if len(s.Enum) > 0 && !contains(s.Enum, val) {
			return nil, fmt.Errorf("expected one of %s, got %q", strings.Join(s.Enum, ", "), val)
		}
		return val, nil
	}
	return val, nil
}

func deref(s *schemaNode, defs map[string]*schemaNode) *schemaNode {
	for s != nil && s.Ref != "" {
		s = defs[strings.TrimPrefix(s.Ref, "#/$defs/")]
	}
	if s == nil {
		return &schemaNode{}
	}
	return s
}

func fieldList(s *schemaNode) string {
	if len(s.Properties) == 0 {
		return "(none: this operation takes no arguments)"
	}
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
