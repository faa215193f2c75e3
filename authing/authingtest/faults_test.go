package authingtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFaultEnvelopesAndCounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
	}{{429}, {500}, {503}}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			s, c := newClient(t, Options{})
			if _, err := s.Faults().Add(Fault{Kind: FaultEnvelope, StatusCode: tt.status, Operation: "list_roles", Count: 1}); err != nil {
				t.Fatal(err)
			}
			c.get("/api/v3/list-roles", nil).fails(t, tt.status, 0)
			c.get("/api/v3/list-roles", nil).into(t, nil)
			if got := s.Calls("list_roles"); got != 1 {
				t.Errorf("Calls(list_roles) = %d, want 1 (the faulted request never reached the operation)", got)
			}
			if f := s.Faults().List(); len(f) != 1 || f[0].Fired != 1 {
				t.Errorf("faults after firing: %+v", f)
			}
		})
	}
}

func TestFaultHTTPStatus(t *testing.T) {
	t.Parallel()
	for _, code := range []int{502, 503} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			t.Parallel()
			s, c := newClient(t, Options{})
			if _, err := s.Faults().Add(Fault{Kind: FaultHTTPStatus, StatusCode: code, Path: "/api/v3/list-roles"}); err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest(http.MethodGet, s.URL()+"/api/v3/list-roles", nil)
			req.Header.Set("Authorization", c.token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != code {
				t.Fatalf("HTTP %d, want %d", resp.StatusCode, code)
			}
			c.get("/api/v3/list-groups", nil).into(t, nil) // other paths unaffected
		})
	}
}

func TestFaultDrop(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		after     bool
		wantCalls int
		wantUser  bool
	}{
		{"before the handler", false, 0, false},
		{"after the handler", true, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := newClient(t, Options{})
			if _, err := s.Faults().Add(Fault{Kind: FaultDrop, Operation: "create_user", Count: 1, AfterHandler: tt.after}); err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest(http.MethodPost, s.URL()+"/api/v3/create-user", strings.NewReader(`{"username":"dropped"}`))
			req.Header.Set("Authorization", "Bearer "+c.token)
			tr := &http.Transport{DisableKeepAlives: true}
			defer tr.CloseIdleConnections()
			if resp, err := (&http.Client{Transport: tr}).Do(req); err == nil {
				resp.Body.Close()
				t.Fatalf("want a transport error, got HTTP %d", resp.StatusCode)
			}
			var exists struct{ Exists bool }
			c.post("/api/v3/is-user-exists", map[string]any{"username": "dropped"}).into(t, &exists)
			if exists.Exists != tt.wantUser || s.Calls("create_user") != tt.wantCalls {
				t.Fatalf("exists %v calls %d; want %v %d", exists.Exists, s.Calls("create_user"), tt.wantUser, tt.wantCalls)
			}
		})
	}
}

func TestFaultLatency(t *testing.T) {
	t.Parallel()
	s, c := newClient(t, Options{})
	if _, err := s.Faults().Add(Fault{Kind: FaultLatency, LatencyMS: 50, Path: "/api/v3/list-roles"}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	c.get("/api/v3/list-roles", nil).into(t, nil)
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("answered after %v, before the injected 50ms", d)
	}
}

func TestFaultExpireToken(t *testing.T) {
	t.Parallel()
	s, c := newClient(t, Options{})
	if _, err := s.Faults().Add(Fault{Kind: FaultExpireToken, Count: 1}); err != nil {
		t.Fatal(err)
	}
	c.get("/api/v3/list-roles", nil).fails(t, 401, apiCodeNotLoggedIn)
	c.get("/api/v3/list-roles", nil).fails(t, 401, apiCodeNotLoggedIn) // stays expired
	c.token = s.IssueToken()
	c.get("/api/v3/list-roles", nil).into(t, nil)
}

func TestFaultProbabilityIsDeterministicWithASeed(t *testing.T) {
	t.Parallel()
	pattern := func() string {
		s, c := newClient(t, Options{FaultSeed: 42})
		if _, err := s.Faults().Add(Fault{Kind: FaultEnvelope, StatusCode: 503, Probability: 0.5}); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for range 40 {
			if c.get("/api/v3/list-roles", nil).StatusCode == 503 {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	a, b := pattern(), pattern()
	if a != b {
		t.Fatalf("same seed, different faults:\n%s\n%s", a, b)
	}
	if !strings.Contains(a, "x") || !strings.Contains(a, ".") {
		t.Fatalf("probability 0.5 should both fire and not fire in 40 calls: %s", a)
	}
}

func TestFaultValidation(t *testing.T) {
	t.Parallel()
	tests := []Fault{
		{Kind: "explode"},
		{Kind: FaultLatency},
		{Kind: FaultEnvelope, StatusCode: 404},
		{Kind: FaultHTTPStatus, StatusCode: 500},
		{Kind: FaultDrop, Probability: 2},
		{Kind: FaultEnvelope, AfterHandler: true},
	}
	fs := newFaults(1)
	for _, f := range tests {
		if _, err := fs.Add(f); err == nil {
			t.Errorf("Add(%+v) accepted an invalid fault", f)
		}
	}
}

func TestAdminEndpoint(t *testing.T) {
	t.Parallel()
	s, c := newClient(t, Options{Admin: true})
	post := func(body string) *http.Response {
		resp, err := http.Post(s.URL()+AdminFaultsPath, "application/json", bytes.NewBufferString(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := post(`[{"kind":"envelope","statusCode":429,"operation":"list_groups","count":2},{"kind":"latency","latencyMs":1}]`); r.StatusCode != http.StatusCreated {
		t.Fatalf("POST faults: HTTP %d", r.StatusCode)
	}
	if r := post(`{"kind":"nope"}`); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("POST bad fault: HTTP %d", r.StatusCode)
	}
	var list []Fault
	getJSON(t, s.URL()+AdminFaultsPath, &list)
	if len(list) != 2 || list[0].ID == "" {
		t.Fatalf("listed faults: %+v", list)
	}
	c.get("/api/v3/list-groups", nil).fails(t, 429, 0)
	req, _ := http.NewRequest(http.MethodDelete, s.URL()+AdminFaultsPath, nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE faults: %v %v", resp, err)
	}
	c.get("/api/v3/list-groups", nil).into(t, nil)
	var calls map[string]int
	getJSON(t, s.URL()+AdminCallsPath, &calls)
	if calls["list_groups"] != 1 || calls[tokenOp] != 1 {
		t.Fatalf("calls: %v", calls)
	}

	_, plain := newClient(t, Options{})
	plain.get(AdminFaultsPath, nil).fails(t, 404, 0)
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
