package authing

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// tokenPath is where management tokens are issued.
const tokenPath = "/api/v3/get-management-token"

var epGetManagementToken = &endpoint{name: "get_management_token", method: "POST", path: tokenPath, in: "body"}

// tokenSource fetches and caches the management token. Concurrent callers
// share one fetch; the token is reused until shortly before it expires.
type tokenSource struct {
	client    *Client
	keyID     string
	keySecret string

	mu       sync.Mutex
	token    string
	poolID   string
	expiry   time.Time
	inflight *tokenFetch

	fetches atomic.Int64
}

type tokenFetch struct {
	done          chan struct{}
	token, poolID string
	err           error
}

// TokenRequests returns how many management-token requests the client has
// sent since it was created.
func (c *Client) TokenRequests() int64 { return c.tokens.fetches.Load() }

// get returns a valid token and the user pool id it is scoped to.
func (s *tokenSource) get(ctx context.Context) (token, poolID string, err error) {
	s.mu.Lock()
	if s.token != "" && time.Now().Before(s.expiry) {
		token, poolID = s.token, s.poolID
		s.mu.Unlock()
		return token, poolID, nil
	}
	f := s.inflight
	if f == nil {
		f = &tokenFetch{done: make(chan struct{})}
		s.inflight = f
		go s.fetch(f)
	}
	s.mu.Unlock()
	select {
	case <-f.done:
		return f.token, f.poolID, f.err
	case <-ctx.Done():
		return "", "", ctx.Err()
	}
}

// invalidate drops token if it is still the cached one, so that the next get
// fetches a new one. Concurrent callers that saw the same rejected token
// cause a single refresh.
func (s *tokenSource) invalidate(token string) {
	s.mu.Lock()
	if s.token == token {
		s.token = ""
	}
	s.mu.Unlock()
}

// fetch requests a token. It runs detached from any one caller's context so
// that a cancelled caller does not fail the others waiting on it.
func (s *tokenSource) fetch(f *tokenFetch) {
	ctx, cancel := context.WithTimeout(context.Background(), s.client.http.Timeout+5*time.Second)
	defer cancel()
	s.fetches.Add(1)
	var data struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	body, _ := json.Marshal(map[string]string{"accessKeyId": s.keyID, "accessKeySecret": s.keySecret})
	// Issuing a token changes nothing that matters, so transient failures are
	// retried like a read's.
	var err error
	retry := s.client.retry
	for attempt := 1; ; attempt++ {
		err = s.client.roundTrip(ctx, epGetManagementToken, tokenPath, nil, body, "", "", &data)
		if err == nil || !retryable(err) || attempt >= retry.MaxAttempts {
			break
		}
		t := time.NewTimer(retry.backoff(attempt, err))
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
		if ctx.Err() != nil {
			break
		}
	}
	if err == nil && data.AccessToken == "" {
		err = &DecodeError{Operation: epGetManagementToken.name, HTTPStatus: 200, Err: errNoToken}
	}
	if err == nil {
		f.token = data.AccessToken
		f.poolID = scopedUserPoolID(data.AccessToken)
	}
	f.err = err
	now := time.Now()
	s.mu.Lock()
	if err == nil {
		life := time.Duration(data.ExpiresIn) * time.Second
		if life <= 0 {
			life = 7200 * time.Second
		}
		s.token, s.poolID, s.expiry = f.token, f.poolID, now.Add(life-refreshMargin(life))
	}
	s.inflight = nil
	s.mu.Unlock()
	close(f.done)
}

var errNoToken = errorString("the answer carries no access_token")

type errorString string

func (e errorString) Error() string { return string(e) }

// refreshMargin is how long before expiry a token is replaced: a tenth of its
// life, at most a minute.
func refreshMargin(life time.Duration) time.Duration {
	m := life / 10
	if m > time.Minute {
		m = time.Minute
	}
	return m
}

// scopedUserPoolID reads the scoped_userpool_id claim of a JWT without
// verifying it, as the official SDKs do. It returns "" when absent.
func scopedUserPoolID(token string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return ""
	}
	seg := strings.TrimRight(parts[1], "=")
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(seg); err != nil {
			return ""
		}
	}
	var claims struct {
		ScopedUserPoolID string `json:"scoped_userpool_id"`
	}
	if json.Unmarshal(raw, &claims) != nil {
		return ""
	}
	return claims.ScopedUserPoolID
}

// Ping checks that Authing answers and that the client can authenticate:
// it sends one HEAD request to the host (any HTTP answer counts: only
// reaching it matters), then returns nil when a valid management token is
// cached or can be obtained now. A cached token alone would report an
// unreachable Authing as healthy until the token expires.
func (c *Client) Ping(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, c.host+"/", nil)
	if err != nil {
		return fmt.Errorf("authing: ping: %w", err)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("authing: %s is unreachable: %w", c.host, err)
	}
	_ = res.Body.Close()
	_, _, err = c.tokens.get(ctx)
	return err
}
