package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/gate"
)

// classMessages are the fixed words shown for each error class of a failed
// call, before Authing's own (redacted) message and request id.
var classMessages = map[string]string{
	"invalid_argument": "Authing rejected the arguments.",
	"unauthorized":     "authingops could not authenticate to Authing; the operators must check its access key.",
	"forbidden":        "Authing refused: authingops's access key may not do this.",
	"not_found":        "Authing found nothing matching.",
	"conflict":         "Authing reported a conflict: it exists already or changed meanwhile.",
	"rate_limited":     "Authing is rate limiting; try again in a minute.",
	"unavailable":      "Authing is unavailable right now; try again shortly.",
	"unsupported":      "Authing does not support this here.",
	"bad_answer":       "Authing answered something authingops could not read; it may have run — check the audit log.",
	"canceled":         "The call was abandoned before Authing answered; it may have run — check the audit log.",
	"error":            "The call failed.",
}

// refusalMessages are the fixed words for refused approval actions.
var refusalMessages = map[string]string{
	"not_found":          "There is no such approval.",
	"approval_closed":    "This approval was already decided.",
	"approval_expired":   "This approval expired.",
	"self_approval":      "You cannot approve your own request: a different admin must.",
	"not_permitted":      "The policy does not let you decide on this operation.",
	"already_approved":   "You already approved this; another admin must approve too.",
	"changed_arguments":  "The pending call no longer matches what was requested, so it will not run.",
	"payload_unreadable": "The pending call cannot be read (was the secret key changed?), so it will not run.",
	"policy_changed":     "The policy no longer permits this call, even approved.",
}

// gateFailureMsg answers a failure of the gate itself. The detail goes to
// the log, not to Slack.
func (b *Bot) gateFailureMsg(ctx context.Context, what string, err error) *slack.Msg {
	b.log.Error().Err(err).Str("operation", what).Msg("slackbot: the gate failed")
	switch {
	case errors.Is(err, gate.ErrAuditUnavailable):
		return errorMsg("The audit log cannot be written, so nothing was run. Tell the operators.")
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled), ctx.Err() != nil:
		return errorMsg("The call took too long and was abandoned. `/authing audit op=" + what + "` shows whether it ran.")
	}
	return errorMsg("authingops failed internally (the operators have the details); nothing is known to have run.")
}

// resultMsg renders a gate result for the caller.
func (b *Bot) resultMsg(op *authing.Operation, args json.RawMessage, res *gate.Result, err error) *slack.Msg {
	if err != nil {
		return b.gateFailureMsg(b.bg, op.Name, err)
	}
	switch res.Status {
	case gate.StatusSucceeded:
		return blocksMsg(op.Name+" succeeded", b.valueBlocks(op, args, res.Value)...)
	case gate.StatusDryRun:
		req, _ := json.MarshalIndent(res.Request, "", "  ")
		req = b.gate.Redactor().RedactArgs(req)
		var pretty any
		if json.Unmarshal(req, &pretty) == nil {
			req, _ = json.MarshalIndent(pretty, "", "  ")
		}
		return blocksMsg("dry run of "+op.Name,
			section(fmt.Sprintf(":test_tube: *Dry run of `%s`*: the policy says *%s*%s. Nothing was sent; this request would be:", op.Name, res.Decision.Effect, policyIDs(res.Decision.PolicyIDs))),
			codeBlock(string(req)))
	case gate.StatusPendingApproval:
		return b.pendingMsg(res)
	case gate.StatusDenied:
		return blocksMsg("denied", section(fmt.Sprintf(":no_entry: *Denied by policy*: %s%s", escape(res.Decision.Reason), policyIDs(res.Decision.PolicyIDs))))
	case gate.StatusInvalid:
		blocks := []slack.Block{section(":warning: " + escape(truncate(res.Message(), 1000)))}
		if res.Operation != nil {
			blocks = append(blocks, operationUsage(b.cfg.Command, res.Operation)...)
		}
		return blocksMsg("invalid arguments", blocks...)
	case gate.StatusFailed:
		return failedMsg(op.Name, res)
	case gate.StatusDuplicate:
		return textMsg(fmt.Sprintf(":repeat: This command was already received (its first run %s); it was not run again.", res.First))
	case gate.StatusRefused:
		return refusedMsg(res)
	}
	return errorMsg("Unexpected answer from the gate: " + string(res.Status))
}

func failedMsg(op string, res *gate.Result) *slack.Msg {
	var ce *gate.CallError
	class, text, reqID := "error", res.Message(), res.RequestID
	if errors.As(res.Err, &ce) {
		class, text = ce.Class, ce.Message
		if ce.RequestID != "" {
			reqID = ce.RequestID
		}
	}
	fixed, ok := classMessages[class]
	if !ok {
		fixed = classMessages["error"]
	}
	lines := fmt.Sprintf(":x: *`%s` failed.* %s", op, fixed)
	if text != "" {
		lines += "\n>" + escape(truncate(text, 500))
	}
	ctx := "error class `" + class + "`"
	if reqID != "" {
		ctx += " · Authing request id `" + escape(reqID) + "`"
	}
	return blocksMsg(op+" failed", section(lines), contextBlock(ctx))
}

func refusedMsg(res *gate.Result) *slack.Msg {
	var re *gate.RefusedError
	class, text := "", res.Message()
	if errors.As(res.Err, &re) {
		class = re.Class
	}
	msg := refusalMessages[class]
	if msg == "" {
		msg = "Refused."
	}
	return blocksMsg(msg, section(":no_entry_sign: "+msg), contextBlock(escape(truncate(text, 500))))
}

func (b *Bot) pendingMsg(res *gate.Result) *slack.Msg {
	a := res.Approval
	where := "in the approvals channel"
	if b.cfg.ApprovalsChannel != "" {
		where = "in <#" + b.cfg.ApprovalsChannel + ">"
	} else {
		where = "with `authingops` approvals tools (no Slack approvals channel is configured)"
	}
	return blocksMsg("waiting for approval",
		section(fmt.Sprintf(":hourglass: *Needs a second admin.* %s\nAsked %s; you will get a direct message with the outcome.", escape(res.Decision.Reason), where)),
		contextBlock(fmt.Sprintf("approval `%s` · expires %s", a.ID, slackDate(a.ExpiresAt))))
}

func policyIDs(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return " (policy `" + strings.Join(ids, "`, `") + "`)"
}

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
