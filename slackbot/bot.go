// Package slackbot is the Slack face of authingops: the `/authing` slash
// command and the approval buttons, over HTTP (signed requests) or Socket
// Mode. It only translates: every operation runs through the gate, which
// decides, asks for approval, audits and calls Authing.
package slackbot

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/gate"
)

// Transports a call reaches the bot by, as recorded in the audit log.
const (
	TransportHTTP       = "http"
	TransportSocketMode = "socket-mode"
)

// Defaults of Config.
const (
	DefaultAckWait     = 25 * time.Millisecond
	DefaultCallTimeout = 2 * time.Minute
	DefaultCommand     = "/authing"
)

// Config configures a Bot. Gate and API are required.
type Config struct {
	// Gate runs every operation and decides on approvals.
	Gate *gate.Gate
	// Policy, when set, lets callers who may approve an operation read
	// other callers' audit records and approvals of it; without it, and for
	// everyone else, /authing audit and /authing approvals show only the
	// caller's own.
	Policy gate.Decider
	// API is the Web API client with the bot token (chat.postMessage,
	// chat.update); point it at a fake Slack with slack.OptionAPIURL.
	API *slack.Client
	// HTTPClient posts to response_url; default a client with a 10 s
	// timeout.
	HTTPClient *http.Client
	// ApprovalsChannel is the channel id approval requests are posted to.
	// Without it approvals are not posted (requesters are told so).
	ApprovalsChannel string
	// Command is the slash command as configured in the app, for help
	// texts; default "/authing".
	Command string
	// AckWait is how long an acknowledgement waits for the result before
	// answering "working…" and delivering the result via response_url;
	// default 25 ms, far below Slack's 3 s.
	AckWait time.Duration
	// CallTimeout bounds a call running in the background; default 2 min.
	CallTimeout time.Duration
	// Clock replaces time.Now (tests).
	Clock func() time.Time
	// Logger receives operational messages (never secrets or response URLs).
	Logger zerolog.Logger
}

// Bot serves the slash command and the approval buttons. Make one with New
// and stop it with Shutdown.
type Bot struct {
	cfg    Config
	gate   *gate.Gate
	log    zerolog.Logger
	now    func() time.Time
	msgs   *messageTracker
	bg     context.Context
	cancel context.CancelFunc

	mu      sync.Mutex // guards running and idle
	running int
	idle    chan struct{} // closed when running drops to 0
}

// New returns a Bot and registers it with the gate to post approval
// requests from every face and update them when decided. ctx bounds
// background work (deliveries, approval messages) together with Shutdown.
func New(ctx context.Context, cfg Config) (*Bot, error) {
	if cfg.Gate == nil || cfg.API == nil {
		return nil, errors.New("slackbot: Gate and API are required")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Command == "" {
		cfg.Command = DefaultCommand
	}
	if cfg.AckWait <= 0 {
		cfg.AckWait = DefaultAckWait
	}
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = DefaultCallTimeout
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	b := &Bot{cfg: cfg, gate: cfg.Gate, log: cfg.Logger, now: cfg.Clock, msgs: newMessageTracker()}
	b.bg, b.cancel = context.WithCancel(context.WithoutCancel(ctx))
	b.bg = b.log.WithContext(b.bg)
	cfg.Gate.OnApprovalRequested(b.approvalRequested)
	cfg.Gate.OnApprovalResolved(b.approvalResolved)
	return b, nil
}

// Shutdown waits for background work (calls still running, deliveries,
// approval messages) to finish until ctx ends, then cancels what remains
// and waits for it to notice.
func (b *Bot) Shutdown(ctx context.Context) {
	select {
	case <-b.whenIdle():
	case <-ctx.Done():
		b.cancel()
		<-b.whenIdle()
	}
	b.cancel()
}

// background runs fn on its own goroutine with the bot's context, bounded
// by CallTimeout; Shutdown waits for it. Unlike a WaitGroup, the counter
// may rise from zero while Shutdown waits (an approval expiring meanwhile).
func (b *Bot) background(fn func(ctx context.Context)) {
	b.mu.Lock()
	b.running++
	b.mu.Unlock()
	go func() {
		defer b.finished()
		ctx, cancel := context.WithTimeout(b.bg, b.cfg.CallTimeout)
		defer cancel()
		fn(ctx)
	}()
}

func (b *Bot) finished() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.running--
	if b.running == 0 && b.idle != nil {
		close(b.idle)
		b.idle = nil
	}
}

// whenIdle returns a channel closed once no background work runs.
func (b *Bot) whenIdle() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.running == 0 {
		c := make(chan struct{})
		close(c)
		return c
	}
	if b.idle == nil {
		b.idle = make(chan struct{})
	}
	return b.idle
}

// Identity is who a Slack request comes from.
type Identity struct {
	Enterprise string
	Team       string
	User       string
	// Name is the Slack user name: display only, never a principal.
	Name string
}

// Caller is the policy principal, built from Slack's ids only (user names
// can be changed by their owner): slack:<team>/<user>, or in an Enterprise
// Grid org slack:<enterprise>/<user> — Grid user ids are org-wide, so one
// binding covers every workspace of the org (the workspace is still
// recorded as the origin's team).
func (id Identity) Caller() string {
	if id.Enterprise != "" {
		return "slack:" + id.Enterprise + "/" + id.User
	}
	return "slack:" + id.Team + "/" + id.User
}

// slackUserOf returns the Slack user id of a slack: caller, or "".
func slackUserOf(caller string) string {
	rest, ok := strings.CutPrefix(caller, "slack:")
	if !ok {
		return ""
	}
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		return rest[i+1:]
	}
	return ""
}

// who renders a caller for a message: a Slack mention for Slack callers,
// the principal id otherwise.
func who(caller string) string {
	if u := slackUserOf(caller); u != "" {
		return "<@" + u + ">"
	}
	return "`" + caller + "`"
}

// approver builds the gate's view of an admin acting from Slack.
func approver(id Identity, transport, channel, trigger string) gate.Approver {
	return gate.Approver{
		Caller: id.Caller(), CallerName: id.Name, Surface: audit.SurfaceSlack, Transport: transport,
		Origin: audit.Origin{Team: id.Team, Channel: channel, TriggerID: trigger},
	}
}
