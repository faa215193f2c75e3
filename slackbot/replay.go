package slackbot

import (
	"sync"
	"time"
)

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
