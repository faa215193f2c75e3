package audit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pgDSNEnv names the environment variable holding the PostgreSQL test DSN.
const pgDSNEnv = "AUTHINGOPS_TEST_POSTGRES_DSN"

// testDB is one empty database for a test: a DSN for Open, and a raw
// connection to the same database for tampering and dumping rows.
type testDB struct {
	dsn string
	raw *sql.DB
	d   *dialect
}

// backend creates empty test databases of one kind.
type backend struct {
	name string
	new  func(tb testing.TB) *testDB
}

func backends() []backend {
	return []backend{{"sqlite", newSQLiteDB}, {"postgres", newPostgresDB}}
}

func newSQLiteDB(tb testing.TB) *testDB {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "audit.db")
	raw, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		tb.Fatalf("open raw sqlite: %v", err)
	}
	tb.Cleanup(func() { raw.Close() })
	return &testDB{dsn: "sqlite:" + path, raw: raw, d: sqliteDialect}
}

// newPostgresDB creates a schema unique to the test and a DSN whose
// search_path selects it; the schema is dropped afterwards.
func newPostgresDB(tb testing.TB) *testDB {
	tb.Helper()
	base := os.Getenv(pgDSNEnv)
	if base == "" {
		tb.Skipf("PostgreSQL tests skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", pgDSNEnv)
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	schemaName := "audit_test_" + hex.EncodeToString(rnd[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schemaName); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", pgDSNEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schemaName)
	u.RawQuery = q.Encode()
	dsn := u.String()
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	tb.Cleanup(func() {
		raw.Close()
		if a, err := sql.Open("pgx", base); err == nil {
			_, _ = a.Exec("DROP SCHEMA " + schemaName + " CASCADE")
			a.Close()
		}
	})
	return &testDB{dsn: dsn, raw: raw, d: postgresDialect}
}

// open opens a store on db and closes it at the end of the test.
func (db *testDB) open(tb testing.TB, opts ...Option) Store {
	tb.Helper()
	s, err := Open(context.Background(), db.dsn, opts...)
	if err != nil {
		tb.Fatalf("Open(%s): %v", DescribeDSN(db.dsn), err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// exec runs a statement (with ? placeholders) on the raw connection.
func (db *testDB) exec(tb testing.TB, q string, args ...any) {
	tb.Helper()
	if _, err := db.raw.Exec(db.d.bind(q), args...); err != nil {
		tb.Fatalf("exec %q: %v", q, err)
	}
}

// dump returns every value of every table as text, for secret scanning.
func (db *testDB) dump(tb testing.TB) string {
	tb.Helper()
	var b strings.Builder
	for _, table := range []string{"audit_records", "audit_targets", "audit_head", "approvals", "authingops_meta"} {
		rows, err := db.raw.Query("SELECT * FROM " + table)
		if err != nil {
			tb.Fatalf("dump %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatalf("dump %s: %v", table, err)
			}
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%s.%s=%v\n", table, cols[i], v)
			}
		}
		rows.Close()
	}
	return b.String()
}
