package authingtest

import (
	"bytes"
	"encoding/json"
	"net/http"
)

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
