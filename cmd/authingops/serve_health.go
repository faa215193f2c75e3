package main

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/seed-afc46a91/authingops/audit"
)

// readiness answers /readyz: Authing reachable (a management token is held
// or can be obtained), the audit store answering, policies loaded.
func readiness(rt *runtime) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		checks := map[string]string{}
		ok := true
		check := func(name string, err error) {
			if err != nil {
				checks[name] = err.Error()
				ok = false
				return
			}
			checks[name] = "ok"
		}
		check("authing", rt.client.Ping(ctx))
		_, err := rt.store.Query(ctx, audit.Filter{Limit: 1, Reverse: true})
		check("audit", err)
		if rt.policy.Current() == nil {
			checks["policy"] = "no policy set loaded"
			ok = false
		} else {
			checks["policy"] = "ok"
		}
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ready": ok, "checks": checks})
	}
}

// withRequestID gives every request an id (the caller's X-Request-Id when it
// is a sane token, else a new one), echoes it, and puts a logger carrying it
// in the request's context for the handlers (zerolog.Ctx).
func withRequestID(log zerolog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !saneID(id) {
			id = uuid.NewString()
		}
		w.Header().Set("X-Request-Id", id)
		l := log.With().Str("request_id", id).Logger()
		next.ServeHTTP(w, r.WithContext(l.WithContext(r.Context())))
	})
}

// saneID accepts ids of 8 to 64 letters, digits, '-' and '_'.
func saneID(s string) bool {
	if len(s) < 8 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
