package tools

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
)

// Confirmation of destructive calls.
//
// A destructive operation runs only once the user confirmed it. When the
// client supports elicitation, the server asks the user through it (a
// multi round-trip input request; mcp-go turns it into elicitation/create
// for clients of earlier protocol versions), and a "confirm" argument is not
// enough. The request state that travels through the client is signed with
// an HMAC and bound to the caller, the operation, the exact arguments and a
// deadline, and each state is accepted once, so a client cannot forge or
// replay a confirmation. A client without elicitation must pass
// "confirm": true, which the model should only do after asking the user.

const (
	confirmInputID = "confirm"
	confirmTTL     = 10 * time.Minute
)

// confirmState is what a signed request state carries.
type confirmState struct {
	Caller    string `json:"c"`
	Operation string `json:"o"`
	ArgsHash  string `json:"h"`
	Expires   int64  `json:"e"`
	Nonce     string `json:"n"`
}

// confirmer signs and checks confirmation states.
type confirmer struct {
	key []byte
	now func() time.Time

	mu   sync.Mutex
	used map[string]time.Time // nonce → expiry
}

func newConfirmer(key []byte, now func() time.Time) (*confirmer, error) {
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("confirmation key: %w", err)
		}
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("authingops mcp confirmation"))
	return &confirmer{key: m.Sum(nil), now: now, used: map[string]time.Time{}}, nil
}

func (c *confirmer) mac(payload string) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// sign returns a state for caller running op with the arguments hashed.
func (c *confirmer) sign(caller, op, hash string) (string, error) {
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("confirmation nonce: %w", err)
	}
	st := confirmState{Caller: caller, Operation: op, ArgsHash: hash,
		Expires: c.now().Add(confirmTTL).Unix(), Nonce: base64.RawURLEncoding.EncodeToString(nonce)}
	b, err := json.Marshal(st)
	if err != nil {
		return "", fmt.Errorf("confirmation state: %w", err)
	}
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + base64.RawURLEncoding.EncodeToString(c.mac(payload)), nil
}

var errBadState = errors.New("the confirmation state is missing, forged, expired, already used, or for another call")

// verify checks a state returned by the client and consumes it.
func (c *confirmer) verify(state, caller, op, hash string) error {
	payload, sig, ok := strings.Cut(state, ".")
	if !ok {
		return errBadState
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, c.mac(payload)) {
		return errBadState
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return errBadState
	}
	var st confirmState
	if json.Unmarshal(b, &st) != nil {
		return errBadState
	}
	now := c.now()
	if st.Caller != caller || st.Operation != op || st.ArgsHash != hash || now.Unix() > st.Expires {
		return errBadState
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for n, exp := range c.used {
		if now.After(exp) {
			delete(c.used, n)
		}
	}
	if _, seen := c.used[st.Nonce]; seen {
		return errBadState
	}
	c.used[st.Nonce] = time.Unix(st.Expires, 0)
	return nil
}

// clientCanElicit reports whether the client declared form elicitation, for
// this request (protocol 2026-07-28) or at initialize.
func clientCanElicit(ctx context.Context) bool {
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.ClientCapabilities != nil {
		return info.ClientCapabilities.Elicitation != nil
	}
	if s, ok := server.ClientSessionFromContext(ctx).(server.SessionWithClientInfo); ok {
		return s.GetClientCapabilities().Elicitation != nil
	}
	return false
}

// confirmation decides whether a destructive call may proceed. It returns
// nil when it may, or the result to answer instead: an input request asking
// the user, or an error result saying what is missing.
func (s *Server) confirmation(ctx context.Context, req mcp.CallToolRequest, caller string, op *authing.Operation, args json.RawMessage, confirmArg bool) (*mcp.CallToolResult, error) {
	hash := audit.ArgsHash(op.Name, args)
	if !clientCanElicit(ctx) {
		if confirmArg {
			return nil, nil
		}
		return errorResult(map[string]any{"status": "confirmation_required", "operation": op.Name},
			"%s is destructive and was not run. Ask the user to confirm this exact call, then call it again with \"confirm\": true (or use \"dry_run\": true to preview it).", op.Name), nil
	}
	if answer := server.ElicitationResponse(req.Params.InputResponses, confirmInputID); answer != nil {
		if err := s.confirm.verify(req.Params.RequestState, caller, op.Name, hash); err != nil {
			return errorResult(map[string]any{"status": "confirmation_invalid", "operation": op.Name},
				"%s was not run: %v. Call the tool again to ask the user anew.", op.Name, err), nil
		}
		if answer.Action == mcp.ElicitationResponseActionAccept && confirmed(answer.Content) {
			return nil, nil
		}
		return errorResult(map[string]any{"status": "not_confirmed", "operation": op.Name},
			"The user did not confirm %s, so nothing was run. Do not retry unless the user asks.", op.Name), nil
	}
	state, err := s.confirm.sign(caller, op.Name, hash)
	if err != nil {
		return nil, err
	}
	shown := string(s.gate.Redactor().RedactArgs(args))
	if len(shown) > 600 {
		shown = shown[:600] + "…"
	}
	msg := fmt.Sprintf("%s asks to run %s (%s) with %s. This is destructive and may not be undone. Run it?", caller, op.Name, titleFor(op), shown)
	params := mcp.ElicitationParams{
		Message: msg,
		RequestedSchema: map[string]any{
			"type": "object",
			"properties": map[string]any{
				"confirm": map[string]any{"type": "boolean", "title": "Run " + op.Name, "description": "Yes, run this destructive call"},
			},
			"required": []string{"confirm"},
		},
	}
	return server.NewInputRequestBuilder(state).Elicit(confirmInputID, params).ToolResult(), nil
}

// confirmed reads {"confirm": true} from an elicitation answer.
func confirmed(content any) bool {
	switch c := content.(type) {
	case map[string]any:
		v, _ := c["confirm"].(bool)
		return v
	case json.RawMessage:
		var m struct {
			Confirm bool `json:"confirm"`
		}
		return json.Unmarshal(c, &m) == nil && m.Confirm
	}
	return false
}
