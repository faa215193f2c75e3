package tools

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/seed-afc46a91/authingops/authing"
)

// modelView is what clients pass to the model for a tool: name,
// description and input schema.
func modelView(t testing.TB, tool mcp.Tool) []byte {
	t.Helper()
	b, err := json.Marshal(tool)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	view, err := json.Marshal(map[string]json.RawMessage{"name": m["name"], "description": m["description"], "inputSchema": m["inputSchema"]})
	if err != nil {
		t.Fatal(err)
	}
	return view
}

// tokens estimates tokens as bytes/4 (scripts/mcp-bench counts with a real
// tokenizer).
func tokens(b []byte) int { return (len(b) + 3) / 4 }

// listedTools is the tool list of an exposure, with no policy filtering
// (the worst case: a caller allowed everything).
func listedTools(t testing.TB, e Exposure) []mcp.Tool {
	t.Helper()
	s := &Server{exposure: e}
	var out []mcp.Tool
	for _, st := range s.localTools() {
		out = append(out, st.Tool)
	}
	if !e.Discovery {
		ops, err := s.operationTools()
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range ops {
			out = append(out, st.Tool)
		}
	}
	return out
}

func TestTokenBudgets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		exposure   Exposure
		maxTotal   int
		maxPerTool int
	}{
		{name: "discovery", exposure: Exposure{Discovery: true}, maxTotal: 3000},
		{name: "default toolsets", exposure: Exposure{}, maxPerTool: 150},
		{name: "default toolsets, read-only", exposure: Exposure{ReadOnly: true}, maxPerTool: 150},
		{name: "all toolsets", exposure: Exposure{Toolsets: []string{"all"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tools := listedTools(t, tt.exposure)
			total := 0
			for _, tool := range tools {
				total += tokens(modelView(t, tool))
			}
			per := total / len(tools)
			dumpToolList(t, tt.name, tools)
			t.Logf("%s: %d tools, ~%d tokens, ~%d per tool", tt.name, len(tools), total, per)
			if tt.maxTotal > 0 && total > tt.maxTotal {
				t.Errorf("%s: ~%d tokens, budget %d", tt.name, total, tt.maxTotal)
			}
			if tt.maxPerTool > 0 && per > tt.maxPerTool {
				t.Errorf("%s: ~%d tokens per tool, budget %d", tt.name, per, tt.maxPerTool)
			}
		})
	}
}

// dumpToolList writes the model's view of a tool list to $TOOLS_DUMP_DIR,
// for testdata/e2e/tokens.mjs to count with a real tokenizer.
func dumpToolList(t *testing.T, mode string, tools []mcp.Tool) {
	dir := os.Getenv("TOOLS_DUMP_DIR")
	if dir == "" {
		return
	}
	views := make([]json.RawMessage, 0, len(tools))
	for _, tool := range tools {
		views = append(views, modelView(t, tool))
	}
	b, err := json.Marshal(views)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.NewReplacer(" ", "-", ",", "").Replace(mode) + ".json"
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestAnnotations checks every tool of every mode carries all annotations,
// consistent with the catalog.
func TestAnnotations(t *testing.T) {
	t.Parallel()
	for _, e := range []Exposure{{Toolsets: []string{"all"}}, {Discovery: true}, {Discovery: true, ReadOnly: true}} {
		for _, tool := range listedTools(t, e) {
			a := tool.Annotations
			if a.Title == "" || a.ReadOnlyHint == nil || a.DestructiveHint == nil || a.IdempotentHint == nil || a.OpenWorldHint == nil {
				t.Errorf("%s: incomplete annotations %+v", tool.Name, a)
				continue
			}
			if tool.Description == "" {
				t.Errorf("%s: no description", tool.Name)
			}
			op, ok := authing.LookupOperation(tool.Name)
			if !ok {
				continue
			}
			if *a.ReadOnlyHint != !op.Write || *a.DestructiveHint != op.Destructive {
				t.Errorf("%s: readOnly=%v destructive=%v, catalog write=%v destructive=%v", tool.Name, *a.ReadOnlyHint, *a.DestructiveHint, op.Write, op.Destructive)
			}
			if !*a.OpenWorldHint {
				t.Errorf("%s: an Authing call is open-world", tool.Name)
			}
		}
	}
}

// TestCompactSchemasKeepEveryConstraint compares each compact schema with
// the catalog's: only descriptions, the inlining of single-use definitions
// and the added dry_run/confirm differ.
func TestCompactSchemasKeepEveryConstraint(t *testing.T) {
	t.Parallel()
	for _, op := range authing.Operations {
		compact, _, err := compactSchema(op)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeSchema(compact)
		if err != nil {
			t.Fatal(err)
		}
		props := got["properties"].(map[string]any)
		if _, ok := props[argDryRun]; ok != op.Write {
			t.Errorf("%s: dry_run present=%v, write=%v", op.Name, ok, op.Write)
		}
		if _, ok := props[argConfirm]; ok != op.Destructive {
			t.Errorf("%s: confirm present=%v, destructive=%v", op.Name, ok, op.Destructive)
		}
		delete(props, argDryRun)
		delete(props, argConfirm)
		full, _ := decodeSchema(op.InputSchema)
		delete(full, "description")
		if _, ok := full["properties"]; !ok {
			full["properties"] = map[string]any{}
		}
		if _, ok := full["type"]; !ok {
			full["type"] = "object"
		}
		stripAll(full)
		inlineSingleUseDefs(full)
		stripAll(got)
		a, _ := encodeJSON(full)
		b, _ := encodeJSON(got)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: compact schema differs beyond descriptions:\n%s\n%s", op.Name, a, b)
		}
	}
}

func stripAll(v any) {
	switch t := v.(type) {
	case map[string]any:
		stripDescriptions(t)
		if props, ok := t["properties"].(map[string]any); ok {
			for _, p := range props {
				if pm, ok := p.(map[string]any); ok {
					delete(pm, "description")
				}
			}
		}
	}
}

// TestToolSnapshots compares every tool with testdata/__toolsnaps__;
// UPDATE_TOOLSNAPS=1 rewrites them.
func TestToolSnapshots(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "__toolsnaps__")
	update := os.Getenv("UPDATE_TOOLSNAPS") != ""
	seen := map[string]bool{}
	var tools []mcp.Tool
	tools = append(tools, listedTools(t, Exposure{Toolsets: []string{"all"}})...)
	for _, tool := range listedTools(t, Exposure{Discovery: true}) {
		if tool.Name == ToolSearchOperations || tool.Name == ToolCallOperation {
			tools = append(tools, tool)
		}
	}
	if update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, tool := range tools {
		seen[tool.Name+".snap"] = true
		b, err := json.MarshalIndent(tool, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		b = append(b, '\n')
		path := filepath.Join(dir, tool.Name+".snap")
		if update {
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: no snapshot (run UPDATE_TOOLSNAPS=1 go test ./tools/): %v", tool.Name, err)
			continue
		}
		if !bytes.Equal(want, b) {
			t.Errorf("%s: tool changed; review and refresh with UPDATE_TOOLSNAPS=1 go test ./tools/\n%s", tool.Name, firstDiff(string(want), string(b)))
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !seen[e.Name()] {
			if update {
				_ = os.Remove(filepath.Join(dir, e.Name()))
				continue
			}
			t.Errorf("stale snapshot %s", e.Name())
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "line " + itoa(i+1) + ":\n- " + al[i] + "\n+ " + bl[i]
		}
	}
	return "lengths differ"
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }
