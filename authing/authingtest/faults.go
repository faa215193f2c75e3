package authingtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// FaultKind names what a fault does to a request.
type FaultKind string

// Fault kinds.
const (
	// FaultLatency delays the answer by LatencyMS.
	FaultLatency FaultKind = "latency"
	// FaultEnvelope answers an error envelope with StatusCode 429, 500 or 503
	// (HTTP 200, as Authing does) without running the operation.
	FaultEnvelope FaultKind = "envelope"
	// FaultHTTPStatus answers HTTP 502 or 503 with a plain body, as a proxy in
	// front of Authing would.
	FaultHTTPStatus FaultKind = "http_status"
	// FaultDrop closes the connection without an answer; with AfterHandler
	// the operation runs first (the write happens, the client never learns).
	FaultDrop FaultKind = "drop"
	// FaultExpireToken expires the management token the request presents
	// (before its exp), answering 401 apiCode 2020; the token stays expired.
	FaultExpireToken FaultKind = "expire_token"
)

// Fault is one injected failure. It applies to requests matching Path (exact)
// and Operation (catalog name, or "get_management_token"); empty matches all.
// It fires with Probability (0 means always) at most Count times (0 means
// without limit).
type Fault struct {
	ID           string    `json:"id,omitempty"`
	Kind         FaultKind `json:"kind"`
	Path         string    `json:"path,omitempty"`
	Operation    string    `json:"operation,omitempty"`
	LatencyMS    int64     `json:"latencyMs,omitempty"`
	StatusCode   int       `json:"statusCode,omitempty"`
	Probability  float64   `json:"probability,omitempty"`
	Count        int       `json:"count,omitempty"`
	AfterHandler bool      `json:"afterHandler,omitempty"`
	// Fired counts how many times the fault fired (read-only).
	Fired int `json:"fired"`
}

// validate checks f and fills defaults.
func (f *Fault) validate() error {
	switch f.Kind {
	case FaultLatency:
		if f.LatencyMS <= 0 {
			return fmt.Errorf("latency fault needs latencyMs > 0")
		}
	case FaultEnvelope:
		if f.StatusCode == 0 {
			f.StatusCode = codeServerError
		}
		if f.StatusCode != codeThrottled && f.StatusCode != codeServerError && f.StatusCode != codeUnavailable {
			return fmt.Errorf("envelope fault statusCode must be 429, 500 or 503, got %d", f.StatusCode)
		}
	case FaultHTTPStatus:
		if f.StatusCode == 0 {
			f.StatusCode = http.StatusBadGateway
		}
		if f.StatusCode != http.StatusBadGateway && f.StatusCode != http.StatusServiceUnavailable {
			return fmt.Errorf("http_status fault statusCode must be 502 or 503, got %d", f.StatusCode)
		}
	case FaultDrop, FaultExpireToken:
	default:
		return fmt.Errorf("unknown fault kind %q", f.Kind)
	}
	if f.Probability < 0 || f.Probability > 1 {
		return fmt.Errorf("probability must be within [0, 1], got %v", f.Probability)
	}
	if f.Count < 0 {
		return fmt.Errorf("count must not be negative, got %d", f.Count)
	}
	if f.AfterHandler && f.Kind != FaultDrop {
		return fmt.Errorf("afterHandler applies to drop faults only")
	}
	return nil
}

// Faults holds the injected faults of a server. It is safe for concurrent use.
type Faults struct {
	mu     sync.Mutex
	rng    *rand.Rand
	next   int
	faults []*Fault
}

func newFaults(seed int64) *Faults {
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	return &Faults{rng: rand.New(rand.NewSource(seed))}
}

// Add validates and installs f, returning it with its id.
func (fs *Faults) Add(f Fault) (Fault, error) {
	if err := f.validate(); err != nil {
		return Fault{}, fmt.Errorf("authingtest: %w", err)
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.next++
	f.ID = "f" + strconv.Itoa(fs.next)
	f.Fired = 0
	fs.faults = append(fs.faults, &f)
	return f, nil
}

// Remove deletes the fault with id and reports whether it existed.
func (fs *Faults) Remove(id string) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.faults {
		if f.ID == id {
			fs.faults = append(fs.faults[:i], fs.faults[i+1:]...)
			return true
		}
	}
	return false
}

// Clear removes every fault.
func (fs *Faults) Clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.faults = nil
}

// List returns copies of the installed faults, in the order they were added.
func (fs *Faults) List() []Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]Fault, 0, len(fs.faults))
	for _, f := range fs.faults {
		out = append(out, *f)
	}
	return out
}

// faultPlan is what the faults do to one request.
type faultPlan struct {
	latency     time.Duration
	before      *Fault // envelope, http_status or drop before the handler
	dropAfter   bool
	expireToken bool
}

// plan rolls every matching fault for a request. Latencies add up; of the
// other kinds the first that fires wins and later ones are not consumed.
func (fs *Faults) plan(path, op string) faultPlan {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var p faultPlan
	decided := false
	for _, f := range fs.faults {
		if (f.Path != "" && f.Path != path) || (f.Operation != "" && f.Operation != op) {
			continue
		}
		if f.Kind == FaultExpireToken && (op == "" || op == tokenOp) {
			continue
		}
		if f.Kind != FaultLatency && decided {
			continue
		}
		if f.Count > 0 && f.Fired >= f.Count {
			continue
		}
		if f.Probability > 0 && f.Probability < 1 && fs.rng.Float64() >= f.Probability {
			continue
		}
		f.Fired++
		switch {
		case f.Kind == FaultLatency:
			p.latency += time.Duration(f.LatencyMS) * time.Millisecond
		case f.Kind == FaultExpireToken:
			p.expireToken, decided = true, true
		case f.Kind == FaultDrop && f.AfterHandler:
			p.dropAfter, decided = true, true
		default:
			c := *f
			p.before, decided = &c, true
		}
	}
	return p
}

// applyFault answers a request with f; it reports true when the request is done.
func (s *Server) applyFault(w http.ResponseWriter, reqID string, f *Fault) bool {
	switch f.Kind {
	case FaultEnvelope:
		writeError(w, reqID, newAPIError(f.StatusCode, 0, "%s (injected by the sandbox)", http.StatusText(f.StatusCode)))
	case FaultHTTPStatus:
		http.Error(w, http.StatusText(f.StatusCode), f.StatusCode)
	case FaultDrop:
		dropConnection(w)
	default:
		return false
	}
	return true
}

// dropConnection closes the client connection without writing an answer.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		// HTTP/2 or an in-process recorder: abort the handler instead.
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// adminPrefix is where the sandbox's own endpoints live; no Authing operation
// uses it. They exist only when Options.Admin is set.
//
//	GET    /__sandbox/faults          list the installed faults
//	POST   /__sandbox/faults          add one fault (a Fault object) or several (an array)
//	DELETE /__sandbox/faults[?id=f1]  remove one fault, or all
//	GET    /__sandbox/calls           requests per operation: {"list_users": 3, ...}
//	DELETE /__sandbox/calls           reset the counters
//	GET    /__sandbox/operations      the emulated operations
const adminPrefix = "/__sandbox/"

// AdminFaultsPath is the fault admin endpoint of a sandbox started with Admin.
const AdminFaultsPath = adminPrefix + "faults"

// AdminCallsPath is the call-counter endpoint of a sandbox started with Admin.
const AdminCallsPath = adminPrefix + "calls"

func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case AdminFaultsPath:
		s.serveAdminFaults(w, r)
	case AdminCallsPath:
		switch r.Method {
		case http.MethodGet:
			adminJSON(w, http.StatusOK, s.CallCounts())
		case http.MethodDelete:
			s.ResetCalls()
			w.WriteHeader(http.StatusNoContent)
		default:
			adminJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use GET or DELETE"})
		}
	case adminPrefix + "operations":
		adminJSON(w, http.StatusOK, Emulated())
	default:
		adminJSON(w, http.StatusNotFound, map[string]string{"error": "unknown sandbox admin endpoint"})
	}
}

func (s *Server) serveAdminFaults(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		adminJSON(w, http.StatusOK, s.faults.List())
	case http.MethodDelete:
		if id := r.URL.Query().Get("id"); id != "" {
			if !s.faults.Remove(id) {
				adminJSON(w, http.StatusNotFound, map[string]string{"error": "no fault " + id})
				return
			}
		} else {
			s.faults.Clear()
		}
		w.WriteHeader(http.StatusNoContent)
	case http.MethodPost:
		raw, err := readBody(r.Body)
		if err != nil {
			adminJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		var list []Fault
		if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
			err = json.Unmarshal(t, &list)
		} else {
			var f Fault
			err = json.Unmarshal(t, &f)
			list = []Fault{f}
		}
		if err != nil {
			adminJSON(w, http.StatusBadRequest, map[string]string{"error": "malformed fault: " + err.Error()})
			return
		}
		for _, f := range list {
			if err := (&f).validate(); err != nil {
				adminJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
		}
		added := make([]Fault, 0, len(list))
		for _, f := range list {
			a, err := s.faults.Add(f)
			if err != nil {
				adminJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
			added = append(added, a)
		}
		adminJSON(w, http.StatusCreated, added)
	default:
		adminJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use GET, POST or DELETE"})
	}
}

func adminJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
