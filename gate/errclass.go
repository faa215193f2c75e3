package gate

import (
	"context"
	"errors"

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
	ce := &CallError{Class: ErrorClass(err), Message: g.scrub(err.Error(), secrets), err: err}
	var ae *authing.APIError
	if errors.As(err, &ae) {
		ce.RequestID = ae.RequestID
	}
	return ce
}
