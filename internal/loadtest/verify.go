package loadtest

import (
	"context"
	"fmt"

	"github.com/seed-afc46a91/authingops/audit"
)

// AuditCheck is what the audit log says about a run's writes.
type AuditCheck struct {
	Executing, Succeeded, Failed int
	// Unpaired lists args hashes of executing records without exactly one
	// outcome record.
	Unpaired []string
	// FailedBy counts failed records by error class and message (the
	// first 20 distinct ones), to say why writes failed.
	FailedBy map[string]int
}

// CheckWrites pairs every executing record of op since seq with its outcome
// record (same args hash) and verifies the chain.
func CheckWrites(ctx context.Context, st audit.Store, op string, afterSeq int64) (*AuditCheck, error) {
	rep, err := st.Verify(ctx)
	if err != nil {
		return nil, err
	}
	if !rep.OK {
		return nil, fmt.Errorf("audit chain broken at seq %d: %s", rep.FirstBadSeq, rep.Reason)
	}
	count := map[string][2]int{}
	ac := &AuditCheck{FailedBy: map[string]int{}}
	cursor := afterSeq
	for {
		recs, err := st.Query(ctx, audit.Filter{Operation: op, AfterSeq: cursor, Limit: audit.MaxQueryLimit})
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			c := count[r.ArgsHash]
			switch r.Phase {
			case audit.PhaseExecuting:
				ac.Executing++
				c[0]++
			case audit.PhaseSucceeded:
				ac.Succeeded++
				c[1]++
			case audit.PhaseFailed:
				ac.Failed++
				c[1]++
				if why := r.ErrorClass + ": " + r.ErrorMessage; len(ac.FailedBy) < 20 || ac.FailedBy[why] > 0 {
					ac.FailedBy[why]++
				}
			}
			count[r.ArgsHash] = c
		}
		if len(recs) < audit.MaxQueryLimit {
			break
		}
		cursor = recs[len(recs)-1].Seq
	}
	for h, c := range count {
		if c[0] != 1 || c[1] != 1 {
			ac.Unpaired = append(ac.Unpaired, fmt.Sprintf("%s (executing %d, outcomes %d)", h, c[0], c[1]))
		}
	}
	return ac, nil
}
