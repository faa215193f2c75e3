package main

import (
	"bytes"
	"encoding/json"
	"strings"
)

// jsonSchema is the subset of JSON Schema 2020-12 the generator writes. Its
// field order and the sorted keys of its maps make the output deterministic.
type jsonSchema struct {
	Ref                  string                 `json:"$ref,omitempty"`
	Type                 any                    `json:"type,omitempty"`
	Description          string                 `json:"description,omitempty"`
	Enum                 []string               `json:"enum,omitempty"`
	Default              any                    `json:"default,omitempty"`
	Minimum              *int                   `json:"minimum,omitempty"`
	Maximum              *int                   `json:"maximum,omitempty"`
	Items                *jsonSchema            `json:"items,omitempty"`
	AnyOf                []*jsonSchema          `json:"anyOf,omitempty"`
	Properties           map[string]*jsonSchema `json:"properties,omitempty"`
	Required             []string               `json:"required,omitempty"`
	AdditionalProperties *bool                  `json:"additionalProperties,omitempty"`
	Defs                 map[string]*jsonSchema `json:"$defs,omitempty"`
}

func intp(v int) *int { return &v }

var no = false

// inputSchema builds the complete input schema of an operation: its
// parameters, and every model they reach under $defs. Unknown properties are
// rejected at every level.
func (r *resolver) inputSchema(op *operation) ([]byte, error) {
	defs := map[string]*jsonSchema{}
	root := r.objectSchema(op.Fields, defs)
	if op.Summary != "" {
		root.Description = op.Summary
	}
	if len(defs) > 0 {
		root.Defs = defs
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func (r *resolver) objectSchema(fields []*field, defs map[string]*jsonSchema) *jsonSchema {
	s := &jsonSchema{Type: "object", AdditionalProperties: &no}
	if len(fields) > 0 {
		s.Properties = map[string]*jsonSchema{}
	}
	for _, f := range fields {
		p := r.typeSchema(f.Type, defs)
		if d := cleanDesc(f.Desc); d != "" {
			p.Description = d
		}
		if v, ok := coerceDefault(f.Default, f.Type); ok {
			p.Default = v
		}
		switch f.Wire {
		case "page", "pageNo":
			if f.Type.kind == kInteger {
				p.Minimum = intp(1)
			}
		case "limit":
			if f.Type.kind == kInteger {
				p.Minimum, p.Maximum = intp(1), intp(50)
			}
		}
		s.Properties[f.Wire] = p
		if f.Required {
			s.Required = append(s.Required, f.Wire)
		}
	}
	return s
}

// typeSchema returns the schema of a type, adding the models it refers to to
// defs.
func (r *resolver) typeSchema(t *typeExpr, defs map[string]*jsonSchema) *jsonSchema {
	switch t.kind {
	case kString:
		return &jsonSchema{Type: "string"}
	case kNumber:
		return &jsonSchema{Type: "number"}
	case kInteger:
		return &jsonSchema{Type: "integer"}
	case kBoolean:
		return &jsonSchema{Type: "boolean"}
	case kEnum:
		return &jsonSchema{Type: "string", Enum: append([]string(nil), t.values...)}
	case kArray:
		return &jsonSchema{Type: "array", Items: r.typeSchema(t.elem, defs)}
	case kNullable:
		return &jsonSchema{AnyOf: []*jsonSchema{r.typeSchema(t.elem, defs), {Type: "null"}}}
	case kUnion:
		s := &jsonSchema{}
		for _, a := range t.alts {
			s.AnyOf = append(s.AnyOf, r.typeSchema(a, defs))
		}
		return s
	case kModel:
		m := r.models[t.model]
		if _, ok := defs[m.Go]; !ok {
			defs[m.Go] = nil // placeholder: stops recursion on cyclic models
			d := r.objectSchema(m.Fields, defs)
			d.Description = cleanDesc(m.Desc)
			defs[m.Go] = d
		}
		return &jsonSchema{Ref: "#/$defs/" + m.Go}
	default:
		return &jsonSchema{}
	}
}

// coerceDefault returns the data's default value in the type of the field,
// or false when it cannot be represented.
func coerceDefault(v any, t *typeExpr) (any, bool) {
	if v == nil {
		return nil, false
	}
	switch t.kind {
	case kBoolean:
		switch x := v.(type) {
		case bool:
			return x, true
		case string:
			if x == "true" || x == "false" {
				return x == "true", true
			}
		}
	case kNumber, kInteger:
		if x, ok := v.(float64); ok {
			return x, true
		}
	case kString:
		if x, ok := v.(string); ok {
			return x, true
		}
	case kEnum:
		if x, ok := v.(string); ok {
			for _, e := range t.values {
				if e == x {
					return x, true
				}
			}
		}
	}
	return nil, false
}

// cleanDesc trims a description and drops trailing blank lines.
func cleanDesc(s string) string {
	return strings.TrimSpace(s)
}
