package authing_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"
	"github.com/seed-afc46a91/authingops/authing"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDebugLogsCarryNoSecret runs calls, a refused token, retries and errors
// with a debug logger and scans its output for the secret and the tokens.
func TestDebugLogsCarryNoSecret(t *testing.T) {
	t.Parallel()
	_, f := setup(t)
	var buf syncBuffer
	log := zerolog.New(&buf).Level(zerolog.DebugLevel)
	c, err := authing.NewClient(authing.Options{AccessKeyID: testKeyID, AccessKeySecret: testKeySecret, Host: f.srv.URL, Logger: &log,
		Retry: authing.RetryPolicy{MaxAttempts: 2, BaseDelay: 1, MaxDelay: 2}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	f.setAnswer(func(recorded, string) (int, string) {
		n++
		switch n {
		case 1:
			return 200, `{"statusCode":401,"apiCode":2020,"message":"expired"}`
		case 2:
			return 503, "busy"
		}
		return 200, `{"statusCode":200,"message":"ok","data":{"userId":"u1","status":"Activated"}}`
	})
	if _, err := c.GetUser(context.Background(), &authing.GetUserRequest{UserID: "u1"}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "get_user") {
		t.Fatalf("expected debug lines about the call, got %q", out)
	}
	for _, secret := range []string{testKeySecret, jwtFor(1), jwtFor(2)} {
		if strings.Contains(out, secret) {
			t.Fatalf("a debug log line carries a secret or a token:\n%s", out)
		}
	}
}
