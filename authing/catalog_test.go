package authing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/seed-afc46a91/authingops/authing"
)

func TestCatalogIsComplete(t *testing.T) {
	t.Parallel()
	if n := len(authing.Operations); n != 502 {
		t.Fatalf("catalog has %d operations, want 502", n)
	}
	seen := map[string]bool{}
	name := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	cats := map[string]bool{}
	for _, c := range authing.Categories {
		cats[c] = true
	}
	for i, op := range authing.Operations {
		if seen[op.Name] {
			t.Errorf("duplicate operation %s", op.Name)
		}
		seen[op.Name] = true
		if i > 0 && authing.Operations[i-1].Name >= op.Name {
			t.Errorf("catalog not sorted at %s", op.Name)
		}
		if !name.MatchString(op.Name) {
			t.Errorf("%s: name is not snake_case", op.Name)
		}
		if op.Summary == "" || op.Category == "" || !cats[op.Category] {
			t.Errorf("%s: summary %q, category %q", op.Name, op.Summary, op.Category)
		}
		if op.Destructive && !op.Write {
			t.Errorf("%s: destructive but not a write", op.Name)
		}
		if op.Invoke == nil {
			t.Errorf("%s: no invoker", op.Name)
		}
		if got, ok := authing.LookupOperation(op.Name); !ok || got != op {
			t.Errorf("%s: LookupOperation disagrees", op.Name)
		}
		if !strings.HasPrefix(op.Path, "/") {
			t.Errorf("%s: path %q", op.Name, op.Path)
		}
	}
	if len(authing.Categories) != 28 {
		t.Errorf("categories = %d, want 28", len(authing.Categories))
	}
}

// TestCatalogSchemasAreValid compiles every input schema, checks that it
// rejects unknown properties and that its properties match Params.
func TestCatalogSchemasAreValid(t *testing.T) {
	t.Parallel()
	for _, op := range authing.Operations {
		sch := compileSchema(t, op)
		var doc struct {
			Type                 string                     `json:"type"`
			Properties           map[string]json.RawMessage `json:"properties"`
			Required             []string                   `json:"required"`
			AdditionalProperties *bool                      `json:"additionalProperties"`
		}
		if err := json.Unmarshal(op.InputSchema, &doc); err != nil {
			t.Fatalf("%s: %v", op.Name, err)
		}
		if doc.Type != "object" || doc.AdditionalProperties == nil || *doc.AdditionalProperties {
			t.Errorf("%s: schema must be a closed object", op.Name)
		}
		if len(doc.Properties) != len(op.Params) {
			t.Errorf("%s: %d schema properties, %d params", op.Name, len(doc.Properties), len(op.Params))
		}
		var required []string
		for _, p := range op.Params {
			if _, ok := doc.Properties[p.Name]; !ok {
				t.Errorf("%s: param %s missing from schema", op.Name, p.Name)
			}
			if p.Required {
				required = append(required, p.Name)
			}
		}
		if fmt.Sprint(required) != fmt.Sprint(doc.Required) && !(len(required) == 0 && doc.Required == nil) {
			t.Errorf("%s: required %v, schema says %v", op.Name, required, doc.Required)
		}
		if err := sch.Validate(map[string]any{"__no_such_parameter__": 1}); err == nil {
			t.Errorf("%s: schema accepts an unknown property", op.Name)
		}
	}
}

func compileSchema(t *testing.T, op *authing.Operation) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(op.InputSchema))
	if err != nil {
		t.Fatalf("%s: schema is not JSON: %v", op.Name, err)
	}
	c := jsonschema.NewCompiler()
	url := "mem://" + op.Name + ".json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatalf("%s: %v", op.Name, err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatalf("%s: schema does not compile: %v", op.Name, err)
	}
	return sch
}

// TestEveryOperationSendsItsMethodAndPath invokes each operation with the
// smallest schema-valid arguments against a recording server.
func TestEveryOperationSendsItsMethodAndPath(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	for i, op := range authing.Operations {
		args := minimalArgs(t, op)
		if err := compileSchema(t, op).Validate(mustAny(args)); err != nil {
			t.Fatalf("%s: generated arguments are not schema-valid: %v", op.Name, err)
		}
		if _, err := op.Invoke(context.Background(), c, args); err != nil {
			t.Fatalf("%s: invoke: %v", op.Name, err)
		}
		rec := f.recorded()
		if len(rec) != i+1 {
			t.Fatalf("%s: %d requests recorded, want %d", op.Name, len(rec), i+1)
		}
		r := rec[i]
		wantPath := strings.ReplaceAll(op.Path, "{id}", "x")
		if r.Method != op.Method || r.Path != wantPath {
			t.Errorf("%s: sent %s %s, want %s %s", op.Name, r.Method, r.Path, op.Method, wantPath)
		}
		if hasBody := len(r.Body) > 0; hasBody != (op.ParamsIn == "body") {
			t.Errorf("%s: body %q for params in %s", op.Name, r.Body, op.ParamsIn)
		}
	}
}

func mustAny(b []byte) any {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		panic(err)
	}
	return v
}

// minimalArgs fills the required properties of an operation's schema.
func minimalArgs(t *testing.T, op *authing.Operation) json.RawMessage {
	t.Helper()
	var root map[string]any
	if err := json.Unmarshal(op.InputSchema, &root); err != nil {
		t.Fatal(err)
	}
	defs, _ := root["$defs"].(map[string]any)
	v := fill(root, defs, 0)
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fill(s map[string]any, defs map[string]any, depth int) any {
	if ref, ok := s["$ref"].(string); ok {
		return fill(defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any), defs, depth+1)
	}
	if enum, ok := s["enum"].([]any); ok {
		return enum[0]
	}
	if alts, ok := s["anyOf"].([]any); ok {
		return fill(alts[0].(map[string]any), defs, depth)
	}
	switch s["type"] {
	case "string":
		return "x"
	case "number", "integer":
		return 1
	case "boolean":
		return true
	case "array":
		return []any{}
	case "object":
		out := map[string]any{}
		props, _ := s["properties"].(map[string]any)
		req, _ := s["required"].([]any)
		for _, r := range req {
			out[r.(string)] = fill(props[r.(string)].(map[string]any), defs, depth+1)
		}
		return out
	}
	return "x"
}
