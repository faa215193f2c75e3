package audit

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" database/sql driver
)

var postgresDialect = &dialect{
	name:   "postgres",
	dollar: true,
	// The head row lock serialises appends across processes: every replica
	// takes it before reading the previous hash, so the chain never forks.
	lockHead:  "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
	forUpdate: " FOR UPDATE",
	timeArg:   func(t time.Time) any { return t.UTC() },
}

// migrationLockKey is the advisory lock key that serialises schema
// migrations of replicas starting together.
const migrationLockKey = 0x6175646974 // "audit"

// openPostgres connects to dsn and migrates the schema found through the
// connection's search_path (add "?search_path=myschema" to use a schema
// other than public). Sessions use synchronous_commit=on, so a commit
// returns only once the WAL is flushed, unless the DSN sets another value.
func openPostgres(ctx context.Context, dsn string, o options) (*sqlStore, error) {
	where := DescribeDSN(dsn)
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("audit: postgres %s: bad dsn: %w", where, err)
	}
	if _, set := cfg.RuntimeParams["synchronous_commit"]; !set {
		cfg.RuntimeParams["synchronous_commit"] = "on"
	} else if v := cfg.RuntimeParams["synchronous_commit"]; v == "off" || v == "local" {
		o.oplog.Warn().Str("synchronous_commit", v).Msg("audit: postgres dsn weakens commit durability; appends may be lost on a crash")
	}
	if _, set := cfg.RuntimeParams["application_name"]; !set {
		cfg.RuntimeParams["application_name"] = "authingops-audit"
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, wrapf(err, "audit: postgres %s: connect", where)
	}
	if err := initPostgres(ctx, db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("audit: postgres %s: %w", where, err)
	}
	return newSQLStore(db, postgresDialect, o), nil
}

func initPostgres(ctx context.Context, db *sql.DB) (err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return wrapf(err, "begin migration")
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLockKey); err != nil {
		return wrapf(err, "take migration lock")
	}
	var metaExists bool
	if err := tx.QueryRowContext(ctx, "SELECT to_regclass('authingops_meta') IS NOT NULL").Scan(&metaExists); err != nil {
		return wrapf(err, "inspect schema")
	}
	if err := migrate(ctx, tx, postgresDialect, metaExists, schema("BIGINT", "TIMESTAMPTZ", "BYTEA")); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return wrapf(err, "commit migration")
	}
	return nil
}
