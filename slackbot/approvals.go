package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/slack-go/slack"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/gate"
)

// Action ids of the approval buttons; their value is the approval id.
const (
	ActionApprove = "authingops_approve"
	ActionDeny    = "authingops_deny"
	approvalBlock = "authingops_approval"
)

// msgRef is where an approval message was posted.
type msgRef struct {
	channel, ts string
	// ready is closed once the post finished (ts is set, or empty when the
	// post failed), so an update never races the post.
	ready chan struct{}
}

// messageTracker remembers, per approval id, the Slack message to update.
// It lives in memory: after a restart, or on a replica that did not post
// it, the ref is learnt from the first button click on the message (Slack
// sends the message's channel and ts with it); an approval resolved
// without a click there (expiry) gets a fresh message instead.
type messageTracker struct {
	mu   sync.Mutex
	refs map[string]*msgRef
}

func newMessageTracker() *messageTracker { return &messageTracker{refs: map[string]*msgRef{}} }

// posting registers an approval whose message is being posted.
func (t *messageTracker) posting(id string) *msgRef {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := &msgRef{ready: make(chan struct{})}
	t.refs[id] = r
	return r
}

// learn records the message a click came from, unless it is known.
func (t *messageTracker) learn(id, channel, ts string) {
	if channel == "" || ts == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.refs[id]; !ok {
		r := &msgRef{channel: channel, ts: ts, ready: make(chan struct{})}
		close(r.ready)
		t.refs[id] = r
	}
}

// take returns and forgets the message of an approval, waiting for its post.
func (t *messageTracker) take(ctx context.Context, id string) (channel, ts string) {
	t.mu.Lock()
	r := t.refs[id]
	delete(t.refs, id)
	t.mu.Unlock()
	if r == nil {
		return "", ""
	}
	select {
	case <-r.ready:
		return r.channel, r.ts
	case <-ctx.Done():
		return "", ""
	}
}

// approvalRequested posts a new pending approval, from any face, to the
// approvals channel with Approve and Deny buttons.
func (b *Bot) approvalRequested(_ context.Context, a *audit.Approval) {
	if b.cfg.ApprovalsChannel == "" {
		b.log.Warn().Str("approval", a.ID).Msg("slackbot: no approvals channel configured; approval not posted to Slack")
		return
	}
	ap := *a
	ref := b.msgs.posting(ap.ID)
	b.background(func(ctx context.Context) {
		defer close(ref.ready)
		blocks := b.approvalBlocks(&ap, nil)
		ch, ts, err := b.cfg.API.PostMessageContext(ctx, b.cfg.ApprovalsChannel,
			slack.MsgOptionText(fmt.Sprintf("Approval needed: %s requested by %s", ap.Operation, ap.Requester), false),
			slack.MsgOptionBlocks(blocks...))
		if err != nil {
			b.log.Error().Err(err).Str("approval", ap.ID).Msg("slackbot: cannot post the approval request")
			return
		}
		ref.channel, ref.ts = ch, ts
	})
}

// approvalResolved updates the approval message with the outcome (or posts
// a fresh one when it is unknown) and tells a Slack requester by DM.
func (b *Bot) approvalResolved(_ context.Context, a *audit.Approval, res *gate.Result) {
	ap := *a
	b.background(func(ctx context.Context) {
		status := outcomeLine(&ap, res)
		blocks := b.approvalBlocks(&ap, section(status))
		text := fmt.Sprintf("Approval %s: %s", ap.ID, ap.State)
		if ch, ts := b.msgs.take(ctx, ap.ID); ts != "" {
			if _, _, _, err := b.cfg.API.UpdateMessageContext(ctx, ch, ts, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)); err != nil {
				b.log.Error().Err(err).Str("approval", ap.ID).Msg("slackbot: cannot update the approval message")
			}
		} else if b.cfg.ApprovalsChannel != "" {
			if _, _, err := b.cfg.API.PostMessageContext(ctx, b.cfg.ApprovalsChannel, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)); err != nil {
				b.log.Error().Err(err).Str("approval", ap.ID).Msg("slackbot: cannot post the approval outcome")
			}
		}
		b.tellRequester(ctx, &ap, res, status)
	})
}

// tellRequester sends a Slack requester the outcome by direct message.
func (b *Bot) tellRequester(ctx context.Context, a *audit.Approval, res *gate.Result, status string) {
	user := slackUserOf(a.Requester)
	if user == "" {
		return // MCP and CLI requesters read the outcome from the gate.
	}
	blocks := []slack.Block{section(fmt.Sprintf("Your request to run `%s` (approval `%s`): %s", a.Operation, a.ID, status))}
	if res != nil && a.State == audit.StateExecuted {
		if op, ok := authing.LookupOperation(a.Operation); ok {
			msg := b.resultMsg(op, a.Args, res, nil)
			blocks = append(blocks, msg.Blocks.BlockSet...)
		}
	}
	msg := blocksMsg("Approval "+string(a.State)+": "+a.Operation, blocks...)
	if _, _, err := b.cfg.API.PostMessageContext(ctx, user, slack.MsgOptionText(msg.Text, false), slack.MsgOptionBlocks(msg.Blocks.BlockSet...)); err != nil {
		b.log.Error().Err(err).Str("approval", a.ID).Msg("slackbot: cannot tell the requester")
	}
}

// outcomeLine says how an approval ended.
func outcomeLine(a *audit.Approval, res *gate.Result) string {
	switch a.State {
	case audit.StateExecuted:
		line := ":white_check_mark: *Approved* by " + who(a.DecidedBy) + " and run"
		if res != nil && res.Status == gate.StatusFailed {
			var class string
			if ce, ok := res.Err.(*gate.CallError); ok {
				class = ce.Class
			}
			return line + ": *it failed* (" + escape(truncate(res.Message(), 300)) + ", class `" + class + "`)"
		}
		return line + ": succeeded."
	case audit.StateApproved:
		return ":white_check_mark: *Approved* by " + who(a.DecidedBy) + "; running."
	case audit.StateDenied:
		return ":no_entry: *Denied* by " + who(a.DecidedBy) + "."
	case audit.StateExpired:
		return ":alarm_clock: *Expired* unanswered at " + slackDate(a.ExpiresAt) + "."
	}
	return "State: " + string(a.State)
}

// approvalBlocks is the approval message: what, by whom, until when, the
// redacted arguments, and either the buttons or the outcome.
func (b *Bot) approvalBlocks(a *audit.Approval, outcome slack.Block) []slack.Block {
	args := b.gate.Redactor().RedactArgs(a.Args)
	var pretty any
	if json.Unmarshal(args, &pretty) == nil {
		args, _ = json.MarshalIndent(pretty, "", "  ")
	}
	kind := "operation"
	if op, ok := authing.LookupOperation(a.Operation); ok {
		kind = kindOf(op) + " operation in " + op.Category
	}
	via := a.Surface
	if a.Origin.Channel != "" {
		via += " in <#" + a.Origin.Channel + ">"
	}
	title := "Approval needed: " + a.Operation
	if outcome != nil {
		title = "Approval " + string(a.State) + ": " + a.Operation
	}
	blocks := []slack.Block{
		header(title),
		fieldsSection([]string{
			"*Operation*\n`" + a.Operation + "` (" + kind + ")",
			"*Requested by*\n" + who(a.Requester) + " via " + via,
			"*Expires*\n" + slackDate(a.ExpiresAt),
			"*Approval id*\n`" + a.ID + "`",
		}),
		section("*Arguments* (secrets redacted):"),
		codeBlock(string(args)),
	}
	if outcome != nil {
		return append(blocks, outcome)
	}
	return append(blocks, approvalButtons(a))
}

// approvalButtons are Approve (with a confirm dialog) and Deny.
func approvalButtons(a *audit.Approval) *slack.ActionBlock {
	approve := slack.NewButtonBlockElement(ActionApprove, a.ID, slack.NewTextBlockObject(slack.PlainTextType, "Approve", false, false)).
		WithStyle(slack.StylePrimary).
		WithConfirm(slack.NewConfirmationBlockObject(
			slack.NewTextBlockObject(slack.PlainTextType, "Approve "+truncate(a.Operation, 80)+"?", false, false),
			slack.NewTextBlockObject(slack.MarkdownType, "It runs at once with the arguments shown, as requested by "+who(a.Requester)+".", false, false),
			slack.NewTextBlockObject(slack.PlainTextType, "Approve and run", false, false),
			slack.NewTextBlockObject(slack.PlainTextType, "Cancel", false, false)))
	deny := slack.NewButtonBlockElement(ActionDeny, a.ID, slack.NewTextBlockObject(slack.PlainTextType, "Deny", false, false)).
		WithStyle(slack.StyleDanger)
	return slack.NewActionBlock(approvalBlock+":"+a.ID, approve, deny)
}

// HandleInteraction acts on a verified interaction payload: a click on an
// approval's Approve or Deny button. It returns at once; the decision runs
// in the background (approving runs the operation), the approval message
// is updated through the gate's resolution callback, and a refusal (your
// own request, already decided, expired, not permitted) is told to the
// clicker alone. It reports whether the payload was an approval action.
func (b *Bot) HandleInteraction(_ context.Context, cb slack.InteractionCallback, transport string) bool {
	if cb.Type != slack.InteractionTypeBlockActions {
		return false
	}
	var act *slack.BlockAction
	for _, a := range cb.ActionCallback.BlockActions {
		if a != nil && (a.ActionID == ActionApprove || a.ActionID == ActionDeny) {
			act = a
			break
		}
	}
	if act == nil || act.Value == "" {
		return false
	}
	team := cb.Team.ID
	if team == "" {
		team = cb.User.TeamID
	}
	id := Identity{Enterprise: cb.Enterprise.ID, Team: team, User: cb.User.ID, Name: cb.User.Name}
	if id.Team == "" || id.User == "" {
		return false
	}
	channel := cb.Container.ChannelID
	if channel == "" {
		channel = cb.Channel.ID
	}
	ts := cb.Container.MessageTs
	if ts == "" {
		ts = cb.Message.Timestamp
	}
	if !cb.Container.IsEphemeral {
		b.msgs.learn(act.Value, channel, ts)
	}
	actor := approver(id, transport, channel, cb.TriggerID)
	approvalID, approve, responseURL := act.Value, act.ActionID == ActionApprove, cb.ResponseURL
	fromList := cb.Container.IsEphemeral
	b.background(func(ctx context.Context) {
		var (
			res *gate.Result
			err error
		)
		if approve {
			res, err = b.gate.Approve(ctx, actor, approvalID)
		} else {
			res, err = b.gate.Deny(ctx, actor, approvalID, "denied in Slack by "+actor.Caller)
		}
		var msg *slack.Msg
		switch {
		case err != nil:
			msg = b.gateFailureMsg(ctx, "approval "+approvalID, err)
		case res.Status == gate.StatusRefused:
			msg = refusedMsg(res)
			var re *gate.RefusedError
			if errors.As(res.Err, &re) && re.Class == "approval_closed" && !fromList {
				// Decided elsewhere (MCP, CLI, a replica without Slack):
				// bring the message up to date.
				b.refreshMessage(ctx, approvalID, channel, ts)
			}
		case res.Status == gate.StatusPendingApproval:
			msg = textMsg(":ballot_box_with_check: Your approval is recorded; the policy needs another admin's too.")
		case fromList && res.Approval != nil:
			// Clicked in the ephemeral /authing approvals list, which the
			// channel message update does not reach.
			msg = textMsg(outcomeLine(res.Approval, res))
		default:
			return // the approval message update tells everyone
		}
		msg.ReplaceOriginal = false
		if err := b.respond(ctx, responseURL, msg); err != nil {
			b.log.Error().Err(err).Str("approval", approvalID).Msg("slackbot: cannot tell the clicker")
		}
	})
	return true
}

// refreshMessage rewrites an approval message with the approval's current
// state, read from the audit store.
func (b *Bot) refreshMessage(ctx context.Context, id, channel, ts string) {
	st, err := b.gate.Status(ctx, id)
	if err != nil || channel == "" || ts == "" {
		return
	}
	res := &gate.Result{Status: gate.StatusSucceeded}
	if st.Outcome != nil && st.Outcome.Phase == audit.PhaseFailed {
		res = &gate.Result{Status: gate.StatusFailed, Err: &gate.CallError{Class: st.Outcome.ErrorClass, Message: st.Outcome.ErrorMessage}}
	}
	blocks := b.approvalBlocks(st.Approval, section(outcomeLine(st.Approval, res)))
	if _, _, _, err := b.cfg.API.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionText("Approval "+string(st.Approval.State), false), slack.MsgOptionBlocks(blocks...)); err != nil {
		b.log.Error().Err(err).Str("approval", id).Msg("slackbot: cannot refresh the approval message")
	}
}
