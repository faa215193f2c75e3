package slackbot

import (
	"strconv"
	"strings"

	"github.com/slack-go/slack"
)

// Slack's limits on what one message may carry.
const (
	maxSectionText = 3000
	maxBlocks      = 50
	maxFields      = 10
	maxFieldText   = 2000
)

// blocksMsg is an ephemeral message with blocks and fallback text (shown in
// notifications).
func blocksMsg(fallback string, blocks ...slack.Block) *slack.Msg {
	if len(blocks) > maxBlocks {
		extra := len(blocks) - maxBlocks + 1
		blocks = append(blocks[:maxBlocks-1:maxBlocks-1], contextBlock(itoa(extra)+" more blocks not shown."))
	}
	return &slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Text: truncate(fallback, 300), Blocks: slack.Blocks{BlockSet: blocks}}
}

// textMsg is an ephemeral message of one section.
func textMsg(text string) *slack.Msg { return blocksMsg(text, section(text)) }

// errorMsg is an ephemeral error message.
func errorMsg(text string) *slack.Msg { return textMsg(":x: " + text) }

// section is a mrkdwn section, truncated to Slack's limit.
func section(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, truncate(text, maxSectionText), false, false), nil, nil)
}

// fieldsSection is a section of up to ten mrkdwn fields.
func fieldsSection(fields []string) *slack.SectionBlock {
	objs := make([]*slack.TextBlockObject, 0, len(fields))
	for _, f := range fields {
		objs = append(objs, slack.NewTextBlockObject(slack.MarkdownType, truncate(f, maxFieldText), false, false))
	}
	return slack.NewSectionBlock(nil, objs, nil)
}

// contextBlock is a small grey line.
func contextBlock(text string) *slack.ContextBlock {
	return slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, truncate(text, maxSectionText), false, false))
}

// header is a plain-text header block.
func header(text string) *slack.HeaderBlock {
	return slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, truncate(text, 150), false, false))
}

// codeBlock shows text preformatted, truncated with a count of what was cut.
func codeBlock(text string) *slack.SectionBlock {
	const room = maxSectionText - 80
	if r := []rune(text); len(r) > room {
		text = string(r[:room]) + "\n… " + itoa(len(r)-room) + " more characters"
	}
	return section("```" + strings.ReplaceAll(text, "```", "`\u200b``") + "```")
}

// chunkedSections packs lines into as few sections as the text limit allows.
func chunkedSections(lines []string) []slack.Block {
	var out []slack.Block
	var cur strings.Builder
	for _, l := range lines {
		if cur.Len() > 0 && cur.Len()+len(l)+1 > maxSectionText {
			out = append(out, section(cur.String()))
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(l)
	}
	if cur.Len() > 0 {
		out = append(out, section(cur.String()))
	}
	return out
}

// escape neutralises Slack's control characters in text from users or
// Authing, so that it cannot mention @channel or forge links.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func itoa(n int) string { return strconv.Itoa(n) }
