package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/seed-afc46a91/authingops/audit"
)

func newAuditQueryCmd(f *auditFlags) *cobra.Command {
	var (
		filt         audit.Filter
		phase        string
		since, until string
	)
	cmd := &cobra.Command{
		Use:   "query",
		Short: "Print audit records matching filters, oldest first",
		Example: `  authingops audit query --caller slack:T123/U456 --since 24h
  authingops audit query --op deleteUser --target 6368c5f9b4a3c2d1e0f9a8b7 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now := time.Now()
			var err error
			if filt.Since, err = parseTimeFlag("since", since, now); err != nil {
				return err
			}
			if filt.Until, err = parseTimeFlag("until", until, now); err != nil {
				return err
			}
			if !filt.Since.IsZero() && !filt.Until.IsZero() && !filt.Until.After(filt.Since) {
				return fmt.Errorf("--until (%s) must be after --since (%s)", filt.Until.Format(time.RFC3339), filt.Since.Format(time.RFC3339))
			}
			if phase != "" {
				if filt.Phase, err = audit.ParsePhase(phase); err != nil {
					return fmt.Errorf("invalid --phase: %w", err)
				}
			}
			if filt.Limit < 1 || filt.Limit > audit.MaxQueryLimit {
				return fmt.Errorf("invalid --limit %d: want 1..%d", filt.Limit, audit.MaxQueryLimit)
			}
			if filt.AfterSeq < 0 {
				return fmt.Errorf("invalid --after-seq %d: must not be negative", filt.AfterSeq)
			}
			ctx := cmd.Context()
			s, err := f.openStore(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			recs, err := s.Query(ctx, filt)
			if err != nil {
				return err
			}
			out := newRecordWriter(cmd.OutOrStdout(), f.json)
			for _, r := range recs {
				if err := out.write(r); err != nil {
					return err
				}
			}
			return out.flush()
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&filt.Caller, "caller", "", "caller principal id, e.g. slack:T123/U456 or mcp:claude")
	fl.StringVar(&filt.Operation, "op", "", "operation name, e.g. deleteUser")
	fl.StringVar(&filt.Target, "target", "", "target id named by the arguments (user id, role code, ...)")
	fl.StringVar(&phase, "phase", "", "phase: requested, denied, approval_requested, approved, approval_denied, approval_expired, executing, succeeded, failed")
	fl.StringVar(&since, "since", "", "only records at or after this time: RFC3339, a date (2006-01-02) or a duration ago (1h, 30m)")
	fl.StringVar(&until, "until", "", "only records before this time (same forms as --since)")
	fl.Int64Var(&filt.AfterSeq, "after-seq", 0, "only records with a larger sequence number (paging)")
	fl.IntVar(&filt.Limit, "limit", 100, "maximum number of records")
	fl.BoolVar(&f.json, "json", false, "print JSON lines instead of a table")
	return cmd
}

// parseTimeFlag accepts RFC3339, a date, or a duration meaning "that long
// before now". The empty string means no bound.
func parseTimeFlag(name, v string, now time.Time) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", v, time.Local); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("invalid --%s %q: want RFC3339 (2026-11-24T10:00:00Z), a date (2026-11-24) or a positive duration (1h, 30m)", name, v)
}

func newAuditExportCmd(f *auditFlags) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write every audit record, oldest first, as JSON lines",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "jsonl" {
				return fmt.Errorf("invalid --format %q: only jsonl is supported", format)
			}
			ctx := cmd.Context()
			s, err := f.openStore(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			w := bufio.NewWriter(cmd.OutOrStdout())
			for after := int64(0); ; {
				recs, err := s.Query(ctx, audit.Filter{AfterSeq: after, Limit: audit.MaxQueryLimit})
				if err != nil {
					return err
				}
				for _, r := range recs {
					if err := writeJSONLine(w, r); err != nil {
						return err
					}
				}
				if len(recs) < audit.MaxQueryLimit {
					break
				}
				after = recs[len(recs)-1].Seq
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&format, "format", "jsonl", "output format (jsonl)")
	return cmd
}

func writeJSONLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// recordWriter prints records as an aligned table or as JSON lines.
type recordWriter struct {
	json   bool
	w      io.Writer
	tw     *tabwriter.Writer
	header bool
}

func newRecordWriter(w io.Writer, asJSON bool) *recordWriter {
	return &recordWriter{json: asJSON, w: w, tw: tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)}
}

func (o *recordWriter) write(r audit.Record) error {
	if o.json {
		return writeJSONLine(o.w, r)
	}
	if !o.header {
		fmt.Fprintln(o.tw, "SEQ\tTIME\tPHASE\tCALLER\tOPERATION\tTARGETS\tDECISION\tOUTCOME\tAPPROVAL")
		o.header = true
	}
	outcome := r.Outcome
	if r.ErrorClass != "" {
		outcome = strings.TrimSpace(outcome + " " + r.ErrorClass)
	}
	_, err := fmt.Fprintf(o.tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Seq, r.Time.Local().Format("2006-01-02 15:04:05"),
		r.Phase, dash(r.Caller), dash(r.Operation), dash(shorten(strings.Join(r.Targets, ","), 40)),
		dash(r.Decision), dash(outcome), dash(r.ApprovalID))
	return err
}

func (o *recordWriter) flush() error {
	if o.json {
		return nil
	}
	return o.tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
