package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/seed-afc46a91/authingops/authing"
)

// Compact schemas.
//
// The catalog's input schemas carry Authing's Chinese field descriptions,
// often several hundred characters each; with every tool listed they would
// fill a model's context window. The schema a tool publishes keeps every
// property, type, enum, bound, default, required list, $ref and
// additionalProperties:false — it validates exactly what the catalog schema
// validates — and drops descriptions, except a top-level property's
// description of at most maxTopDescription characters. describe_operation
// returns the full schema with every description.

// maxTopDescription is the longest top-level property description kept in a
// compact schema, in characters.
const maxTopDescription = 0

// Argument names the server adds to operation tools. No catalog operation
// uses them.
const (
	argDryRun  = "dry_run"
	argConfirm = "confirm"
)

var (
	dryRunProperty  = map[string]any{"type": "boolean"}
	confirmProperty = map[string]any{"type": "boolean"}
)

// compactSchema returns the published input schema of op's tool and the
// largest page size the schema allows (0 when it is not paginated).
func compactSchema(op *authing.Operation) (json.RawMessage, int, error) {
	root, err := decodeSchema(op.InputSchema)
	if err != nil {
		return nil, 0, fmt.Errorf("schema of %s: %w", op.Name, err)
	}
	pageMax := pageLimit(root)
	delete(root, "description")
	props, _ := root["properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
		root["properties"] = props
	}
	for name, p := range props {
		pm, ok := p.(map[string]any)
		if !ok {
			continue
		}
		desc, _ := pm["description"].(string)
		stripDescriptions(pm)
		if desc != "" && utf8.RuneCountInString(desc) <= maxTopDescription {
			pm["description"] = desc
		}
		props[name] = pm
	}
	if defs, ok := root["$defs"].(map[string]any); ok {
		for _, d := range defs {
			stripDescriptions(d)
		}
	}
	inlineSingleUseDefs(root)
	if op.Write {
		props[argDryRun] = dryRunProperty
	}
	if op.Destructive {
		props[argConfirm] = confirmProperty
	}
	if _, ok := root["type"]; !ok {
		root["type"] = "object"
	}
	out, err := encodeJSON(root)
	if err != nil {
		return nil, 0, fmt.Errorf("schema of %s: %w", op.Name, err)
	}
	return out, pageMax, nil
}

// inlineSingleUseDefs replaces each $ref to a definition used exactly once
// (and not by itself) with the definition, and drops it from $defs: the
// same constraints in fewer tokens.
func inlineSingleUseDefs(root map[string]any) {
	defs, ok := root["$defs"].(map[string]any)
	if !ok {
		return
	}
	for changed := true; changed; {
		changed = false
		counts := map[string]int{}
		countRefs(root, counts)
		for name, def := range defs {
			if counts[name] != 1 || refersTo(def, name) {
				continue
			}
			if replaceRef(root, "#/$defs/"+name, def) {
				delete(defs, name)
				changed = true
			}
		}
	}
	if len(defs) == 0 {
		delete(root, "$defs")
	}
}

func countRefs(v any, counts map[string]int) {
	switch t := v.(type) {
	case map[string]any:
		if ref, ok := t["$ref"].(string); ok {
			counts[strings.TrimPrefix(ref, "#/$defs/")]++
		}
		for _, x := range t {
			countRefs(x, counts)
		}
	case []any:
		for _, x := range t {
			countRefs(x, counts)
		}
	}
}

func refersTo(v any, name string) bool {
	counts := map[string]int{}
	countRefs(v, counts)
	return counts[name] > 0
}

// replaceRef replaces the node {"$ref": ref} (a node with no other keyword)
// under v with def. It reports whether it did.
func replaceRef(v any, ref string, def any) bool {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if m, ok := x.(map[string]any); ok && len(m) == 1 && m["$ref"] == ref {
				t[k] = def
				return true
			}
			if replaceRef(x, ref, def) {
				return true
			}
		}
	case []any:
		for i, x := range t {
			if m, ok := x.(map[string]any); ok && len(m) == 1 && m["$ref"] == ref {
				t[i] = def
				return true
			}
			if replaceRef(x, ref, def) {
				return true
			}
		}
	}
	return false
}

// pageLimit finds the maximum of a "limit" or "pageSize" property anywhere
// in the schema.
func pageLimit(v any) int {
	best := 0
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			if props, ok := t["properties"].(map[string]any); ok {
				for _, name := range []string{"limit", "pageSize"} {
					if p, ok := props[name].(map[string]any); ok {
						if n, ok := p["maximum"].(json.Number); ok {
							if i, err := n.Int64(); err == nil && int(i) > best {
								best = int(i)
							}
						}
					}
				}
			}
			for _, x := range t {
				walk(x)
			}
		case []any:
			for _, x := range t {
				walk(x)
			}
		}
	}
	walk(v)
	return best
}

// stripDescriptions removes every "description" keyword under v. Property
// names are never touched: a property called "description" stays.
func stripDescriptions(v any) {
	switch t := v.(type) {
	case map[string]any:
		delete(t, "description")
		for k, x := range t {
			if k == "properties" || k == "$defs" {
				if m, ok := x.(map[string]any); ok {
					for _, sub := range m {
						stripDescriptions(sub)
					}
				}
				continue
			}
			stripDescriptions(x)
		}
	case []any:
		for _, x := range t {
			stripDescriptions(x)
		}
	}
}

// decodeSchema decodes a JSON object keeping numbers exact.
func decodeSchema(raw json.RawMessage) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("schema is not an object")
	}
	return m, nil
}

// encodeJSON encodes v compactly with sorted keys and without HTML escaping.
func encodeJSON(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
