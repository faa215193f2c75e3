package tools

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// HTTPOptions configure the Streamable HTTP handler.
type HTTPOptions struct {
	// Path is where the handler is mounted, default "/mcp".
	Path string
	// Keys maps bearer keys to callers. Required unless LoopbackCaller is set.
	Keys *KeySet
	// LoopbackCaller, when set, is the caller of requests that come from a
	// loopback address without an Authorization header. Only the sandbox
	// sets it: the server then needs no key on the machine it runs on.
	LoopbackCaller *Caller
	// AllowedOrigins are the exact origins (scheme://host[:port]) browsers
	// may call from. Requests without an Origin header (native clients)
	// pass; any other origin gets 403. Empty allows loopback origins only
	// (http://localhost, http://127.0.0.1, http://[::1], any port).
	AllowedOrigins []string
	// MaxBodyBytes caps request bodies, default 1 MiB; larger ones get 413.
	MaxBodyBytes int64
	// RatePerMinute is the per-caller request budget, default 600; Burst
	// defaults to a tenth of it (at least 10). Over budget: 429.
	RatePerMinute int
	Burst         int
	// SessionIdleTTL ends sessions unused this long, default 1 hour.
	SessionIdleTTL time.Duration
}

// HTTPHandler returns the Streamable HTTP handler: Origin check, bearer
// authentication, per-caller rate limit and body cap in front of mcp-go's
// transport, whose session ids are issued per caller and accepted only from
// that caller.
func (s *Server) HTTPHandler(opts HTTPOptions) (http.Handler, error) {
	if opts.Keys == nil && opts.LoopbackCaller == nil {
		return nil, errors.New("mcp http: no API keys configured (--mcp-keys-file)")
	}
	if opts.Path == "" {
		opts.Path = "/mcp"
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	if opts.RatePerMinute <= 0 {
		opts.RatePerMinute = 600
	}
	if opts.Burst <= 0 {
		opts.Burst = max(opts.RatePerMinute/10, 10)
	}
	if opts.SessionIdleTTL <= 0 {
		opts.SessionIdleTTL = time.Hour
	}
	for _, o := range opts.AllowedOrigins {
		if u, err := url.Parse(o); err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" {
			return nil, errors.New("mcp http: allowed origin " + strconv.Quote(o) + " must be scheme://host[:port]")
		}
	}
	sessions := newSessionStore(opts.SessionIdleTTL)
	streamable := server.NewStreamableHTTPServer(s.mcp,
		server.WithEndpointPath(opts.Path),
		server.WithSessionIdManagerResolver(sessions),
	)
	h := &httpFront{opts: opts, next: streamable, limits: newRateLimiter(opts.RatePerMinute, opts.Burst)}
	return h, nil
}

// httpFront is the security middleware in front of the MCP transport.
type httpFront struct {
	opts   HTTPOptions
	next   http.Handler
	limits *rateLimiter
}

func (h *httpFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if o := r.Header.Get("Origin"); o != "" && !h.originAllowed(o) {
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	caller, ok := h.authenticate(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="authingops", error="invalid_token"`)
		http.Error(w, "missing or invalid API key (Authorization: Bearer <key>)", http.StatusUnauthorized)
		return
	}
	if wait, ok := h.limits.allow(caller.ID); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		http.Error(w, "rate limit exceeded for "+caller.ID, http.StatusTooManyRequests)
		return
	}
	if r.ContentLength > h.opts.MaxBodyBytes {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if r.Body != nil && r.Body != http.NoBody {
		body, err := io.ReadAll(io.LimitReader(r.Body, h.opts.MaxBodyBytes+1))
		if err != nil {
			http.Error(w, "cannot read the request body", http.StatusBadRequest)
			return
		}
		if int64(len(body)) > h.opts.MaxBodyBytes {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	ctx := WithCaller(r.Context(), caller)
	h.next.ServeHTTP(w, r.WithContext(ctx))
}

// authenticate resolves the bearer key, or the loopback caller in sandbox
// mode.
func (h *httpFront) authenticate(r *http.Request) (Caller, bool) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		if h.opts.LoopbackCaller != nil && isLoopback(r.RemoteAddr) {
			c := *h.opts.LoopbackCaller
			c.Transport = "http"
			return c, true
		}
		return Caller{}, false
	}
	scheme, key, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return Caller{}, false
	}
	return h.opts.Keys.Lookup(strings.TrimSpace(key))
}

func (h *httpFront) originAllowed(origin string) bool {
	if len(h.opts.AllowedOrigins) > 0 {
		return slices.Contains(h.opts.AllowedOrigins, origin)
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	switch u.Hostname() {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

func isLoopback(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// rateLimiter is a token bucket per caller.
type rateLimiter struct {
	rate  float64 // tokens per second
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(perMinute, burst int) *rateLimiter {
	return &rateLimiter{rate: float64(perMinute) / 60, burst: float64(burst), now: time.Now, buckets: map[string]*bucket{}}
}

// allow takes a token for caller, or says how long until one is available.
func (l *rateLimiter) allow(caller string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[caller]
	if !ok {
		if len(l.buckets) > 10000 {
			clear(l.buckets)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[caller] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return time.Duration((1 - b.tokens) / l.rate * float64(time.Second)), false
}

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
