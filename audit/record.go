// Package audit is the system of record for every change authingops makes to
// an Authing user pool: a hash-chained, redacted, durable log of audit records
// plus the state of pending approvals, stored in SQLite (the embedded default)
// or PostgreSQL (several replicas sharing one log).
//
// Every record is appended to one chain: hash = SHA-256(prev_hash ‖ canonical
// JSON of the record). [Store.Verify] walks the chain and reports the first
// gap, reordering or altered record. Arguments and error messages are redacted
// by a [Redactor] before they are stored or logged.
package audit

import (
	"encoding/json"
	"errors"
	"time"
)

// Phase is the step of an operation's life a record describes.
type Phase string

// The phases of an operation, in the order they usually occur.
const (
	PhaseRequested         Phase = "requested"
	PhaseDenied            Phase = "denied"
	PhaseApprovalRequested Phase = "approval_requested"
	PhaseApproved          Phase = "approved"
	PhaseApprovalDenied    Phase = "approval_denied"
	PhaseApprovalExpired   Phase = "approval_expired"
	PhaseExecuting         Phase = "executing"
	PhaseSucceeded         Phase = "succeeded"
	PhaseFailed            Phase = "failed"
)

var knownPhases = map[Phase]bool{
	PhaseRequested: true, PhaseDenied: true, PhaseApprovalRequested: true,
	PhaseApproved: true, PhaseApprovalDenied: true, PhaseApprovalExpired: true,
	PhaseExecuting: true, PhaseSucceeded: true, PhaseFailed: true,
}

// Valid reports whether p is one of the known phases.
func (p Phase) Valid() bool { return knownPhases[p] }

// ParsePhase returns the phase named s or an error naming the valid phases.
func ParsePhase(s string) (Phase, error) {
	p := Phase(s)
	if !p.Valid() {
		return "", errors.New("unknown phase " + quote(s) + " (want requested, denied, approval_requested, approved, approval_denied, approval_expired, executing, succeeded or failed)")
	}
	return p, nil
}

// Surfaces a call can arrive through.
const (
	SurfaceMCP   = "mcp"
	SurfaceSlack = "slack"
	SurfaceCLI   = "cli"
)

// Origin says where in the surface a call came from. It deliberately has no
// field for a Slack response_url: that URL is a bearer credential.
type Origin struct {
	// Team is the Slack workspace (team) id.
	Team string `json:"team,omitempty"`
	// Channel is the Slack channel id.
	Channel string `json:"channel,omitempty"`
	// TriggerID is the Slack trigger id of the interaction.
	TriggerID string `json:"trigger_id,omitempty"`
	// MCPSession is the MCP session id.
	MCPSession string `json:"mcp_session,omitempty"`
}

// IsZero reports whether no origin field is set.
func (o Origin) IsZero() bool { return o == Origin{} }

// Record is one entry of the audit log. The store assigns Seq, PrevHash and
// Hash, and ID and Time when they are empty; everything else is set by the
// caller. Args and ErrorMessage must already be redacted (the store redacts
// them again, which is idempotent).
type Record struct {
	// Seq is the position in the chain, starting at 1, assigned by the store.
	Seq int64 `json:"seq"`
	// ID is a unique id (a UUID unless the caller set one).
	ID string `json:"id"`
	// Time is when the record was committed (unless the caller set it), UTC,
	// microsecond precision.
	Time time.Time `json:"time"`
	// Phase is the step this record describes.
	Phase Phase `json:"phase"`
	// Surface is mcp, slack or cli.
	Surface string `json:"surface"`
	// Transport is how the surface reached us (stdio, http, socket-mode, ...).
	Transport string `json:"transport,omitempty"`
	// Caller is a stable principal id such as "slack:T123/U456" or "mcp:claude".
	Caller string `json:"caller"`
	// CallerName is a display name, information only.
	CallerName string `json:"caller_name,omitempty"`
	// Origin says where in the surface the call came from.
	Origin Origin `json:"origin"`
	// Operation is the Authing operation name, e.g. "deleteUsersBatch".
	Operation string `json:"operation"`
	// Category is the operation's category (read, write, destructive, ...).
	Category string `json:"category,omitempty"`
	// Targets are the ids the arguments name (see [TargetIDs]).
	Targets []string `json:"targets"`
	// Args are the redacted arguments as JSON.
	Args json.RawMessage `json:"args"`
	// ArgsHash is [ArgsHash] of the unredacted arguments.
	ArgsHash string `json:"args_hash,omitempty"`
	// DryRun marks a call that was not sent to Authing.
	DryRun bool `json:"dry_run"`
	// Decision is the policy decision (allow, deny, approval).
	Decision string `json:"decision,omitempty"`
	// PolicyIDs are the ids of the policies that decided.
	PolicyIDs []string `json:"policy_ids"`
	// ApprovalID links the record to an [Approval].
	ApprovalID string `json:"approval_id,omitempty"`
	// Approver is the principal who approved or denied.
	Approver string `json:"approver,omitempty"`
	// RequestID is the Authing request id of the executed call.
	RequestID string `json:"request_id,omitempty"`
	// Outcome summarises the result (ok, error, ...).
	Outcome string `json:"outcome,omitempty"`
	// ErrorClass is a stable error category.
	ErrorClass string `json:"error_class,omitempty"`
	// ErrorMessage is the redacted error text.
	ErrorMessage string `json:"error_message,omitempty"`
	// DurationMS is how long the step took, in milliseconds.
	DurationMS int64 `json:"duration_ms,omitempty"`
	// PrevHash is the hash of the record before this one ("" for seq 1).
	PrevHash string `json:"prev_hash"`
	// Hash is SHA-256(PrevHash ‖ canonical JSON of this record), hex.
	Hash string `json:"hash"`
}

// Filter selects records in [Store.Query]. Zero fields do not filter.
type Filter struct {
	Caller    string
	Operation string
	// Target matches records whose Targets contain this id.
	Target string
	Phase  Phase
	// ApprovalID matches records linked to this approval.
	ApprovalID string
	// Since and Until bound Time (Since inclusive, Until exclusive).
	Since time.Time
	Until time.Time
	// AfterSeq returns records with Seq > AfterSeq (ascending) — the paging
	// cursor — or, with Reverse, records with Seq < AfterSeq when AfterSeq > 0.
	AfterSeq int64
	// Limit caps the result; 0 means DefaultQueryLimit, and it is capped at
	// MaxQueryLimit.
	Limit int
	// Reverse returns the newest records first.
	Reverse bool
}

// Query limits.
const (
	DefaultQueryLimit = 1000
	MaxQueryLimit     = 10000
)

func (f Filter) limit() int {
	switch {
	case f.Limit <= 0:
		return DefaultQueryLimit
	case f.Limit > MaxQueryLimit:
		return MaxQueryLimit
	}
	return f.Limit
}

// VerifyReport is the result of [Store.Verify].
type VerifyReport struct {
	// OK is true when the whole chain is intact.
	OK bool `json:"ok"`
	// Records is how many records were checked.
	Records int64 `json:"records"`
	// HeadSeq and HeadHash are the last sequence number and hash the store
	// recorded as the chain's head.
	HeadSeq  int64  `json:"head_seq"`
	HeadHash string `json:"head_hash,omitempty"`
	// FirstBadSeq is the first sequence number that is missing, out of order
	// or altered (0 when OK).
	FirstBadSeq int64 `json:"first_bad_seq,omitempty"`
	// Reason explains what is wrong at FirstBadSeq.
	Reason string `json:"reason,omitempty"`
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }
