package authingtest

import (
	"net/http"
	"strings"
	"time"
)

// tokenPath is the one Management API path outside the catalog.
const (
	tokenPath = "/api/v3/get-management-token"
	tokenOp   = "get_management_token"
)

// handler emulates one operation. write says whether it changes state, which
// picks the lock it runs under.
type handler struct {
	write bool
	fn    func(c *call) (any, error)
}

func reads(fn func(c *call) (any, error)) handler  { return handler{fn: fn} }
func writes(fn func(c *call) (any, error)) handler { return handler{write: true, fn: fn} }

// call is one emulated operation in progress. Handlers run with the state
// lock held (exclusive for writes).
type call struct {
	op  string
	a   args
	st  *state
	now time.Time
}

// ServeHTTP answers one request: admin endpoints, then routing, fault
// injection, authentication, argument decoding and the operation's handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	path := r.URL.Path
	if strings.HasPrefix(path, adminPrefix) && s.opts.Admin {
		s.serveAdmin(w, r)
		return
	}
	var op string
	var known bool
	if path == tokenPath {
		known = true
		if r.Method == http.MethodPost {
			op = tokenOp
		}
	} else {
		op, known = s.router.match(r.Method, path)
	}

	plan := s.faults.plan(path, op)
	if plan.latency > 0 {
		t := time.NewTimer(plan.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if plan.before != nil && s.applyFault(w, reqID, plan.before) {
		return
	}
	if op == "" {
		if known {
			writeError(w, reqID, notFound("Cannot %s %s: the path exists with another method", r.Method, path))
		} else {
			writeError(w, reqID, notFound("Cannot %s %s", r.Method, path))
		}
		return
	}
	raw, err := readBody(r.Body)
	if err != nil {
		writeError(w, reqID, err)
		return
	}
	if op == tokenOp {
		s.countCall(op)
		s.serveToken(w, reqID, raw)
		return
	}
	if err := s.authenticate(r, raw, plan.expireToken); err != nil {
		writeError(w, reqID, err)
		return
	}
	s.countCall(op)
	h, ok := handlers[op]
	if !ok {
		writeError(w, reqID, newAPIError(codeNotImplemented, 0,
			"operation %s (%s %s) is not emulated by the authingops sandbox", op, r.Method, path))
		return
	}
	a, err := requestArgs(r, raw)
	if err != nil {
		writeError(w, reqID, err)
		return
	}
	data, err := s.run(h, op, a)
	if plan.dropAfter {
		dropConnection(w)
		return
	}
	if err != nil {
		writeError(w, reqID, err)
		return
	}
	writeData(w, data)
}

// requestArgs decodes the query string and, for methods with a body, the JSON
// body (body keys win over query keys of the same name).
func requestArgs(r *http.Request, raw []byte) (args, error) {
	q := parseQuery(r.URL.Query())
	if r.Method == http.MethodGet || r.Method == http.MethodDelete {
		return q, nil
	}
	a, err := parseBody(raw)
	if err != nil {
		return nil, err
	}
	for k, v := range q {
		if _, ok := a[k]; !ok {
			a[k] = v
		}
	}
	return a, nil
}

// run executes h under the state lock.
func (s *Server) run(h handler, op string, a args) (data any, err error) {
	if h.write {
		s.mu.Lock()
		defer s.mu.Unlock()
	} else {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	return h.fn(&call{op: op, a: a, st: s.st, now: s.now()})
}
