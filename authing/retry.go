package authing

import (
	"errors"
	"math/rand/v2"
	"time"
)

// RetryPolicy tunes how reads are retried. Writes are never retried (except
// once after a refused token, when nothing ran).
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts of a read, default 4.
	MaxAttempts int
	// BaseDelay is the first backoff, default 100 ms; it doubles per attempt.
	BaseDelay time.Duration
	// MaxDelay caps one backoff, default 2 s.
	MaxDelay time.Duration
}

// DefaultRetry is the policy used when Options.Retry is zero.
var DefaultRetry = RetryPolicy{MaxAttempts: 4, BaseDelay: 100 * time.Millisecond, MaxDelay: 2 * time.Second}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultRetry.MaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultRetry.BaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultRetry.MaxDelay
	}
	return p
}

// backoff returns the wait before the attempt after the given one:
// exponential with full jitter, or the server's Retry-After when it asked
// for a wait no longer than MaxDelay.
func (p RetryPolicy) backoff(attempt int, err error) time.Duration {
	var he *HTTPError
	if errors.As(err, &he) && he.retryAfter > 0 && he.retryAfter <= p.MaxDelay {
		return he.retryAfter
	}
	d := p.BaseDelay << (attempt - 1)
	if d <= 0 || d > p.MaxDelay {
		d = p.MaxDelay
	}
	return d/2 + rand.N(d/2+1)
}

// retryable reports whether repeating a read may succeed: no answer at all,
// a 5xx or 429 HTTP status, or an envelope saying 429, 500, 502 or 503.
func retryable(err error) bool {
	var te *TransportError
	if errors.As(err, &te) {
		return true
	}
	var he *HTTPError
	if errors.As(err, &he) {
		return he.HTTPStatus == 429 || he.HTTPStatus >= 500
	}
	var ae *APIError
	if errors.As(err, &ae) {
		switch ae.StatusCode {
		case 429, 500, 502, 503:
			return true
		}
	}
	var de *DecodeError
	if errors.As(err, &de) {
		// A truncated answer to a read is worth another try.
		return true
	}
	return false
}
