package authing_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/seed-afc46a91/authingops/authing"
)

func TestNewClientRejectsBadOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts authing.Options
		want string
	}{
		{"no key id", authing.Options{AccessKeySecret: "s"}, "AccessKeyID is required"},
		{"no secret", authing.Options{AccessKeyID: "a"}, "AccessKeySecret is required"},
		{"bad scheme", authing.Options{AccessKeyID: "a", AccessKeySecret: "s", Host: "ftp://x"}, "Host must be an http(s) origin"},
		{"path in host", authing.Options{AccessKeyID: "a", AccessKeySecret: "s", Host: "https://x/api"}, "without path"},
		{"bad lang", authing.Options{AccessKeyID: "a", AccessKeySecret: "s", Lang: "fr-FR"}, "Lang must be"},
		{"negative timeout", authing.Options{AccessKeyID: "a", AccessKeySecret: "s", Timeout: -1}, "Timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := authing.NewClient(tt.opts)
			if !errors.Is(err, authing.ErrConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewClient error = %v, want ErrConfig containing %q", err, tt.want)
			}
		})
	}
	c, err := authing.NewClient(authing.Options{AccessKeyID: "a", AccessKeySecret: "s", Host: "https://auth.example.com/"})
	if err != nil || c.Host() != "https://auth.example.com" {
		t.Fatalf("trailing slash: host %q, err %v", c.Host(), err)
	}
	c, _ = authing.NewClient(authing.Options{AccessKeyID: "a", AccessKeySecret: "s"})
	if c.Host() != authing.DefaultHost {
		t.Fatalf("default host = %q", c.Host())
	}
}

func TestHeadersOnEveryCall(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	c2, err := authing.NewClient(authing.Options{AccessKeyID: testKeyID, AccessKeySecret: testKeySecret, Host: c.Host(), Lang: "en-US", TenantID: "tenant-7"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.GetUser(context.Background(), &authing.GetUserRequest{UserID: "u1"}); err != nil {
		t.Fatal(err)
	}
	got := f.recorded()[0].Header
	want := map[string]string{
		"Authorization":           "Bearer " + jwtFor(1),
		"X-Authing-Userpool-Id":   testPool,
		"X-Authing-Lang":          "en-US",
		"X-Authing-Sdk-Version":   authing.SDKVersion,
		"X-Authing-App-Tenant-Id": "tenant-7",
	}
	for k, v := range want {
		if got.Get(k) != v {
			t.Errorf("header %s = %q, want %q", k, got.Get(k), v)
		}
	}
}

func TestTokenIsCachedAcrossCalls(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	for range 5 {
		if _, err := c.GetUser(context.Background(), &authing.GetUserRequest{UserID: "u1"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.tokenCalls.Load(); n != 1 {
		t.Fatalf("token requests = %d, want 1", n)
	}
}

func TestOneTokenRequestUnderConcurrentFirstCalls(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for range 1000 {
		wg.Go(func() {
			if _, err := c.GetUser(context.Background(), &authing.GetUserRequest{UserID: "u1"}); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := f.tokenCalls.Load(); n != 1 {
		t.Fatalf("token requests under 1,000 concurrent first calls = %d, want 1", n)
	}
	if c.TokenRequests() != 1 {
		t.Fatalf("TokenRequests() = %d", c.TokenRequests())
	}
}

func TestExpiredTokenIsRefreshedAndCallRetriedOnce(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	// The first token is refused as expired; any later token works.
	f.setAnswer(func(r recorded, token string) (int, string) {
		if token == jwtFor(1) {
			return 200, `{"statusCode":401,"apiCode":2020,"message":"token expired","requestId":"rq1"}`
		}
		return 200, `{"statusCode":200,"message":"ok","data":{"success":true}}`
	})
	// A write: the refused attempt ran nothing, so one resend is safe.
	if _, err := c.DeleteUsersBatch(context.Background(), &authing.DeleteUsersBatchRequest{UserIDs: []string{"u1"}}); err != nil {
		t.Fatalf("call after refresh: %v", err)
	}
	if n := f.tokenCalls.Load(); n != 2 {
		t.Fatalf("token requests = %d, want 2", n)
	}
	if n := len(f.recorded()); n != 2 {
		t.Fatalf("management requests = %d, want 2 (the refused one and one retry)", n)
	}
}

func TestRefusedTokenIsNotRetriedForever(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.setAnswer(func(recorded, string) (int, string) {
		return 200, `{"statusCode":401,"apiCode":2020,"message":"token invalid","requestId":"rq1"}`
	})
	_, err := c.GetUser(context.Background(), &authing.GetUserRequest{UserID: "u1"})
	if !errors.Is(err, authing.ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	if n := len(f.recorded()); n != 2 {
		t.Fatalf("management requests = %d, want 2", n)
	}
}

func TestWrongCredentialsAreATypedErrorWithoutTheSecret(t *testing.T) {
	t.Parallel()
	_, f := setup(t)
	c, err := authing.NewClient(authing.Options{AccessKeyID: testKeyID, AccessKeySecret: "wrong-secret-123", Host: f.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetUser(context.Background(), &authing.GetUserRequest{UserID: "u1"})
	var ae *authing.APIError
	if !errors.As(err, &ae) || ae.Operation != "get_management_token" || !errors.Is(err, authing.ErrUnauthorized) {
		t.Fatalf("err = %v, want APIError from get_management_token", err)
	}
	if strings.Contains(err.Error(), "wrong-secret-123") {
		t.Fatalf("error leaks the secret: %v", err)
	}
}

// Ping reports an unreachable Authing even while a token is cached, and
// never shows the access key secret.
func TestPingNeedsAReachableAuthing(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	ctx := context.Background()
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping with Authing up: %v", err)
	}
	if n := f.tokenCalls.Load(); n != 1 {
		t.Fatalf("%d token requests, want 1", n)
	}
	f.srv.Close()
	err := c.Ping(ctx)
	if err == nil {
		t.Fatal("Ping with Authing down and a cached token: nil error")
	}
	if strings.Contains(err.Error(), testKeySecret) {
		t.Fatal("the error shows the secret")
	}
}

func TestTransientTokenFailuresAreRetried(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.tokenFailures.Store(2)
	if _, err := c.CreateUser(context.Background(), &authing.CreateUserRequest{Username: authing.Ptr("ada")}); err != nil {
		t.Fatalf("call after two failed token requests: %v", err)
	}
	if n := f.tokenCalls.Load(); n != 3 {
		t.Fatalf("token requests = %d, want 3", n)
	}
	if n := len(f.recorded()); n != 1 {
		t.Fatalf("the write was sent %d times", n)
	}
}
