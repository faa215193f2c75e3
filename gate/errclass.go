package gate

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/seed-afc46a91/authingops/authing"
)

// ErrAuditUnavailable means the audit record that must precede a change
// could not be written, so the change was not run.
var ErrAuditUnavailable = errors.New("gate: the audit log cannot be written, so nothing was run")

// CallError is the failure of a call that reached Authing (or tried to). Its
// message is redacted and safe to show; Unwrap gives the typed client error
// for errors.Is/As.
type CallError struct {
	// Class is a stable category: invalid_argument, unauthorized, forbidden,
	// not_found, conflict, rate_limited, unavailable, unsupported,
	// bad_answer, canceled or error; audit_unavailable for an approved call
	// the gate could not run because the audit log could not be written.
	Class string
	// Message is the redacted text.
	Message string
	// RequestID is Authing's request id, when it gave one.
	RequestID string
	err       error
}

func (e *CallError) Error() string { return e.Message }

// Unwrap returns the client's error.
func (e *CallError) Unwrap() error { return e.err }

// RefusedError explains why an approval action was refused.
type RefusedError struct {
	// Class is a stable category: not_found, approval_closed,
	// approval_expired, self_approval, not_permitted, already_approved,
	// changed_arguments, payload_unreadable, policy_changed.
	Class   string
	Message string
}

func (e *RefusedError) Error() string { return e.Message }

// ErrorClass names the category of a client error for audit records and
// metrics.
func ErrorClass(err error) string {
	var de *authing.DecodeError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "canceled"
	case errors.As(err, &de):
		return "bad_answer"
	case errors.Is(err, authing.ErrInvalidArgument):
		return "invalid_argument"
	case errors.Is(err, authing.ErrUnauthorized):
		return "unauthorized"
	case errors.Is(err, authing.ErrForbidden):
		return "forbidden"
	case errors.Is(err, authing.ErrNotFound):
		return "not_found"
	case errors.Is(err, authing.ErrConflict):
		return "conflict"
	case errors.Is(err, authing.ErrRateLimited):
		return "rate_limited"
	case errors.Is(err, authing.ErrUnavailable):
		return "unavailable"
	case errors.Is(err, authing.ErrUnsupported):
		return "unsupported"
	}
	return "error"
}

// callError wraps a client error with its class, a redacted message (the
// call's secret argument values scrubbed too) and the request id.
func (g *Gate) callError(err error, secrets []string) *CallError {
	ce := &CallError{Class: ErrorClass(err), err: err}
	var ae *authing.APIError
	if errors.As(err, &ae) {
		// Only Authing's own message is free text: the operation name, the
		// codes and the request id are kept as they are (an operation such as
		// get_access_key_list would otherwise read as a "key: value" secret).
		ce.RequestID = ae.RequestID
		var b strings.Builder
		fmt.Fprintf(&b, "authing %s: %s (statusCode %d", ae.Operation, g.scrub(ae.Message, secrets), ae.StatusCode)
		if ae.APICode != 0 {
			fmt.Fprintf(&b, ", apiCode %d", ae.APICode)
		}
		if ae.RequestID != "" {
			fmt.Fprintf(&b, ", requestId %s", ae.RequestID)
		}
		b.WriteString(")")
		ce.Message = b.String()
		return ce
	}
	msg := err.Error()
	prefix := ""
	var arg *authing.ArgumentError
	if errors.As(err, &arg) && arg.Operation != "" && strings.HasPrefix(msg, "authing "+arg.Operation+": ") {
		prefix = "authing " + arg.Operation + ": "
		msg = strings.TrimPrefix(msg, prefix)
	}
	ce.Message = prefix + g.scrub(msg, secrets)
	return ce
}
