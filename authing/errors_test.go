package authing_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/seed-afc46a91/authingops/authing"
)

func TestErrorClasses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		body     string
		sentinel error
		check    func(t *testing.T, err error)
	}{
		{"invalid argument", 200, `{"statusCode":400,"message":"bad phone","requestId":"r1"}`, authing.ErrInvalidArgument, apiErr(400, 0, "r1")},
		{"unauthorized", 200, `{"statusCode":403,"apiCode":0,"message":"no","requestId":"r2"}`, authing.ErrForbidden, apiErr(403, 0, "r2")},
		{"not found by apiCode", 200, `{"statusCode":400,"apiCode":2004,"message":"user not found","requestId":"r3"}`, authing.ErrNotFound, apiErr(400, 2004, "r3")},
		{"not found", 200, `{"statusCode":404,"message":"gone"}`, authing.ErrNotFound, apiErr(404, 0, "")},
		{"conflict", 200, `{"statusCode":409,"message":"exists"}`, authing.ErrConflict, apiErr(409, 0, "")},
		{"unsupported", 200, `{"statusCode":501,"message":"not emulated"}`, authing.ErrUnsupported, apiErr(501, 0, "")},
		{"http 502 page", 502, `<html><body>Bad Gateway</body></html>`, authing.ErrUnavailable, func(t *testing.T, err error) {
			var he *authing.HTTPError
			if !errors.As(err, &he) || he.HTTPStatus != 502 || !strings.Contains(he.Excerpt, "Bad Gateway") {
				t.Fatalf("want HTTPError 502 with excerpt, got %#v", err)
			}
		}},
		{"html with 200", 200, `<!doctype html><title>login</title>`, nil, decodeErr},
		{"truncated json", 200, `{"statusCode":200,"data":{"userId":"u`, nil, decodeErr},
		{"not an envelope", 200, `{"hello":"world"}`, nil, decodeErr},
		{"wrong data shape", 200, `{"statusCode":200,"message":"ok","data":{"userId":42}}`, nil, decodeErr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t)
			f.setAnswer(func(recorded, string) (int, string) { return tt.status, tt.body })
			// A write, so that no retry hides the first answer.
			_, err := c.UpdateUser(context.Background(), &authing.UpdateUserRequest{UserID: "u1"})
			if err == nil {
				t.Fatal("want an error")
			}
			if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
				t.Fatalf("errors.Is(%v, %v) = false", err, tt.sentinel)
			}
			tt.check(t, err)
			if n := len(f.recorded()); n != 1 {
				t.Fatalf("a write was sent %d times", n)
			}
		})
	}
}

func apiErr(status, code int, requestID string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var ae *authing.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("want *APIError, got %T %v", err, err)
		}
		if ae.Operation != "update_user" || ae.StatusCode != status || ae.APICode != code || ae.RequestID != requestID {
			t.Fatalf("APIError = %+v", ae)
		}
		if requestID != "" && !strings.Contains(ae.Error(), requestID) {
			t.Fatalf("message %q lacks the request id", ae.Error())
		}
	}
}

func decodeErr(t *testing.T, err error) {
	t.Helper()
	var de *authing.DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("want *DecodeError, got %T %v", err, err)
	}
}

func TestTransportErrorIsUnavailable(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.srv.Close()
	_, err := c.GetUser(context.Background(), &authing.GetUserRequest{UserID: "u1"})
	if !errors.Is(err, authing.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if strings.Contains(err.Error(), testKeySecret) {
		t.Fatal("error leaks the secret")
	}
}
