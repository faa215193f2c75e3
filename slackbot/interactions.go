package slackbot

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/seed-afc46a91/authingops/gate"
)

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
	if !cb.Container.IsEphemeral {
		ts := cb.Container.MessageTs
		if ts == "" {
			ts = cb.Message.Timestamp
		}
		b.msgs.learn(act.Value, channel, ts)
	}
	who := approver(id, transport, channel, cb.TriggerID)
	approvalID, approve, responseURL := act.Value, act.ActionID == ActionApprove, cb.ResponseURL
	b.background(func(ctx context.Context) {
		var (
			res *gate.Result
			err error
		)
		if approve {
			res, err = b.gate.Approve(ctx, who, approvalID)
		} else {
			res, err = b.gate.Deny(ctx, who, approvalID, "denied in Slack by "+who.Caller)
		}
		var msg *slack.Msg
		switch {
		case err != nil:
			msg = b.gateFailureMsg(ctx, "approval "+approvalID, err)
		case res.Status == gate.StatusRefused:
			msg = refusedMsg(res)
		case res.Status == gate.StatusPendingApproval:
			msg = textMsg(":ballot_box_with_check: Your approval is recorded; the policy needs another admin's too.")
		default:
			return // the message update tells everyone
		}
		msg.ReplaceOriginal = false
		if err := b.respond(ctx, responseURL, msg); err != nil {
			b.log.Error().Err(err).Str("approval", approvalID).Msg("slackbot: cannot tell the clicker")
		}
	})
	return true
}
