package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver (pure Go)
)

var sqliteDialect = &dialect{
	name:     "sqlite",
	lockHead: "SELECT seq, hash FROM audit_head WHERE id = 1",
	timeArg:  func(t time.Time) any { return t.UTC().Format(timeLayout) },
}

// sqliteDSN builds the driver DSN: WAL, synchronous=FULL (every commit is
// fsynced), a busy timeout for other processes, and write transactions that
// take the database lock at BEGIN (so reading the chain head is exclusive).
func sqliteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

func openSQLite(ctx context.Context, path string, o options) (*sqlStore, error) {
	if dir := filepath.Dir(path); dir != "" {
		if st, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("audit: sqlite %s: directory %s: %w", path, dir, err)
		} else if !st.IsDir() {
			return nil, fmt.Errorf("audit: sqlite %s: %s is not a directory", path, dir)
		}
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("audit: sqlite %s: is a directory, want a database file", path)
	}
	db, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		return nil, wrapf(err, "audit: sqlite %s: open", path)
	}
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(0)
	if err := initSQLite(ctx, db, path); err != nil {
		_ = db.Close()
		return nil, err
	}
	return newSQLStore(db, sqliteDialect, o), nil
}

// initSQLite checks the file is an authingops database (or empty) and
// migrates it, all inside one write transaction.
func initSQLite(ctx context.Context, db *sql.DB, path string) (err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return sqliteOpenError(path, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var tables []string
	rows, err := tx.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		return sqliteOpenError(path, err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return sqliteOpenError(path, err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return sqliteOpenError(path, err)
	}
	metaExists := false
	for _, t := range tables {
		metaExists = metaExists || t == "authingops_meta"
	}
	if !metaExists && len(tables) > 0 {
		return fmt.Errorf("audit: sqlite %s: has tables (%s) but no authingops_meta: %w", path, strings.Join(tables, ", "), ErrNotAuditDB)
	}
	if err := migrate(ctx, tx, sqliteDialect, metaExists, schema("INTEGER", "TEXT", "BLOB")); err != nil {
		return fmt.Errorf("audit: sqlite %s: %w", path, err)
	}
	if err := tx.Commit(); err != nil {
		return sqliteOpenError(path, err)
	}
	return nil
}

// sqliteOpenError turns the driver's messages for the common failures into
// clear ones, keeping the original error wrapped.
func sqliteOpenError(path string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "file is not a database"), strings.Contains(msg, "SQLITE_NOTADB"):
		return fmt.Errorf("audit: sqlite %s: %w (%v)", path, ErrNotAuditDB, err)
	case strings.Contains(msg, "readonly"), strings.Contains(msg, "unable to open"),
		strings.Contains(msg, "permission denied"), errors.Is(err, os.ErrPermission):
		return fmt.Errorf("audit: sqlite %s: database is not writable (check the path and its permissions): %w", path, err)
	}
	return wrapf(err, "audit: sqlite %s: open", path)
}
