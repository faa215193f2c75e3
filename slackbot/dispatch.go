package slackbot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/gate"
)

// HandleCommand answers a slash command whose origin was verified (a signed
// HTTP request or a Socket Mode envelope). The message it returns is the
// acknowledgement: the result itself when it is ready within AckWait,
// "working…" otherwise, in which case the result follows on the command's
// response_url. It never blocks on Authing. ctx is the request's; the work
// itself runs on the bot's own context, since it outlives the request.
func (b *Bot) HandleCommand(ctx context.Context, sc slack.SlashCommand, transport string) *slack.Msg {
	id := Identity{Enterprise: sc.EnterpriseID, Team: sc.TeamID, User: sc.UserID, Name: sc.UserName}
	if id.Team == "" || id.User == "" {
		return errorMsg("The request names no workspace or user, so nothing was run.")
	}
	cmd, err := Parse(sc.Text, b.now())
	if err != nil {
		return b.usageMsg(err)
	}
	switch cmd.Kind {
	case KindHelp:
		return b.helpMsg(cmd.Topic)
	case KindAudit:
		return b.deferred(sc.ResponseURL, "Searching the audit log…", func(ctx context.Context) *slack.Msg {
			return b.auditMsg(ctx, id, cmd.Audit)
		})
	case KindApprovals:
		return b.deferred(sc.ResponseURL, "Listing pending approvals…", func(ctx context.Context) *slack.Msg {
			return b.approvalsMsg(ctx, id)
		})
	}
	call := gate.Call{
		Caller: id.Caller(), CallerName: id.Name, Surface: audit.SurfaceSlack, Transport: transport,
		Origin:    audit.Origin{Team: id.Team, Channel: sc.ChannelID, TriggerID: sc.TriggerID},
		Operation: cmd.Operation.Name, Args: cmd.Args, DryRun: cmd.DryRun, DedupeKey: sc.TriggerID,
	}
	working := fmt.Sprintf("Running `%s`… the result will follow here.", cmd.Operation.Name)
	if cmd.DryRun {
		working = fmt.Sprintf("Checking `%s` (dry run)…", cmd.Operation.Name)
	}
	return b.deferred(sc.ResponseURL, working, func(ctx context.Context) *slack.Msg {
		res, err := b.gate.Execute(ctx, call)
		return b.resultMsg(cmd.Operation, cmd.Args, res, err)
	})
}

// handoff passes a result from the background to the acknowledgement while
// it still waits, and tells the background when it no longer does.
type handoff struct {
	mu    sync.Mutex
	acked bool
	msg   *slack.Msg
	ready chan struct{}
}

// deferred runs fn in the background. If it finishes within AckWait its
// message is the acknowledgement; otherwise the acknowledgement says
// working and fn's message is posted to responseURL.
func (b *Bot) deferred(responseURL, working string, fn func(ctx context.Context) *slack.Msg) *slack.Msg {
	h := &handoff{ready: make(chan struct{})}
	b.background(func(ctx context.Context) {
		msg := fn(ctx)
		h.mu.Lock()
		if !h.acked {
			h.msg = msg
			close(h.ready)
			h.mu.Unlock()
			return
		}
		h.mu.Unlock()
		// Replace the "working…" message the command produced.
		msg.ReplaceOriginal = true
		if err := b.respond(ctx, responseURL, msg); err != nil {
			b.log.Error().Err(err).Msg("slackbot: cannot deliver a result to response_url")
		}
	})
	t := time.NewTimer(b.cfg.AckWait)
	defer t.Stop()
	select {
	case <-h.ready:
	case <-t.C:
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.acked = true
	if h.msg != nil {
		return h.msg
	}
	return textMsg(":hourglass_flowing_sand: " + working)
}

// ErrNoResponseURL means a delayed answer had nowhere to go.
var ErrNoResponseURL = errors.New("slackbot: no response_url to deliver to")

// respond posts msg to a response_url. The URL is a secret (anyone holding
// it may post as the app): it never appears in an error or log.
func (b *Bot) respond(ctx context.Context, responseURL string, msg *slack.Msg) error {
	if responseURL == "" {
		return ErrNoResponseURL
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("slackbot: encode response: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(body))
	if err != nil {
		return errors.New("slackbot: response_url is not a valid URL")
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := b.cfg.HTTPClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the url.Error would print the URL
		}
		return fmt.Errorf("slackbot: post to response_url: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("slackbot: post to response_url: HTTP %d", resp.StatusCode)
	}
	return nil
}

// usageMsg answers a command that cannot be parsed: the problem, the usage
// of the operation when known, or the closest operation names.
func (b *Bot) usageMsg(err error) *slack.Msg {
	var ue *UsageError
	if !errors.As(err, &ue) {
		return errorMsg("The command could not be read.")
	}
	blocks := []slack.Block{section(":warning: " + escape(ue.Problem))}
	switch {
	case ue.Operation != nil:
		blocks = append(blocks, operationUsage(b.cfg.Command, ue.Operation)...)
	case len(ue.Suggestions) > 0:
		s := ""
		for i, name := range ue.Suggestions {
			if i > 0 {
				s += ", "
			}
			s += "`" + name + "`"
		}
		blocks = append(blocks, section("Did you mean "+s+"? `"+b.cfg.Command+" help` lists the categories."))
	default:
		blocks = append(blocks, section("`"+b.cfg.Command+" help` shows how to use it."))
	}
	return blocksMsg(ue.Problem, blocks...)
}
