package tools

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// Session ids.
//
// mcp-go's default session manager accepts any well-formed id, issued or
// not. Here an id is 32 random bytes the server issued at initialize and
// remembers with the caller it was issued to; an id the server did not
// issue, one that was terminated or idle too long, or one presented by
// another caller is rejected (404, as the transport does for unknown
// sessions), so a session cannot be guessed, forged or borrowed.

const sessionPrefix = "ao-"

type sessionInfo struct {
	caller     string
	lastSeen   time.Time
	terminated bool
}

// sessionStore remembers issued sessions. It implements
// server.SessionIdManagerResolver.
type sessionStore struct {
	ttl time.Duration
	now func() time.Time

	mu       sync.Mutex
	sessions map[string]*sessionInfo
}

func newSessionStore(ttl time.Duration) *sessionStore {
	return &sessionStore{ttl: ttl, now: time.Now, sessions: map[string]*sessionInfo{}}
}

// ResolveSessionIdManager binds the manager to the request's caller.
func (st *sessionStore) ResolveSessionIdManager(r *http.Request) server.SessionIdManager {
	c, _ := CallerFrom(r.Context())
	return &callerSessions{store: st, caller: c.ID}
}

// callerSessions is the session manager of one request's caller.
type callerSessions struct {
	store  *sessionStore
	caller string
}

var errUnknownSession = errors.New("unknown session")

// Generate issues a new session id to the caller.
func (m *callerSessions) Generate() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		// No randomness: issue nothing usable rather than a guessable id.
		return ""
	}
	id := sessionPrefix + hex.EncodeToString(b)
	st := m.store
	st.mu.Lock()
	defer st.mu.Unlock()
	now := st.now()
	for k, s := range st.sessions {
		if now.Sub(s.lastSeen) > st.ttl {
			delete(st.sessions, k)
		}
	}
	st.sessions[id] = &sessionInfo{caller: m.caller, lastSeen: now}
	return id
}

// Validate accepts only ids issued to this caller and still live.
func (m *callerSessions) Validate(id string) (bool, error) {
	st := m.store
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.sessions[id]
	if !ok || s.caller != m.caller {
		return false, errUnknownSession
	}
	now := st.now()
	if now.Sub(s.lastSeen) > st.ttl {
		delete(st.sessions, id)
		return false, errUnknownSession
	}
	if s.terminated {
		return true, nil
	}
	s.lastSeen = now
	return false, nil
}

// Terminate ends a session of this caller.
func (m *callerSessions) Terminate(id string) (bool, error) {
	st := m.store
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.sessions[id]
	if !ok || s.caller != m.caller {
		return false, errUnknownSession
	}
	s.terminated = true
	return false, nil
}
