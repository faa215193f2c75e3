package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/seed-afc46a91/authingops/audit"
)

func init() { subcommands = append(subcommands, newAuditCmd) }

// auditDSNEnv names the environment variable that selects the audit store.
const auditDSNEnv = "AUTHINGOPS_AUDIT_DSN"

// auditFlags are shared by the audit subcommands.
type auditFlags struct {
	dsn  string
	json bool
}

func newAuditCmd() *cobra.Command {
	f := &auditFlags{}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Read, verify and export the hash-chained audit log",
		Long: `Read, verify and export the audit log: the system of record of every change made
through authingops. The store is a SQLite file (default ./authingops.db, or
sqlite:PATH) or a PostgreSQL database (postgres://...), chosen by --audit-dsn or
$` + auditDSNEnv + `.`,
	}
	def := os.Getenv(auditDSNEnv)
	if def == "" {
		def = audit.DefaultDSN
	}
	cmd.PersistentFlags().StringVar(&f.dsn, "audit-dsn", def, "audit store: a SQLite file path, sqlite:PATH, or postgres://... (env "+auditDSNEnv+")")
	cmd.AddCommand(newAuditTailCmd(f), newAuditQueryCmd(f), newAuditVerifyCmd(f), newAuditExportCmd(f))
	return cmd
}

// openStore opens the configured store for reading. A missing SQLite file is
// an error here (reading must not create an empty log somewhere unexpected).
func (f *auditFlags) openStore(ctx context.Context) (audit.Store, error) {
	if path, ok := audit.SQLitePath(f.dsn); ok {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no audit database at %s (set --audit-dsn or %s)", path, auditDSNEnv)
		}
	}
	s, err := audit.Open(ctx, f.dsn)
	if err != nil {
		return nil, fmt.Errorf("open audit store %s: %w", audit.DescribeDSN(f.dsn), err)
	}
	return s, nil
}

func newAuditTailCmd(f *auditFlags) *cobra.Command {
	var (
		n        int
		follow   bool
		interval time.Duration
	)
	cmd := &cobra.Command{
		Use:   "tail",
		Short: "Print the newest audit records (-f to keep following)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if n < 0 || n > audit.MaxQueryLimit {
				return fmt.Errorf("invalid -n %d: want 0..%d", n, audit.MaxQueryLimit)
			}
			if follow && interval <= 0 {
				return fmt.Errorf("invalid --interval %s: must be positive", interval)
			}
			ctx := cmd.Context()
			s, err := f.openStore(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			out := newRecordWriter(cmd.OutOrStdout(), f.json)
			var last int64
			if n > 0 {
				recs, err := s.Query(ctx, audit.Filter{Reverse: true, Limit: n})
				if err != nil {
					return err
				}
				for i := len(recs) - 1; i >= 0; i-- {
					if err := out.write(recs[i]); err != nil {
						return err
					}
				}
				if len(recs) > 0 {
					last = recs[0].Seq
				}
			} else if latest, err := s.Query(ctx, audit.Filter{Reverse: true, Limit: 1}); err != nil {
				return err
			} else if len(latest) > 0 {
				last = latest[0].Seq
			}
			if err := out.flush(); err != nil || !follow {
				return err
			}
			return followRecords(ctx, s, out, last, interval)
		},
	}
	cmd.Flags().IntVarP(&n, "lines", "n", 20, "number of records to print")
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep printing new records as they are appended")
	cmd.Flags().DurationVar(&interval, "interval", time.Second, "how often -f polls the store")
	cmd.Flags().BoolVar(&f.json, "json", false, "print JSON lines instead of a table")
	return cmd
}

// followRecords polls for records after seq until ctx ends (Ctrl-C).
func followRecords(ctx context.Context, s audit.Store, out *recordWriter, seq int64, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		for {
			recs, err := s.Query(ctx, audit.Filter{AfterSeq: seq, Limit: audit.MaxQueryLimit})
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
			for _, r := range recs {
				if err := out.write(r); err != nil {
					return err
				}
				seq = r.Seq
			}
			if err := out.flush(); err != nil {
				return err
			}
			if len(recs) < audit.MaxQueryLimit {
				break
			}
		}
	}
}

func newAuditVerifyCmd(f *auditFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Walk the hash chain; exit 1 with the first bad sequence number if it is broken",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			s, err := f.openStore(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			start := time.Now()
			rep, err := s.Verify(ctx)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if f.json {
				if err := writeJSONLine(w, rep); err != nil {
					return err
				}
			} else if rep.OK {
				fmt.Fprintf(w, "audit chain OK: %d records, head seq %d (%s), checked in %s\n",
					rep.Records, rep.HeadSeq, rep.HeadHash, time.Since(start).Round(time.Millisecond))
			} else {
				fmt.Fprintf(w, "audit chain BROKEN at seq %d: %s (%d records verified before it)\n",
					rep.FirstBadSeq, rep.Reason, rep.Records)
			}
			if !rep.OK {
				return &exitError{code: 1, err: fmt.Errorf("audit chain broken at seq %d: %s", rep.FirstBadSeq, rep.Reason)}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&f.json, "json", false, "print the report as JSON")
	return cmd
}
