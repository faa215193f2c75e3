package authing

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors, matched with errors.Is against the typed errors below.
var (
	ErrInvalidArgument = errors.New("authing: invalid argument")
	ErrUnauthorized    = errors.New("authing: unauthorized")
	ErrForbidden       = errors.New("authing: forbidden")
	ErrNotFound        = errors.New("authing: not found")
	ErrConflict        = errors.New("authing: conflict")
	ErrRateLimited     = errors.New("authing: rate limited")
	ErrUnavailable     = errors.New("authing: unavailable")
	ErrUnsupported     = errors.New("authing: unsupported operation")
)

// APIError is an answer whose envelope statusCode is not 200.
type APIError struct {
	// Operation is the catalog name of the call, e.g. "create_user".
	Operation string
	// StatusCode is the envelope's business status code (400, 401, 404…).
	StatusCode int
	// APICode is Authing's finer error code, 0 when absent.
	APICode int
	// Message is Authing's message.
	Message string
	// RequestID identifies the request in Authing's logs.
	RequestID string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "authing %s: %s (statusCode %d", e.Operation, e.Message, e.StatusCode)
	if e.APICode != 0 {
		fmt.Fprintf(&b, ", apiCode %d", e.APICode)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, ", requestId %s", e.RequestID)
	}
	b.WriteString(")")
	return b.String()
}

// Is maps the status and API codes to the package's sentinel errors.
func (e *APIError) Is(target error) bool {
	return target == classify(e.StatusCode, e.APICode)
}

// classify returns the sentinel for a business status code and API code.
func classify(status, apiCode int) error {
	switch apiCode {
	case 2004, 2011:
		return ErrNotFound
	case 2020:
		return ErrUnauthorized
	}
	switch status {
	case 400, 422:
		return ErrInvalidArgument
	case 401:
		return ErrUnauthorized
	case 403:
		return ErrForbidden
	case 404:
		return ErrNotFound
	case 409:
		return ErrConflict
	case 429:
		return ErrRateLimited
	case 501:
		return ErrUnsupported
	case 500, 502, 503, 504:
		return ErrUnavailable
	}
	return nil
}

// HTTPError is an answer with a non-2xx HTTP status (Authing itself answers
// every business error with HTTP 200, so this comes from a proxy, a gateway
// or an outage).
type HTTPError struct {
	Operation  string
	HTTPStatus int
	// Excerpt is the start of the body, for diagnosis.
	Excerpt string

	retryAfter time.Duration
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("authing %s: HTTP %d: %s", e.Operation, e.HTTPStatus, e.Excerpt)
}

// Is maps the HTTP status to a sentinel error.
func (e *HTTPError) Is(target error) bool {
	switch {
	case e.HTTPStatus == 429:
		return target == ErrRateLimited
	case e.HTTPStatus == 401:
		return target == ErrUnauthorized
	case e.HTTPStatus == 403:
		return target == ErrForbidden
	case e.HTTPStatus == 404:
		return target == ErrNotFound
	case e.HTTPStatus >= 500:
		return target == ErrUnavailable
	}
	return false
}

// DecodeError is an answer that is not a valid Authing envelope: an HTML
// page, truncated JSON or a data field of an unexpected shape.
type DecodeError struct {
	Operation  string
	HTTPStatus int
	Excerpt    string
	Err        error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("authing %s: undecodable answer (HTTP %d): %v; body starts %q", e.Operation, e.HTTPStatus, e.Err, e.Excerpt)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// TransportError is a failure to get any answer: a refused or dropped
// connection, a timeout, a TLS failure.
type TransportError struct {
	Operation string
	Err       error
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("authing %s: no answer: %v", e.Operation, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// Is reports the failure as ErrUnavailable.
func (e *TransportError) Is(target error) bool { return target == ErrUnavailable }

// ArgumentError is a request the client refuses to send.
type ArgumentError struct {
	Operation string
	Field     string
	Problem   string
}

func (e *ArgumentError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("authing %s: invalid arguments: %s", e.Operation, e.Problem)
	}
	return fmt.Sprintf("authing %s: argument %q: %s", e.Operation, e.Field, e.Problem)
}

// Is reports the failure as ErrInvalidArgument.
func (e *ArgumentError) Is(target error) bool { return target == ErrInvalidArgument }

func missingPathParam(name string) error {
	return &ArgumentError{Field: name, Problem: "is required (it is part of the request path)"}
}

// excerpt returns at most 160 bytes of b as printable text.
func excerpt(b []byte) string {
	const max = 160
	cut := len(b) > max
	if cut {
		b = b[:max]
	}
	for !utf8.Valid(b) && len(b) > 0 {
		b = b[:len(b)-1]
	}
	s := strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		if r < 0x20 {
			return -1
		}
		return r
	}, string(b))
	if cut {
		s += "…"
	}
	return s
}
