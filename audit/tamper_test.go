package audit

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// testTamper edits the database behind the store's back and checks that
// Verify names the first bad sequence number.
func testTamper(t *testing.T, be backend) {
	tests := []struct {
		name    string
		tamper  func(t *testing.T, db *testDB, s Store)
		wantSeq int64
		reason  string
	}{
		{"edit args", func(t *testing.T, db *testDB, _ Store) {
			db.exec(t, `UPDATE audit_records SET args = ? WHERE seq = 3`, `{"userId":"someone-else"}`)
		}, 3, "altered"},
		{"edit caller", func(t *testing.T, db *testDB, _ Store) {
			db.exec(t, `UPDATE audit_records SET caller = 'slack:T1/UEVIL' WHERE seq = 2`)
		}, 2, "altered"},
		{"edit phase of last", func(t *testing.T, db *testDB, _ Store) {
			db.exec(t, `UPDATE audit_records SET phase = 'succeeded' WHERE seq = 5`)
		}, 5, "altered"},
		{"delete middle", func(t *testing.T, db *testDB, _ Store) {
			db.exec(t, `DELETE FROM audit_records WHERE seq = 3`)
		}, 3, "gap"},
		{"delete last", func(t *testing.T, db *testDB, _ Store) {
			db.exec(t, `DELETE FROM audit_records WHERE seq = 5`)
		}, 5, "truncated"},
		{"edit and rehash", func(t *testing.T, db *testDB, s Store) {
			recs, err := s.Query(context.Background(), Filter{AfterSeq: 2, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			r := recs[0]
			r.Caller = "slack:T1/UEVIL"
			db.exec(t, `UPDATE audit_records SET caller = ?, hash = ? WHERE seq = 3`, r.Caller, RecordHash(&r))
		}, 4, "broken link"},
		{"renumber", func(t *testing.T, db *testDB, _ Store) {
			db.exec(t, `UPDATE audit_records SET seq = 100 WHERE seq = 4`)
			db.exec(t, `UPDATE audit_records SET seq = 4 WHERE seq = 5`)
			db.exec(t, `UPDATE audit_records SET seq = 5 WHERE seq = 100`)
		}, 4, "broken link"},
		{"extra row", func(t *testing.T, db *testDB, _ Store) {
			db.exec(t, `INSERT INTO audit_records (`+recordColumns+`) SELECT 6, 'forged', time, phase, surface,
				transport, caller, caller_name, origin, operation, category, targets, args, args_hash, dry_run,
				decision, policy_ids, approval_id, approver, request_id, outcome, error_class, error_message,
				duration_ms, hash, hash FROM audit_records WHERE seq = 5`)
		}, 6, "extra"},
	}
	for _, tc := range tests {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			db := be.new(t)
			s := db.open(t, WithClock(stepClock()))
			for i := 1; i <= 5; i++ {
				mustAppend(t, s, rec("slack:T1/U1", "updateUser", PhaseRequested, fmt.Sprintf(`{"userId":"u%d"}`, i)))
			}
			mustVerifyOK(t, s, 5)
			tc.tamper(t, db, s)
			rep, err := s.Verify(context.Background())
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if rep.OK || rep.FirstBadSeq != tc.wantSeq || !strings.HasPrefix(rep.Reason, tc.reason) {
				t.Fatalf("Verify = %+v, want first bad seq %d (%s)", rep, tc.wantSeq, tc.reason)
			}
		})
	}
}
