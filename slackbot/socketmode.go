package slackbot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// RunSocketMode serves the slash command and the approval buttons over a
// Socket Mode WebSocket, for installs without a public URL, until ctx ends.
// api must carry the app-level token (slack.OptionAppLevelToken) and may
// point at a fake Slack (slack.OptionAPIURL). The connection is
// authenticated by that token, so there is no signature to check; envelope
// ids are remembered for the replay window so that a redelivered envelope
// runs once. Commands share HandleCommand with the HTTP face.
func (b *Bot) RunSocketMode(ctx context.Context, api *slack.Client, opts ...socketmode.Option) error {
	client := socketmode.New(api, opts...)
	seen := newReplayCache(0)
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- client.RunContext(runCtx) }()
	for {
		select {
		case <-ctx.Done():
			<-errc
			return nil
		case err := <-errc:
			if ctx.Err() != nil || errors.Is(err, context.Canceled) {
				return nil
			}
			return fmt.Errorf("slackbot: socket mode: %w", err)
		case evt := <-client.Events:
			b.socketEvent(ctx, client, seen, evt)
		}
	}
}

// socketEvent acknowledges one Socket Mode event and acts on it.
func (b *Bot) socketEvent(ctx context.Context, client *socketmode.Client, seen *replayCache, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnected:
		b.log.Info().Msg("slackbot: socket mode connected")
		return
	case socketmode.EventTypeInvalidAuth:
		b.log.Error().Msg("slackbot: socket mode: the app-level token was refused")
		return
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError:
		b.log.Warn().Str("event", string(evt.Type)).Msg("slackbot: socket mode connection trouble; reconnecting")
		return
	}
	if evt.Request == nil {
		return
	}
	now := b.now()
	if !seen.add("env:"+evt.Request.EnvelopeID, now.Add(DefaultMaxSkew), now) {
		// Slack redelivers envelopes it did not see acknowledged: ack again, run once.
		b.ack(ctx, client, evt.Request, nil)
		return
	}
	switch evt.Type {
	case socketmode.EventTypeSlashCommand:
		sc, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			b.ack(ctx, client, evt.Request, nil)
			return
		}
		b.ack(ctx, client, evt.Request, b.HandleCommand(ctx, sc, TransportSocketMode))
	case socketmode.EventTypeInteractive:
		b.ack(ctx, client, evt.Request, nil)
		if cb, ok := evt.Data.(slack.InteractionCallback); ok {
			b.HandleInteraction(ctx, cb, TransportSocketMode)
		}
	default:
		b.ack(ctx, client, evt.Request, nil)
	}
}

// ack acknowledges an envelope, with the command's immediate answer as its
// payload when there is one.
func (b *Bot) ack(ctx context.Context, client *socketmode.Client, req *socketmode.Request, msg *slack.Msg) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	var payload any
	if msg != nil {
		payload = msg
	}
	if err := client.AckCtx(ctx, req.EnvelopeID, payload); err != nil {
		b.log.Error().Err(err).Msg("slackbot: socket mode: cannot acknowledge")
	}
}
