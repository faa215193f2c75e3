package gate_test

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing/authingtest"
	"github.com/seed-afc46a91/authingops/gate"
)

const pgDSNEnv = "AUTHINGOPS_TEST_POSTGRES_DSN"

// backends returns a fresh database of each kind: a SQLite file, and a
// PostgreSQL schema when AUTHINGOPS_TEST_POSTGRES_DSN is set.
func backends() []struct {
	name string
	new  func(t *testing.T) string
} {
	return []struct {
		name string
		new  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "a.db") }},
		{"postgres", func(t *testing.T) string { return newPostgres(t) }},
	}
}

// newPostgres creates a schema for the test and returns a DSN selecting it.
func newPostgres(t testing.TB) string {
	base := os.Getenv(pgDSNEnv)
	if base == "" {
		t.Skipf("PostgreSQL tests skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", pgDSNEnv)
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	schema := "gate_test_" + hex.EncodeToString(rnd[:])
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if db, err := sql.Open("pgx", base); err == nil {
			_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func sandbox(t *testing.T) *authingtest.Server {
	srv, err := authingtest.NewServer(authingtest.Options{Seed: authingtest.SeedDemo})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// TestRestartBetweenRequestAndApproval: the pending approval lives in the
// store; a gate restarted with the same secret key executes it, one with
// another key refuses it as unreadable.
func TestRestartBetweenRequestAndApproval(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			dsn, srv := be.new(t), sandbox(t)
			first := setup(t, onDB(dsn, srv))
			id := first.requestDelete()
			other := first.requestDelete()
			if err := first.raw.Close(); err != nil {
				t.Fatal(err)
			}

			wrongKey := setup(t, onDB(dsn, srv), withKey([]byte("another-key-another-key-another-k")))
			if c := refusal(t, wrongKey.approve(admin, other)); c != "payload_unreadable" {
				t.Errorf("other key: %q", c)
			}
			_ = wrongKey.raw.Close()

			again := setup(t, onDB(dsn, srv))
			res := again.approve(admin, id)
			if res.Status != gate.StatusSucceeded || srv.Calls("delete_users_batch") != 1 {
				t.Fatalf("approve after restart: %s %v, %d deletes", res.Status, res.Err, srv.Calls("delete_users_batch"))
			}
			if got := again.refusals(other); len(got) != 1 || got[0] != "payload_unreadable" {
				t.Errorf("refusal records %q", got)
			}
			again.verify()
		})
	}
}

// TestReplicas: two gates on one store; a call requested on one is
// approved on the other, and racing approvals on both run it once.
func TestReplicas(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			dsn, srv := be.new(t), sandbox(t)
			a, b := setup(t, onDB(dsn, srv)), setup(t, onDB(dsn, srv))
			id := a.requestDelete()
			var wg sync.WaitGroup
			results := make([]*gate.Result, 2)
			wg.Go(func() { results[0] = a.approve(cliAlice, id) })
			wg.Go(func() { results[1] = b.approve(admin, id) })
			wg.Wait()
			ok := 0
			for _, r := range results {
				if r.Status == gate.StatusSucceeded {
					ok++
				} else if c := refusal(t, r); c != "approval_closed" {
					t.Errorf("loser: %q", c)
				}
			}
			if ok != 1 || srv.Calls("delete_users_batch") != 1 {
				t.Fatalf("%d succeeded, %d deletes; want exactly one", ok, srv.Calls("delete_users_batch"))
			}
			st, err := b.gate.Status(t.Context(), id)
			if err != nil || st.Approval.State != audit.StateExecuted || st.Outcome == nil {
				t.Fatalf("Status on the other replica: %+v %v", st, err)
			}
			a.verify()
		})
	}
}
