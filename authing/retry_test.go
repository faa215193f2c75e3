package authing_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/seed-afc46a91/authingops/authing"
)

func TestReadsAreRetriedWritesAreNot(t *testing.T) {
	t.Parallel()
	transient := []struct {
		name   string
		status int
		body   string
	}{
		{"envelope 503", 200, `{"statusCode":503,"message":"busy"}`},
		{"envelope 429", 200, `{"statusCode":429,"message":"slow down"}`},
		{"envelope 500", 200, `{"statusCode":500,"message":"oops"}`},
		{"http 502", 502, `bad gateway`},
		{"http 503", 503, `unavailable`},
		{"http 429", 429, `too many`},
	}
	for _, tt := range transient {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t)
			f.setAnswer(func(r recorded, _ string) (int, string) {
				if len(f.recorded()) < 3 {
					return tt.status, tt.body
				}
				return 200, `{"statusCode":200,"message":"ok","data":{"userId":"u1","status":"Activated"}}`
			})
			u, err := c.GetUser(context.Background(), &authing.GetUserRequest{UserID: "u1"})
			if err != nil || u.UserID != "u1" {
				t.Fatalf("read after two transient failures: %v", err)
			}
			if n := len(f.recorded()); n != 3 {
				t.Fatalf("read attempts = %d, want 3", n)
			}

			w, fw := setup(t)
			fw.setAnswer(func(recorded, string) (int, string) { return tt.status, tt.body })
			if _, err := w.CreateUser(context.Background(), &authing.CreateUserRequest{Username: authing.Ptr("bob")}); err == nil {
				t.Fatal("write: want the transient error")
			}
			if n := len(fw.recorded()); n != 1 {
				t.Fatalf("write sent %d times, want 1", n)
			}
		})
	}
}

func TestReadRetriesAreBounded(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.setAnswer(func(recorded, string) (int, string) { return 200, `{"statusCode":503,"message":"down"}` })
	_, err := c.GetUser(context.Background(), &authing.GetUserRequest{UserID: "u1"})
	if !errors.Is(err, authing.ErrUnavailable) {
		t.Fatalf("err = %v", err)
	}
	if n := len(f.recorded()); n != 3 {
		t.Fatalf("attempts = %d, want MaxAttempts 3", n)
	}
}

func TestRetryStopsWhenContextEnds(t *testing.T) {
	t.Parallel()
	_, f := setup(t)
	c, err := authing.NewClient(authing.Options{AccessKeyID: testKeyID, AccessKeySecret: testKeySecret, Host: f.srv.URL,
		Retry: authing.RetryPolicy{MaxAttempts: 10, BaseDelay: time.Hour, MaxDelay: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	f.setAnswer(func(recorded, string) (int, string) { return 503, "down" })
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(f.recorded()) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err = c.GetUser(ctx, &authing.GetUserRequest{UserID: "u1"})
	if err == nil || len(f.recorded()) != 1 {
		t.Fatalf("err = %v after %d attempts; want the error after 1 attempt", err, len(f.recorded()))
	}
}
