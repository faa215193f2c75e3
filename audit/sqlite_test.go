package audit

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenSQLiteErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("this is not sqlite ", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "foreign.db")
	fdb, err := sql.Open("sqlite", foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fdb.Exec(`CREATE TABLE customers (id INTEGER)`); err != nil {
		t.Fatal(err)
	}
	fdb.Close()
	newer := filepath.Join(dir, "newer.db")
	s, err := Open(context.Background(), newer)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	ndb, _ := sql.Open("sqlite", newer)
	if _, err := ndb.Exec(`UPDATE authingops_meta SET value = '99' WHERE key = 'schema_version'`); err != nil {
		t.Fatal(err)
	}
	ndb.Close()

	tests := []struct {
		name, dsn string
		is        error
		msg       string
	}{
		{"not sqlite", garbage, ErrNotAuditDB, "not an authingops database"},
		{"foreign tables", "sqlite:" + foreign, ErrNotAuditDB, "customers"},
		{"newer schema", newer, nil, "newer than this binary"},
		{"missing dir", filepath.Join(dir, "nope", "audit.db"), os.ErrNotExist, "directory"},
		{"is a directory", dir, nil, "is a directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := Open(context.Background(), tc.dsn)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%s) succeeded", tc.dsn)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("Open(%s) = %v, want errors.Is %v", tc.dsn, err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("Open(%s) = %v, want it to mention %q", tc.dsn, err, tc.msg)
			}
		})
	}
}

func TestOpenSQLiteReadOnly(t *testing.T) {
	t.Parallel()
	// /proc refuses new files even for root; a chmod'ed directory covers
	// ordinary users.
	paths := []string{"/proc/authingops-audit-test.db"}
	if os.Geteuid() != 0 {
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		paths = append(paths, filepath.Join(dir, "ro.db"))
	}
	for _, path := range paths {
		if _, err := os.Stat(filepath.Dir(path)); err != nil {
			t.Skipf("%s: %v", path, err)
		}
		s, err := Open(context.Background(), path)
		if err == nil {
			s.Close()
			t.Fatalf("Open(%s) succeeded", path)
		}
		if !strings.Contains(err.Error(), "not writable") {
			t.Errorf("Open(%s) = %v, want a not writable error", path, err)
		}
	}
}

func TestDescribeDSN(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"postgres://u:pw@h:5432/db?sslmode=disable": "postgres://u:xxxxx@h:5432/db?sslmode=disable",
		"postgres://u@h/db?password=pw":             "postgres://u@h/db?password=xxxxx",
		"sqlite:/var/lib/a.db":                      "sqlite:/var/lib/a.db",
	} {
		if got := DescribeDSN(in); got != want {
			t.Errorf("DescribeDSN(%q) = %q, want %q", in, got, want)
		}
	}
}
