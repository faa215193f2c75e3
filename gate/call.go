package gate

import (
	"encoding/json"
	"time"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/policy"
)

// Call is one request to run an operation, from any face.
type Call struct {
	// Caller is the stable principal id: slack:T…/U…, mcp:<client>, cli:<user>.
	Caller string `json:"caller"`
	// CallerName is a display name, information only.
	CallerName string `json:"caller_name,omitempty"`
	// Surface is mcp, slack or cli; Transport says how (stdio, http,
	// socket-mode).
	Surface   string `json:"surface"`
	Transport string `json:"transport,omitempty"`
	// Origin is where in the surface the call came from.
	Origin audit.Origin `json:"origin"`
	// Operation is the catalog name, e.g. "delete_users_batch".
	Operation string `json:"operation"`
	// Args is the JSON object of arguments.
	Args json.RawMessage `json:"args,omitempty"`
	// DryRun validates and decides, and shows the request that would be
	// sent, without calling Authing.
	DryRun bool `json:"dry_run,omitempty"`
	// DedupeKey (a Slack trigger_id, an MCP request id) makes a repeated
	// delivery of the same call with the same arguments run at most once.
	DedupeKey string `json:"dedupe_key,omitempty"`
}

// Status is what became of a call.
type Status string

// Statuses of a Result.
const (
	// StatusSucceeded: Authing ran the operation; Value holds the result.
	StatusSucceeded Status = "succeeded"
	// StatusFailed: Authing (or the way to it) answered an error; Err holds it.
	StatusFailed Status = "failed"
	// StatusDenied: the policy refused; Decision says why.
	StatusDenied Status = "denied"
	// StatusInvalid: the call was malformed (unknown operation, bad
	// arguments); Err says what is wrong. Nothing was decided or run.
	StatusInvalid Status = "invalid"
	// StatusPendingApproval: the call waits for a second admin; Approval
	// holds the pending approval.
	StatusPendingApproval Status = "pending_approval"
	// StatusDryRun: nothing was sent; Request shows what would be.
	StatusDryRun Status = "dry_run"
	// StatusDuplicate: the dedupe key was seen with the same arguments; the
	// first call's result is repeated and nothing ran again.
	StatusDuplicate Status = "duplicate"
	// StatusRefused: an approval was refused (self-approval, already
	// decided, expired, not permitted, changed arguments); Err says why.
	StatusRefused Status = "refused"
)

// Result is what the gate answers; the faces render it.
type Result struct {
	Status    Status             `json:"status"`
	Operation *authing.Operation `json:"-"`
	// Value is the typed result of a successful call.
	Value any `json:"value,omitempty"`
	// Err is the failure of StatusFailed, StatusInvalid or StatusRefused.
	// Its message is safe to show (it was redacted).
	Err error `json:"-"`
	// Decision is the policy decision, when one was made (omitted from
	// JSON when none was: an invalid call is not a denial).
	Decision policy.Decision `json:"decision,omitzero"`
	// Approval is the approval the call created or executed under.
	Approval *audit.Approval `json:"approval,omitempty"`
	// Request is the request a dry run would send (body redacted).
	Request *authing.WireRequest `json:"request,omitempty"`
	// RequestID is Authing's request id of a failed call.
	RequestID string `json:"request_id,omitempty"`
	// Duration is the time Authing took.
	Duration time.Duration `json:"duration_ns,omitempty"`
	// First is set on StatusDuplicate: the status of the first delivery.
	First Status `json:"first,omitempty"`
}

// Message returns the error text of a result, or "".
func (r *Result) Message() string {
	if r == nil || r.Err == nil {
		return ""
	}
	return r.Err.Error()
}
