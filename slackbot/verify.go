package slackbot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Headers Slack signs its requests with.
const (
	HeaderTimestamp = "X-Slack-Request-Timestamp"
	HeaderSignature = "X-Slack-Signature"
)

// DefaultMaxSkew is how far a request's timestamp may be from the clock, as
// Slack recommends; signatures are remembered for as long to refuse replays.
const DefaultMaxSkew = 5 * time.Minute

// Reasons a request is refused before anything in it is read.
var (
	// ErrUnsigned: the timestamp or signature header is missing or malformed.
	ErrUnsigned = errors.New("slackbot: request is not signed")
	// ErrBadSignature: the signature does not match the body.
	ErrBadSignature = errors.New("slackbot: signature does not match")
	// ErrStale: the timestamp is too far in the past or the future.
	ErrStale = errors.New("slackbot: request timestamp outside the allowed window")
	// ErrReplay: this exact signed request (or trigger) was already seen.
	ErrReplay = errors.New("slackbot: request replayed")
)

// Verifier checks Slack's v0 request signatures and refuses replays. It is
// safe for concurrent use.
type Verifier struct {
	secret  []byte
	maxSkew time.Duration
	now     func() time.Time
	seen    *replayCache
}

// NewVerifier returns a Verifier for signingSecret. A zero maxSkew means
// DefaultMaxSkew; a nil now means time.Now.
func NewVerifier(signingSecret string, maxSkew time.Duration, now func() time.Time) *Verifier {
	if maxSkew <= 0 {
		maxSkew = DefaultMaxSkew
	}
	if now == nil {
		now = time.Now
	}
	return &Verifier{secret: []byte(signingSecret), maxSkew: maxSkew, now: now, seen: newReplayCache(0)}
}

// Sign returns the v0 signature of body at timestamp ts, as Slack computes
// it: "v0=" + hex(HMAC-SHA256(secret, "v0:" + ts + ":" + body)).
func Sign(signingSecret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(signingSecret))
	fmt.Fprintf(m, "v0:%d:", ts)
	m.Write(body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks the signature headers h against body, then the timestamp,
// then that the signature was not seen before within the window. Only a
// request that passes all three is remembered, so forged requests cannot
// fill the replay cache.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	tsText := h.Get(HeaderTimestamp)
	sig := h.Get(HeaderSignature)
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil || !strings.HasPrefix(sig, "v0=") || len(sig) != 3+2*sha256.Size {
		return ErrUnsigned
	}
	want := Sign(string(v.secret), ts, body)
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(sig))) {
		return ErrBadSignature
	}
	now := v.now()
	at := time.Unix(ts, 0)
	if d := now.Sub(at); d > v.maxSkew || d < -v.maxSkew {
		return ErrStale
	}
	// Keep the signature until the timestamp leaves the window: after that
	// the staleness check refuses it anyway.
	if !v.seen.add("sig:"+want, at.Add(v.maxSkew), now) {
		return ErrReplay
	}
	return nil
}

// Remember records a once-only key (a trigger id, a Socket Mode envelope
// id) for the replay window and reports whether it is new.
func (v *Verifier) Remember(kind, key string) bool {
	if key == "" {
		return true
	}
	now := v.now()
	return v.seen.add(kind+":"+key, now.Add(v.maxSkew), now)
}

// defaultReplayCapacity bounds the memory of the replay cache. Slack sends
// far fewer requests per five minutes to one app; past the bound the oldest
// entries are dropped first (they are the closest to going stale anyway).
const defaultReplayCapacity = 200_000

// replayCache remembers keys until they expire. Entries are kept in a FIFO
// in insertion order; since expiries are "now + window" and now is
// monotonic for practical purposes, the front is the first to expire, and
// pruning is amortised O(1) per insertion.
type replayCache struct {
	mu       sync.Mutex
	capacity int
	expiry   map[string]time.Time
	order    []replayEntry
	head     int // order[:head] is dead
}

type replayEntry struct {
	key string
	exp time.Time
}

func newReplayCache(capacity int) *replayCache {
	if capacity <= 0 {
		capacity = defaultReplayCapacity
	}
	return &replayCache{capacity: capacity, expiry: map[string]time.Time{}}
}

// add records key until exp and reports whether it was absent (or expired).
func (c *replayCache) add(key string, exp, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.prune(now)
	if e, ok := c.expiry[key]; ok && now.Before(e) {
		return false
	}
	c.expiry[key] = exp
	c.order = append(c.order, replayEntry{key, exp})
	return true
}

// prune drops expired entries from the front, and the oldest ones beyond
// capacity. The slice is compacted once more than half of it is dead.
func (c *replayCache) prune(now time.Time) {
	for c.head < len(c.order) {
		e := c.order[c.head]
		if now.Before(e.exp) && len(c.order)-c.head <= c.capacity {
			break
		}
		if cur, ok := c.expiry[e.key]; ok && cur.Equal(e.exp) {
			delete(c.expiry, e.key)
		}
		c.order[c.head] = replayEntry{}
		c.head++
	}
	if c.head > 64 && c.head*2 > len(c.order) {
		c.order = append([]replayEntry(nil), c.order[c.head:]...)
		c.head = 0
	}
}

// len is the number of live entries (tests).
func (c *replayCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.expiry)
}
