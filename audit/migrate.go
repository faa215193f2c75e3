package audit

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
)

// appName identifies an authingops audit database in authingops_meta.
const appName = "authingops-audit"

// migration is one schema version: statements run in one transaction.
type migration struct {
	version int
	stmts   []string
}

// schema returns the migrations for a dialect. Types differ only where the
// databases differ (rowid, time and blob columns).
func schema(seqType, timeType, blobType string) []migration {
	return []migration{{
		version: 1,
		stmts: []string{
			`CREATE TABLE audit_records (
				seq ` + seqType + ` PRIMARY KEY,
				id TEXT NOT NULL UNIQUE,
				time ` + timeType + ` NOT NULL,
				phase TEXT NOT NULL,
				surface TEXT NOT NULL,
				transport TEXT NOT NULL,
				caller TEXT NOT NULL,
				caller_name TEXT NOT NULL,
				origin TEXT NOT NULL,
				operation TEXT NOT NULL,
				category TEXT NOT NULL,
				targets TEXT NOT NULL,
				args TEXT NOT NULL,
				args_hash TEXT NOT NULL,
				dry_run BOOLEAN NOT NULL,
				decision TEXT NOT NULL,
				policy_ids TEXT NOT NULL,
				approval_id TEXT NOT NULL,
				approver TEXT NOT NULL,
				request_id TEXT NOT NULL,
				outcome TEXT NOT NULL,
				error_class TEXT NOT NULL,
				error_message TEXT NOT NULL,
				duration_ms BIGINT NOT NULL,
				prev_hash TEXT NOT NULL,
				hash TEXT NOT NULL)`,
			`CREATE INDEX audit_records_caller ON audit_records (caller, seq)`,
			`CREATE INDEX audit_records_operation ON audit_records (operation, seq)`,
			`CREATE INDEX audit_records_time ON audit_records (time)`,
			`CREATE INDEX audit_records_approval ON audit_records (approval_id)`,
			`CREATE TABLE audit_targets (seq BIGINT NOT NULL, target TEXT NOT NULL)`,
			`CREATE INDEX audit_targets_target ON audit_targets (target, seq)`,
			`CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, hash TEXT NOT NULL)`,
			`INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '')`,
			`CREATE TABLE approvals (
				id TEXT PRIMARY KEY,
				operation TEXT NOT NULL,
				args_hash TEXT NOT NULL,
				args TEXT NOT NULL,
				requester TEXT NOT NULL,
				surface TEXT NOT NULL,
				origin TEXT NOT NULL,
				state TEXT NOT NULL,
				created_at ` + timeType + ` NOT NULL,
				expires_at ` + timeType + `,
				decided_by TEXT NOT NULL,
				decided_at ` + timeType + `,
				payload ` + blobType + `)`,
			`CREATE INDEX approvals_state ON approvals (state, created_at)`,
		},
	}}
}

// migrate brings the schema to the latest version inside tx, which the
// caller has made exclusive (BEGIN IMMEDIATE or an advisory lock). It fails
// with ErrNotAuditDB when authingops_meta belongs to something else, and
// refuses a database newer than this binary.
func migrate(ctx context.Context, tx *sql.Tx, d *dialect, metaExists bool, migs []migration) error {
	current := 0
	if !metaExists {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE authingops_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`); err != nil {
			return wrapf(err, "audit: %s: create meta table", d.name)
		}
		if _, err := tx.ExecContext(ctx, d.bind(`INSERT INTO authingops_meta (key, value) VALUES ('application', ?), ('schema_version', '0')`), appName); err != nil {
			return wrapf(err, "audit: %s: init meta table", d.name)
		}
	} else {
		var app, ver string
		if err := tx.QueryRowContext(ctx, `SELECT value FROM authingops_meta WHERE key = 'application'`).Scan(&app); err != nil || app != appName {
			return fmt.Errorf("audit: %s: authingops_meta does not name %s: %w", d.name, appName, ErrNotAuditDB)
		}
		if err := tx.QueryRowContext(ctx, `SELECT value FROM authingops_meta WHERE key = 'schema_version'`).Scan(&ver); err != nil {
			return fmt.Errorf("audit: %s: no schema version: %w", d.name, ErrNotAuditDB)
		}
		n, err := strconv.Atoi(ver)
		if err != nil {
			return fmt.Errorf("audit: %s: bad schema version %q: %w", d.name, ver, ErrNotAuditDB)
		}
		current = n
	}
	latest := migs[len(migs)-1].version
	if current > latest {
		return fmt.Errorf("audit: %s: schema version %d is newer than this binary supports (%d)", d.name, current, latest)
	}
	for _, m := range migs {
		if m.version <= current {
			continue
		}
		for _, stmt := range m.stmts {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return wrapf(err, "audit: %s: migration %d", d.name, m.version)
			}
		}
		if _, err := tx.ExecContext(ctx, d.bind(`UPDATE authingops_meta SET value = ? WHERE key = 'schema_version'`), strconv.Itoa(m.version)); err != nil {
			return wrapf(err, "audit: %s: record migration %d", d.name, m.version)
		}
	}
	return nil
}
