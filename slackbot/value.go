package slackbot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/seed-afc46a91/authingops/authing"
)

// Rendering limits for results.
const (
	maxRows        = 25
	maxObjectField = 20
)

// valueBlocks renders a successful result: lists as compact rows with the
// total and the next page, single objects as fields. Secret-looking fields
// are redacted first, with the gate's redactor.
func (b *Bot) valueBlocks(op *authing.Operation, args json.RawMessage, v any) []slack.Block {
	raw, err := json.Marshal(v)
	if err != nil {
		return []slack.Block{section(fmt.Sprintf(":white_check_mark: `%s` succeeded (the result cannot be shown).", op.Name))}
	}
	raw = b.gate.Redactor().RedactArgs(raw)
	var doc any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return []slack.Block{section(fmt.Sprintf(":white_check_mark: `%s` succeeded.", op.Name))}
	}
	title := section(fmt.Sprintf(":white_check_mark: *%s* — %s", op.Name, escape(op.Summary)))
	data := doc
	if m, ok := doc.(map[string]any); ok {
		if d, ok := m["data"]; ok {
			data = d
		}
	}
	switch d := data.(type) {
	case []any:
		return append([]slack.Block{title}, b.listBlocks(op, args, d, len(d))...)
	case map[string]any:
		if list, ok := d["list"].([]any); ok {
			total := len(list)
			if n, err := strconv.Atoi(scalar(d["totalCount"])); err == nil {
				total = n
			}
			return append([]slack.Block{title}, b.listBlocks(op, args, list, total)...)
		}
		return append([]slack.Block{title}, objectBlocks(d)...)
	case nil:
		return []slack.Block{title, contextBlock("Done; Authing returned no data.")}
	}
	return []slack.Block{title, section(escape(truncate(scalar(data), 2000)))}
}

// listBlocks renders rows, the total and how to get the next page.
func (b *Bot) listBlocks(op *authing.Operation, args json.RawMessage, items []any, total int) []slack.Block {
	if len(items) == 0 {
		return []slack.Block{contextBlock(fmt.Sprintf("No results (total %d).", total))}
	}
	shown := items
	if len(shown) > maxRows {
		shown = shown[:maxRows]
	}
	lines := make([]string, 0, len(shown))
	for _, it := range shown {
		lines = append(lines, rowText(op.Category, it))
	}
	blocks := chunkedSections(lines)
	page, limit := pageOf(op, args, len(items))
	first := (page-1)*limit + 1
	foot := fmt.Sprintf("Showing %d–%d of %d.", first, first+len(shown)-1, total)
	if len(shown) < len(items) {
		foot += fmt.Sprintf(" %d more rows of this page not shown.", len(items)-len(shown))
	}
	if path := pagePath(op); path != "" && page*limit < total {
		foot += fmt.Sprintf(" Next page: `%s %s %s=%d` (with your other arguments).", b.cfg.Command, op.Name, path, page+1)
	}
	return append(blocks, contextBlock(foot))
}

// rowText is one compact row: name, the usual identifying fields, status and id.
func rowText(category string, item any) string {
	m, ok := item.(map[string]any)
	if !ok {
		return "• `" + escape(truncate(compactJSON(item), 200)) + "`"
	}
	title := firstOf(m, "name", "displayName", "nickname", "username", "code", "email", "phone", "title", "key")
	var parts []string
	if title != "" {
		parts = append(parts, "*"+escape(truncate(title, 80))+"*")
	}
	for _, k := range []string{"username", "email", "phone", "status", "code", "description"} {
		if v := scalar(m[k]); v != "" && v != title {
			parts = append(parts, escape(truncate(v, 80)))
		}
	}
	if id := idOf(category, m); id != "" {
		parts = append(parts, "`"+escape(id)+"`")
	}
	if len(parts) == 0 {
		return "• `" + escape(truncate(compactJSON(m), 200)) + "`"
	}
	return "• " + strings.Join(parts, " · ")
}

// idOf finds the object's own id: <singular category>Id, id, or another *Id.
func idOf(category string, m map[string]any) string {
	own := strings.TrimSuffix(category, "s") + "Id"
	for _, k := range []string{own, "id", "userId", "roleId", "groupId", "appId", "departmentId"} {
		if v := scalar(m[k]); v != "" {
			return v
		}
	}
	return ""
}

// objectBlocks renders an object's fields, scalars first.
func objectBlocks(m map[string]any) []slack.Block {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.SliceStable(keys, func(i, j int) bool {
		si, sj := isScalar(m[keys[i]]), isScalar(m[keys[j]])
		if si != sj {
			return si
		}
		return keys[i] < keys[j]
	})
	var fields []string
	skipped := 0
	for _, k := range keys {
		v := m[k]
		if v == nil || scalar(v) == "" && isScalar(v) {
			continue
		}
		if len(fields) == maxObjectField {
			skipped++
			continue
		}
		text := scalar(v)
		if !isScalar(v) {
			text = "`" + truncate(compactJSON(v), 300) + "`"
		} else {
			text = escape(truncate(text, 300))
		}
		fields = append(fields, "*"+escape(k)+"*\n"+text)
	}
	var blocks []slack.Block
	for i := 0; i < len(fields); i += maxFields {
		blocks = append(blocks, fieldsSection(fields[i:min(i+maxFields, len(fields))]))
	}
	if skipped > 0 {
		blocks = append(blocks, contextBlock(fmt.Sprintf("%d more fields not shown (use the CLI or MCP for the full object).", skipped)))
	}
	if len(blocks) == 0 {
		blocks = append(blocks, contextBlock("Done; the result is empty."))
	}
	return blocks
}

// pagePath finds where an operation takes its page number: "page" or a
// dotted path such as "options.pagination.page"; "" when it has none.
func pagePath(op *authing.Operation) string {
	var root map[string]any
	if json.Unmarshal(op.InputSchema, &root) != nil {
		return ""
	}
	defs, _ := root["$defs"].(map[string]any)
	var walk func(node map[string]any, prefix string, depth int) string
	walk = func(node map[string]any, prefix string, depth int) string {
		if ref, ok := node["$ref"].(string); ok {
			node, _ = defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		}
		props, _ := node["properties"].(map[string]any)
		if _, ok := props["page"]; ok {
			return prefix + "page"
		}
		if depth == 0 {
			return ""
		}
		for _, k := range []string{"pagination", "options"} {
			if child, ok := props[k].(map[string]any); ok {
				if p := walk(child, prefix+k+".", depth-1); p != "" {
					return p
				}
			}
		}
		return ""
	}
	return walk(root, "", 2)
}

// pageOf reads the requested page and limit from args (defaults 1 and the
// number of items returned).
func pageOf(op *authing.Operation, args json.RawMessage, n int) (page, limit int) {
	page, limit = 1, max(n, 1)
	path := pagePath(op)
	if path == "" {
		return page, limit
	}
	var m any
	if json.Unmarshal(args, &m) != nil {
		return page, limit
	}
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		mm, _ := m.(map[string]any)
		m = mm[p]
	}
	obj, _ := m.(map[string]any)
	if v, ok := obj["page"].(float64); ok && v >= 1 {
		page = int(v)
	}
	if v, ok := obj["limit"].(float64); ok && v >= 1 {
		limit = int(v)
	}
	return page, limit
}

func firstOf(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if v := scalar(m[k]); v != "" {
			return v
		}
	}
	return ""
}

func isScalar(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return false
	}
	return true
}

// scalar formats a JSON scalar; "" for null and for objects and arrays.
func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	return string(b)
}

// slackDate renders t in the reader's own time zone, with a UTC fallback.
func slackDate(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", t.Unix(), t.UTC().Format("2006-01-02 15:04 UTC"))
}
