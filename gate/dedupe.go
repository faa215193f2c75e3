package gate

import (
	"sync"
	"time"
)

// dedupe remembers recent dedupe keys so that a repeated delivery of a call
// (a Slack retry, an MCP client resending) runs at most once. It is
// per process: replicas behind a load balancer share approvals through the
// store, but a retry that lands on another replica is not caught here.
type dedupe struct {
	window time.Duration
	now    func() time.Time

	mu      sync.Mutex
	entries map[string]*dedupeEntry
	sweep   time.Time
}

type dedupeEntry struct {
	argsHash string
	expires  time.Time
	done     chan struct{}
	result   *Result
}

func newDedupe(window time.Duration, now func() time.Time) *dedupe {
	return &dedupe{window: window, now: now, entries: map[string]*dedupeEntry{}}
}

// claim registers key with argsHash. It returns (entry, true) when this call
// is the first and must run (and later call finish), or the existing entry
// and false when an earlier call with the same key and arguments exists.
// Different arguments under the same key are a new call.
func (d *dedupe) claim(key, argsHash string) (*dedupeEntry, bool) {
	now := d.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	if now.After(d.sweep) {
		for k, e := range d.entries {
			if now.After(e.expires) {
				delete(d.entries, k)
			}
		}
		d.sweep = now.Add(d.window / 4)
	}
	if e, ok := d.entries[key]; ok && e.argsHash == argsHash && now.Before(e.expires) {
		return e, false
	}
	e := &dedupeEntry{argsHash: argsHash, expires: now.Add(d.window), done: make(chan struct{})}
	d.entries[key] = e
	return e, true
}

// finish records the first call's result and releases waiting duplicates.
func (e *dedupeEntry) finish(r *Result) {
	e.result = r
	close(e.done)
}

// forget drops key if it still maps to e.
func (d *dedupe) forget(key string, e *dedupeEntry) {
	d.mu.Lock()
	if d.entries[key] == e {
		delete(d.entries, key)
	}
	d.mu.Unlock()
}
