package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// timeLayout is the fixed-width UTC form of Record.Time used in the hash and
// in SQLite (it sorts lexicographically in time order).
const timeLayout = "2006-01-02T15:04:05.000000Z"

// normalizeTime returns t in UTC truncated to microseconds, the precision
// every store keeps.
func normalizeTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// RecordHash returns the hash a record must carry: hex SHA-256 of the
// previous hash followed by the canonical JSON of the record without its Hash
// field. Args must already be in canonical form (the store ensures this).
func RecordHash(r *Record) string {
	var buf bytes.Buffer
	buf.Grow(512 + len(r.Args))
	buf.WriteString(r.PrevHash)
	writeRecordCanonical(&buf, r)
	sum := sha256.Sum256(buf.Bytes())
	return hex.EncodeToString(sum[:])
}

// writeRecordCanonical writes the canonical JSON of r minus Hash. Every field
// is present (no omitempty) and keys are in sorted order, so the encoding
// does not depend on which fields happen to be empty.
func writeRecordCanonical(buf *bytes.Buffer, r *Record) {
	str := func(key, v string, first bool) {
		if !first {
			buf.WriteByte(',')
		}
		writeString(buf, key)
		buf.WriteByte(':')
		writeString(buf, v)
	}
	list := func(key string, vs []string) {
		buf.WriteByte(',')
		writeString(buf, key)
		buf.WriteString(":[")
		for i, v := range vs {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeString(buf, v)
		}
		buf.WriteByte(']')
	}
	num := func(key string, v int64) {
		buf.WriteByte(',')
		writeString(buf, key)
		buf.WriteByte(':')
		buf.WriteString(strconv.FormatInt(v, 10))
	}
	buf.WriteByte('{')
	str("approval_id", r.ApprovalID, true)
	str("approver", r.Approver, false)
	buf.WriteString(`,"args":`)
	if len(r.Args) == 0 {
		buf.WriteString("null")
	} else {
		buf.Write(r.Args)
	}
	str("args_hash", r.ArgsHash, false)
	str("caller", r.Caller, false)
	str("caller_name", r.CallerName, false)
	str("category", r.Category, false)
	str("decision", r.Decision, false)
	buf.WriteString(`,"dry_run":`)
	buf.WriteString(strconv.FormatBool(r.DryRun))
	num("duration_ms", r.DurationMS)
	str("error_class", r.ErrorClass, false)
	str("error_message", r.ErrorMessage, false)
	str("id", r.ID, false)
	str("operation", r.Operation, false)
	buf.WriteString(`,"origin":{`)
	str("channel", r.Origin.Channel, true)
	str("mcp_session", r.Origin.MCPSession, false)
	str("team", r.Origin.Team, false)
	str("trigger_id", r.Origin.TriggerID, false)
	buf.WriteByte('}')
	str("outcome", r.Outcome, false)
	str("phase", string(r.Phase), false)
	list("policy_ids", r.PolicyIDs)
	str("prev_hash", r.PrevHash, false)
	str("request_id", r.RequestID, false)
	num("seq", r.Seq)
	str("surface", r.Surface, false)
	list("targets", r.Targets)
	str("time", r.Time.UTC().Format(timeLayout), false)
	str("transport", r.Transport, false)
	buf.WriteByte('}')
}

// prepareRecord validates r and puts the caller-controlled fields into their
// stored form. Seq, PrevHash and Hash — and Time when it is zero — are
// assigned later, under the chain lock, so store-assigned times never go
// backwards along the chain.
func prepareRecord(r *Record, red *Redactor, newID func() string) error {
	if !r.Phase.Valid() {
		return fmt.Errorf("audit: record: invalid phase %q", r.Phase)
	}
	if r.Operation == "" {
		return fmt.Errorf("audit: record: operation is required")
	}
	if r.ID == "" {
		r.ID = newID()
	}
	if !r.Time.IsZero() {
		r.Time = normalizeTime(r.Time)
	}
	args := r.Args
	if len(bytes.TrimSpace(args)) == 0 {
		args = json.RawMessage("null")
	}
	if !json.Valid(args) {
		return fmt.Errorf("audit: record %s: args are not valid JSON", r.ID)
	}
	args = red.RedactArgs(args)
	c, err := CanonicalJSON(args)
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", r.ID, err)
	}
	r.Args = c
	r.ErrorMessage = red.RedactString(r.ErrorMessage)
	// Targets come from unredacted arguments: mask any that looks like a
	// credential (ids, codes, UUIDs and object ids pass).
	targets := make([]string, 0, len(r.Targets))
	for _, t := range r.Targets {
		if looksSecret(t) {
			t = red.Marker([]byte(t))
		}
		targets = append(targets, t)
	}
	r.Targets = targets
	if r.PolicyIDs == nil {
		r.PolicyIDs = []string{}
	}
	return nil
}

// verifier checks records one by one, in the order the store returns them.
type verifier struct {
	report   VerifyReport
	prevSeq  int64
	prevHash string
}

// check returns false once the first problem is found.
func (v *verifier) check(r *Record) bool {
	want := v.prevSeq + 1
	switch {
	case r.Seq > want:
		return v.fail(want, fmt.Sprintf("gap: record %d is missing (next present record is %d)", want, r.Seq))
	case r.Seq < want:
		return v.fail(r.Seq, fmt.Sprintf("reordered: record %d appears after record %d", r.Seq, v.prevSeq))
	case r.PrevHash != v.prevHash:
		return v.fail(r.Seq, fmt.Sprintf("broken link: prev_hash of record %d does not match the hash of record %d (reordered, replaced or a predecessor was altered)", r.Seq, v.prevSeq))
	}
	if h := RecordHash(r); h != r.Hash {
		return v.fail(r.Seq, fmt.Sprintf("altered: record %d does not match its hash", r.Seq))
	}
	v.report.Records++
	v.prevSeq, v.prevHash = r.Seq, r.Hash
	return true
}

// finish compares the last record with the head the store recorded.
func (v *verifier) finish() VerifyReport {
	if v.report.FirstBadSeq != 0 {
		return v.report
	}
	switch {
	case v.prevSeq < v.report.HeadSeq:
		v.fail(v.prevSeq+1, fmt.Sprintf("truncated: the chain ends at record %d but the head says %d", v.prevSeq, v.report.HeadSeq))
	case v.prevHash != v.report.HeadHash:
		v.fail(v.prevSeq, fmt.Sprintf("altered: record %d does not match the recorded chain head", v.prevSeq))
	default:
		v.report.OK = true
	}
	return v.report
}

func (v *verifier) fail(seq int64, reason string) bool {
	v.report.OK = false
	v.report.FirstBadSeq = seq
	v.report.Reason = reason
	return false
}
