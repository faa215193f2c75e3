// Package authingtest is an in-memory, Authing-compatible Management API v3:
// the sandbox behind the quick start, the end-to-end tests and fault
// injection. It authenticates like the real service (management tokens and
// the Node SDK's request signatures), answers Authing's envelopes, keeps
// users, roles, groups, organizations, departments and applications in
// memory, and answers every other catalog operation with a 501 envelope.
package authingtest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Seeds a server can start with.
const (
	// SeedEmpty starts with no users, roles, groups, organizations or applications.
	SeedEmpty = "empty"
	// SeedDemo starts with a handful of users, roles, groups, departments and
	// one application (see seed.go).
	SeedDemo = "demo"
)

// Options configures a sandbox. The zero value is usable: it takes the
// sandbox's demo credentials, an empty user pool and 127.0.0.1:0.
type Options struct {
	// AccessKeyID and AccessKeySecret are the user pool's key pair; default
	// DemoAccessKeyID and DemoAccessKeySecret.
	AccessKeyID, AccessKeySecret string
	// UserPoolID is the pool id carried in tokens; default DemoUserPoolID.
	UserPoolID string
	// TokenTTL is the lifetime of management tokens; default 7200 s.
	TokenTTL time.Duration
	// Seed is SeedEmpty (default) or SeedDemo.
	Seed string
	// Addr is the listen address of NewServer; default 127.0.0.1:0.
	Addr string
	// Admin enables the /__sandbox/ endpoints (faults and call counters).
	Admin bool
	// FaultSeed makes fault probabilities deterministic; 0 seeds from the clock.
	FaultSeed int64
	// Now is the clock; default time.Now.
	Now func() time.Time
	// SignatureMaxSkew bounds the difference between a signed request's date
	// header and the clock, and how long nonces are remembered; default 15 min.
	SignatureMaxSkew time.Duration
}

// Credentials are what a client needs to talk to a sandbox.
type Credentials struct {
	Host            string `json:"host"`
	AccessKeyID     string `json:"accessKeyId"`
	AccessKeySecret string `json:"accessKeySecret"`
	UserPoolID      string `json:"userPoolId"`
}

// Server is a sandbox: an http.Handler, and when made by NewServer a running
// HTTP server on the loopback interface.
type Server struct {
	opts     Options
	router   *router
	tokenKey []byte
	nonces   nonceCache
	faults   *Faults

	mu sync.RWMutex // guards st
	st *state

	metaMu  sync.Mutex // guards expired and calls
	expired map[string]bool
	calls   map[string]int

	url     string
	httpSrv *http.Server
	done    chan struct{}
}

// New returns a sandbox that is not listening; use it as an http.Handler.
func New(opts Options) (*Server, error) {
	if opts.AccessKeyID == "" {
		opts.AccessKeyID = DemoAccessKeyID
	}
	if opts.AccessKeySecret == "" {
		opts.AccessKeySecret = DemoAccessKeySecret
	}
	if opts.UserPoolID == "" {
		opts.UserPoolID = DemoUserPoolID
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 7200 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SignatureMaxSkew <= 0 {
		opts.SignatureMaxSkew = 15 * time.Minute
	}
	key := sha256.Sum256([]byte("authingops-sandbox-token:" + opts.UserPoolID + ":" + opts.AccessKeySecret))
	s := &Server{
		opts:     opts,
		router:   newRouter(catalogRoutes()),
		tokenKey: key[:],
		faults:   newFaults(opts.FaultSeed),
		st:       newState(opts.UserPoolID),
		expired:  map[string]bool{},
		calls:    map[string]int{},
	}
	switch opts.Seed {
	case "", SeedEmpty:
	case SeedDemo:
		if err := seedDemo(s.st, opts.Now()); err != nil {
			return nil, fmt.Errorf("authingtest: demo seed: %w", err)
		}
	default:
		return nil, fmt.Errorf("authingtest: unknown seed %q (want %q or %q)", opts.Seed, SeedDemo, SeedEmpty)
	}
	return s, nil
}

// NewServer returns a sandbox listening on opts.Addr (default 127.0.0.1:0).
// Close it when done.
func NewServer(opts Options) (*Server, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("authingtest: listen on %s: %w", addr, err)
	}
	s.url = "http://" + ln.Addr().String()
	s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		if err := s.httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			// Serve only fails here when the listener breaks; nothing to report to.
			_ = err
		}
	}()
	return s, nil
}

// URL is the base URL ("http://127.0.0.1:PORT") of a listening server, the
// host to give clients; "" for a server made by New.
func (s *Server) URL() string { return s.url }

// Credentials returns the host and key pair clients should use.
func (s *Server) Credentials() Credentials {
	return Credentials{Host: s.url, AccessKeyID: s.opts.AccessKeyID, AccessKeySecret: s.opts.AccessKeySecret, UserPoolID: s.opts.UserPoolID}
}

// Handler returns the sandbox as an http.Handler for in-process use.
func (s *Server) Handler() http.Handler { return s }

// Faults returns the fault injector.
func (s *Server) Faults() *Faults { return s.faults }

// Close stops a listening server immediately; it is a no-op for New servers.
func (s *Server) Close() error {
	if s.httpSrv == nil {
		return nil
	}
	err := s.httpSrv.Close()
	<-s.done
	if err != nil {
		return fmt.Errorf("authingtest: close: %w", err)
	}
	return nil
}

// Done is closed when a listening server has stopped serving; it is nil for
// servers made by New.
func (s *Server) Done() <-chan struct{} { return s.done }

// Shutdown stops a listening server gracefully, waiting for calls in flight.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.httpSrv == nil {
		return nil
	}
	if err := s.httpSrv.Shutdown(ctx); err != nil {
		return fmt.Errorf("authingtest: shutdown: %w", err)
	}
	<-s.done
	return nil
}

// Calls returns how many requests reached operation op (named as in the
// catalog, or "get_management_token"): requests that passed routing, fault
// injection and authentication, whatever their outcome.
func (s *Server) Calls(op string) int {
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	return s.calls[op]
}

// CallCounts returns a copy of every operation's call count.
func (s *Server) CallCounts() map[string]int {
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// ResetCalls zeroes the call counters.
func (s *Server) ResetCalls() {
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	clear(s.calls)
}

func (s *Server) countCall(op string) {
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	s.calls[op]++
}

func (s *Server) now() time.Time { return s.opts.Now() }
