package slackbot

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/internal/kvargs"
)

// helpMsg answers `/authing help [topic]`: the overview, a category's
// operations or an operation's fields.
func (b *Bot) helpMsg(topic string) *slack.Msg {
	cmd := b.cfg.Command
	if topic == "" {
		return b.overviewMsg()
	}
	if op, ok := authing.LookupOperation(strings.ReplaceAll(strings.ToLower(topic), "-", "_")); ok {
		blocks := []slack.Block{section(fmt.Sprintf("*%s* — %s\n%s · `%s %s`", op.Name, escape(op.Summary), kindOf(op), op.Method, op.Path))}
		blocks = append(blocks, operationUsage(cmd, op)...)
		return blocksMsg(op.Name+": "+op.Summary, blocks...)
	}
	for _, c := range authing.Categories {
		if strings.EqualFold(c, topic) {
			return categoryMsg(cmd, c)
		}
	}
	return b.usageMsg(&UsageError{Problem: fmt.Sprintf("no category or operation is called %q", truncate(topic, 60)), Suggestions: suggestTopic(topic)})
}

func (b *Bot) overviewMsg() *slack.Msg {
	cmd := b.cfg.Command
	counts := map[string]int{}
	for _, op := range authing.Operations {
		counts[op.Category]++
	}
	var cats []string
	for _, c := range authing.Categories {
		cats = append(cats, fmt.Sprintf("`%s` (%d)", c, counts[c]))
	}
	usage := strings.Join([]string{
		"*`" + cmd + "` runs Authing management operations*, checked by the policy and recorded in the audit log.",
		"• `" + cmd + " <operation> key=value …` — run one (`--dry-run` shows the request without sending it)",
		"• `" + cmd + " help <category>` — the operations of a category",
		"• `" + cmd + " help <operation>` — fields, types and an example",
		"• `" + cmd + " audit [caller=… op=… target=… since=2h limit=20]` — the audit log",
		"• `" + cmd + " approvals` — pending approvals",
		"Values with spaces go in quotes (`name=\"Ada Lovelace\"`); arrays and objects as JSON (`userIds='[\"u1\",\"u2\"]'`).",
	}, "\n")
	return blocksMsg("authingops help",
		section(usage),
		section(fmt.Sprintf("*%d operations in %d categories:* %s", len(authing.Operations), len(cats), strings.Join(cats, ", "))),
		contextBlock("Example: `"+cmd+" list_users options.pagination.limit=5` · `"+cmd+" help users`"),
	)
}

func categoryMsg(cmd, category string) *slack.Msg {
	var lines []string
	for _, op := range authing.Operations {
		if op.Category == category {
			lines = append(lines, fmt.Sprintf("`%s` %s — %s", op.Name, kindIcon(op), escape(op.Summary)))
		}
	}
	blocks := []slack.Block{section(fmt.Sprintf("*%s* — %d operations", category, len(lines)))}
	blocks = append(blocks, chunkedSections(lines)...)
	blocks = append(blocks, contextBlock(":pencil2: writes, :warning: destructive. `"+cmd+" help <operation>` shows its fields."))
	return blocksMsg(category+" operations", blocks...)
}

// operationUsage is the fields of op and an example command line.
func operationUsage(cmd string, op *authing.Operation) []slack.Block {
	if len(op.Params) == 0 {
		return []slack.Block{section("Usage: `" + cmd + " " + op.Name + "` (no arguments)")}
	}
	var lines []string
	for _, p := range op.Params {
		req := "optional"
		if p.Required {
			req = "*required*"
		}
		typ := p.Type
		if typ == "" {
			typ = "any"
		}
		desc := strings.ReplaceAll(p.Description, "\n", " ")
		lines = append(lines, fmt.Sprintf("`%s` %s, %s — %s", p.Name, typ, req, escape(truncate(desc, 120))))
	}
	blocks := []slack.Block{section("*Fields*")}
	blocks = append(blocks, chunkedSections(lines)...)
	blocks = append(blocks, section("Example: `"+cmd+" "+example(op)+"`"))
	return blocks
}

// example builds a command line with the required fields (or the first
// field) filled with placeholders of the right type.
func example(op *authing.Operation) string {
	parts := []string{op.Name}
	for _, p := range op.Params {
		if p.Required {
			parts = append(parts, p.Name+"="+placeholder(op, p))
		}
	}
	if len(parts) == 1 && len(op.Params) > 0 {
		parts = append(parts, op.Params[0].Name+"="+placeholder(op, op.Params[0]))
	}
	return strings.Join(parts, " ")
}

func placeholder(op *authing.Operation, p authing.Param) string {
	typ, enum := paramSchema(op, p.Name)
	if len(enum) > 0 {
		return enum[0]
	}
	if p.Type != "" {
		typ = p.Type
	}
	switch typ {
	case "integer", "number":
		return "10"
	case "boolean":
		return "true"
	case "array":
		return `'["…"]'`
	case "object":
		return `'{"…":"…"}'`
	}
	return strings.ToUpper(p.Name)
}

func kindOf(op *authing.Operation) string {
	switch {
	case op.Destructive:
		return "destructive"
	case op.Write:
		return "write"
	}
	return "read"
}

func kindIcon(op *authing.Operation) string {
	switch {
	case op.Destructive:
		return ":warning:"
	case op.Write:
		return ":pencil2:"
	}
	return ""
}

// suggestTopic proposes categories and operations close to topic.
func suggestTopic(topic string) []string {
	var out []string
	for _, c := range authing.Categories {
		if strings.Contains(c, strings.ToLower(topic)) {
			out = append(out, c)
		}
	}
	return append(out, kvargs.Suggest(topic, 5)...)
}

// paramSchema returns the JSON type and allowed values of a top-level
// field, following $ref and taking the first anyOf branch.
func paramSchema(op *authing.Operation, name string) (typ string, enum []string) {
	type node struct {
		Ref   string   `json:"$ref"`
		Type  string   `json:"type"`
		Enum  []string `json:"enum"`
		AnyOf []node   `json:"anyOf"`
	}
	var root struct {
		Properties map[string]node `json:"properties"`
		Defs       map[string]node `json:"$defs"`
	}
	if json.Unmarshal(op.InputSchema, &root) != nil {
		return "", nil
	}
	n := root.Properties[name]
	for i := 0; i < 5; i++ {
		switch {
		case n.Ref != "":
			n = root.Defs[strings.TrimPrefix(n.Ref, "#/$defs/")]
		case n.Type == "" && len(n.AnyOf) > 0:
			n = n.AnyOf[0]
		}
	}
	return n.Type, n.Enum
}
