package main

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/spf13/cobra"

	"github.com/seed-afc46a91/authingops/slackbot"
)

// Environment variables of the Slack face. Secrets come from the
// environment only, never from flags (which show in process listings).
const (
	envSlackSigningSecret   = "SLACK_SIGNING_SECRET"
	envSlackBotToken        = "SLACK_BOT_TOKEN"
	envSlackAppToken        = "SLACK_APP_TOKEN"
	envSlackApprovalChannel = "SLACK_APPROVALS_CHANNEL"
	envSlackAPIURL          = "SLACK_API_URL"
)

func init() {
	serveMounts = append(serveMounts, serveMount{name: "slack", register: func(cmd *cobra.Command) mountFunc {
		f := &slackFlags{getenv: os.Getenv}
		f.register(cmd)
		return f.mount
	}})
}

// slackFlags are the serve command's Slack settings.
type slackFlags struct {
	socketMode       bool
	apiURL           string
	approvalsChannel string
	command          string
	getenv           func(string) string
}

func (f *slackFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&f.socketMode, "slack-socket-mode", false, "serve Slack over Socket Mode with the app-level token in "+envSlackAppToken+" (no public URL needed)")
	fl.StringVar(&f.apiURL, "slack-api-url", envOr(envSlackAPIURL, slack.APIURL), "Slack Web API base URL, for a fake Slack in tests and demos (env "+envSlackAPIURL+")")
	fl.StringVar(&f.approvalsChannel, "slack-approvals-channel", envOr(envSlackApprovalChannel, ""), "channel id approval requests are posted to (env "+envSlackApprovalChannel+")")
	fl.StringVar(&f.command, "slack-command", slackbot.DefaultCommand, "the slash command as configured in the Slack app, for help texts")
}

// mount starts the Slack face when it is configured: POST /slack/commands
// and /slack/interactions when SLACK_SIGNING_SECRET is set, Socket Mode
// with --slack-socket-mode. Without a signing secret (or Socket Mode) the
// face is off, never open.
func (f *slackFlags) mount(ctx context.Context, mux *http.ServeMux, rt *runtime) (func(), error) {
	secret, botToken, appToken := f.getenv(envSlackSigningSecret), f.getenv(envSlackBotToken), f.getenv(envSlackAppToken)
	log := rt.log.With().Str("face", "slack").Logger()
	if secret == "" && !f.socketMode {
		log.Info().Msg("Slack is off: set " + envSlackSigningSecret + " (HTTP) or use --slack-socket-mode")
		return nil, nil
	}
	if botToken == "" {
		return nil, errors.New(envSlackBotToken + " is required to post approval requests and results")
	}
	if f.socketMode && appToken == "" {
		return nil, errors.New("--slack-socket-mode needs an app-level token (xapp-…) in " + envSlackAppToken)
	}
	apiURL := f.apiURL
	if !strings.HasSuffix(apiURL, "/") {
		apiURL += "/"
	}
	if f.approvalsChannel == "" {
		log.Warn().Msg("no approvals channel (" + envSlackApprovalChannel + "): approval requests are not posted to Slack")
	}
	bot, err := slackbot.New(ctx, slackbot.Config{
		Gate: rt.gate, Policy: rt.policy, API: slack.New(botToken, slack.OptionAPIURL(apiURL)),
		ApprovalsChannel: f.approvalsChannel, Command: f.command, Logger: log,
	})
	if err != nil {
		return nil, err
	}
	if secret != "" {
		bot.Mount(mux, slackbot.NewVerifier(secret, 0, nil))
		log.Info().Str("commands", slackbot.PathCommands).Str("interactions", slackbot.PathInteractions).Msg("Slack HTTP endpoints mounted")
	}
	stopSocket := func() {}
	if f.socketMode {
		sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		done := make(chan struct{})
		go func() {
			defer close(done)
			api := slack.New(botToken, slack.OptionAppLevelToken(appToken), slack.OptionAPIURL(apiURL))
			if err := bot.RunSocketMode(sctx, api); err != nil {
				log.Error().Err(err).Msg("Slack Socket Mode stopped")
			}
		}()
		stopSocket = func() { cancel(); <-done }
		log.Info().Msg("Slack Socket Mode started")
	}
	return func() {
		stopSocket()
		shut, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		bot.Shutdown(shut)
	}, nil
}
