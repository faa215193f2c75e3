package slackbot

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/slack-go/slack"
)

// maxBody bounds a request body; Slack's payloads are far smaller.
const maxBody = 1 << 20

// Paths the HTTP handlers are mounted at.
const (
	PathCommands     = "/slack/commands"
	PathInteractions = "/slack/interactions"
)

// Mount adds POST /slack/commands and POST /slack/interactions to mux,
// both behind v.
func (b *Bot) Mount(mux *http.ServeMux, v *Verifier) {
	mux.Handle("POST "+PathCommands, b.CommandsHandler(v))
	mux.Handle("POST "+PathInteractions, b.InteractionsHandler(v))
}

// CommandsHandler serves slash commands: it verifies the signature and
// freshness of the request and that it is not a replay before reading
// anything in it, takes the fields from the body only (never the URL
// query), and answers within AckWait.
func (b *Bot) CommandsHandler(v *Verifier) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form, ok := b.verified(w, r, v)
		if !ok {
			return
		}
		if form.Get("ssl_check") == "1" {
			w.WriteHeader(http.StatusOK)
			return
		}
		sc := slashCommandOf(form)
		if !v.Remember("trigger", sc.TriggerID) {
			b.refuse(w, ErrReplay)
			return
		}
		writeJSON(w, b.HandleCommand(r.Context(), sc, TransportHTTP))
	})
}

// InteractionsHandler serves interactivity payloads (button clicks), with
// the same checks as CommandsHandler; it acknowledges with an empty 200.
func (b *Bot) InteractionsHandler(v *Verifier) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form, ok := b.verified(w, r, v)
		if !ok {
			return
		}
		var cb slack.InteractionCallback
		if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
			http.Error(w, "the payload is not valid JSON", http.StatusBadRequest)
			return
		}
		if !v.Remember("trigger", cb.TriggerID) {
			b.refuse(w, ErrReplay)
			return
		}
		b.HandleInteraction(r.Context(), cb, TransportHTTP)
		w.WriteHeader(http.StatusOK)
	})
}

// verified reads the body, checks it and parses it as a form. On failure
// it has answered and returns false.
func (b *Bot) verified(w http.ResponseWriter, r *http.Request, v *Verifier) (url.Values, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "cannot read the body", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	if err := v.Verify(r.Header, body); err != nil {
		b.refuse(w, err)
		return nil, false
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "the body is not a form", http.StatusBadRequest)
		return nil, false
	}
	return form, true
}

// refuse answers a request that failed verification. The reason is logged
// (it holds no secret); the answer says only that it was refused.
func (b *Bot) refuse(w http.ResponseWriter, err error) {
	status := http.StatusUnauthorized
	if errors.Is(err, ErrReplay) {
		status = http.StatusConflict
	}
	b.log.Warn().Err(err).Msg("slackbot: request refused")
	http.Error(w, "request refused", status)
}

// slashCommandOf reads a slash command from its form body.
func slashCommandOf(f url.Values) slack.SlashCommand {
	return slack.SlashCommand{
		TeamID: f.Get("team_id"), TeamDomain: f.Get("team_domain"),
		EnterpriseID: f.Get("enterprise_id"), EnterpriseName: f.Get("enterprise_name"),
		IsEnterpriseInstall: f.Get("is_enterprise_install") == "true",
		ChannelID:           f.Get("channel_id"), ChannelName: f.Get("channel_name"),
		UserID: f.Get("user_id"), UserName: f.Get("user_name"),
		Command: f.Get("command"), Text: f.Get("text"),
		ResponseURL: f.Get("response_url"), TriggerID: f.Get("trigger_id"), APIAppID: f.Get("api_app_id"),
	}
}

func writeJSON(w http.ResponseWriter, msg *slack.Msg) {
	body, err := json.Marshal(msg)
	if err != nil {
		http.Error(w, "cannot encode the answer", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(body)
}
