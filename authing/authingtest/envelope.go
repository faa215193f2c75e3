package authingtest

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/google/uuid"
)

// Business status codes of the Authing envelope (the statusCode field). The
// HTTP status of an envelope is always 200.
const (
	codeOK             = 200
	codeBadRequest     = 400
	codeUnauthorized   = 401
	codeForbidden      = 403
	codeNotFound       = 404
	codeConflict       = 409
	codeThrottled      = 429
	codeServerError    = 500
	codeNotImplemented = 501
	codeUnavailable    = 503
)

// Authing apiCode values the sandbox answers with.
const (
	apiCodeSignatureInvalid   = 1300
	apiCodeSignatureMethod    = 1301
	apiCodeSignatureVersion   = 1302
	apiCodeSignatureBadDate   = 1303
	apiCodeSignatureNoDate    = 1304
	apiCodeSignatureClockSkew = 1305
	apiCodeSignatureReplayed  = 1306
	apiCodeUserNotFound       = 2004
	apiCodeAppNotFound        = 2011
	apiCodeNotLoggedIn        = 2020
)

// envelope is the body of every Management API answer.
type envelope struct {
	StatusCode int    `json:"statusCode"`
	Message    string `json:"message"`
	APICode    int    `json:"apiCode,omitempty"`
	RequestID  string `json:"requestId,omitempty"`
	Data       any    `json:"data,omitempty"`
}

// apiError is a business failure answered as an error envelope.
type apiError struct {
	status  int
	apiCode int
	message string
}

func (e *apiError) Error() string {
	if e.apiCode != 0 {
		return fmt.Sprintf("authing sandbox: %d (apiCode %d): %s", e.status, e.apiCode, e.message)
	}
	return fmt.Sprintf("authing sandbox: %d: %s", e.status, e.message)
}

func newAPIError(status, apiCode int, format string, args ...any) *apiError {
	return &apiError{status: status, apiCode: apiCode, message: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *apiError {
	return newAPIError(codeBadRequest, 0, format, args...)
}

func notFound(format string, args ...any) *apiError {
	return newAPIError(codeNotFound, 0, format, args...)
}

func conflict(format string, args ...any) *apiError {
	return newAPIError(codeConflict, 0, format, args...)
}

func userNotFound(id string) *apiError {
	return newAPIError(codeNotFound, apiCodeUserNotFound, "user %s not found", id)
}

func unauthorized(format string, args ...any) *apiError {
	return newAPIError(codeUnauthorized, apiCodeNotLoggedIn, format, args...)
}

// newRequestID returns a fresh request id as Authing prints them (hex, no dashes).
func newRequestID() string {
	id := uuid.New()
	return fmt.Sprintf("%x", id[:])
}

// writeJSON writes v with HTTP status 200 (the SDKs treat any other status as a
// transport failure).
func writeJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		body = []byte(`{"statusCode":500,"message":"sandbox: cannot encode the response"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// writeData answers a success envelope carrying data.
func writeData(w http.ResponseWriter, data any) {
	writeJSON(w, envelope{StatusCode: codeOK, Message: "", Data: data})
}

// writeError answers an error envelope for err; errors that are not apiErrors
// become 500 envelopes with a generic message.
func writeError(w http.ResponseWriter, requestID string, err error) {
	e, ok := err.(*apiError)
	if !ok {
		e = newAPIError(codeServerError, 0, "internal sandbox error")
	}
	writeJSON(w, envelope{StatusCode: e.status, Message: e.message, APICode: e.apiCode, RequestID: requestID})
}
