package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"
)

// Effect is the outcome of a decision.
type Effect int

// Effects. The zero Effect is Deny.
const (
	Deny Effect = iota
	Allow
	// NeedsApproval: denied now, permitted once RequiredApprovals distinct
	// approvers have approved.
	NeedsApproval
)

// String returns "deny", "allow" or "needs_approval".
func (e Effect) String() string {
	switch e {
	case Allow:
		return "allow"
	case NeedsApproval:
		return "needs_approval"
	default:
		return "deny"
	}
}

// MarshalText renders the effect as its String.
func (e Effect) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// DefaultMaxApprovals is how many approvals Decide probes for at most when
// looking for NeedsApproval.
const DefaultMaxApprovals = 3

// Request is one call to decide on.
type Request struct {
	Caller    string // caller id, see ParseCaller
	Operation string // catalog operation name
	Surface   string // "mcp", "slack" or "cli"; defaults to the caller id's prefix
	Transport string
	Channel   string
	DryRun    bool
	Approvals int      // distinct approvers so far, the caller excluded
	Targets   []string // ids the call targets, when known
}

// Decision is the answer to a Request.
type Decision struct {
	Effect Effect `json:"effect"`
	// PolicyIDs are the policies that decided: the permits of an Allow, the
	// forbids of a Deny (none for Cedar's default deny, the failing ones on
	// an evaluation error), and for NeedsApproval the forbids that block now
	// followed by the permits that allow once approved.
	PolicyIDs []string `json:"policy_ids"`
	// Reason says why, in words a model or a human can act on.
	Reason string `json:"reason"`
	// RequiredApprovals is the total number of distinct approvers needed,
	// set with NeedsApproval.
	RequiredApprovals int `json:"required_approvals,omitempty"`
	// Errors lists policy evaluation errors, "id (file:line): message".
	Errors []string `json:"errors,omitempty"`
}

// Allowed reports whether the call may run now.
func (d Decision) Allowed() bool { return d.Effect == Allow }

// deny builds a Deny decision.
func deny(format string, args ...any) Decision {
	return Decision{Effect: Deny, Reason: fmt.Sprintf(format, args...)}
}

// decide answers req for action (an operation name or ApproveAction), probing
// up to maxApprovals for NeedsApproval when probe is true.
func (set *Set) decide(req Request, action string, probe bool, maxApprovals int) Decision {
	principal, err := ParseCaller(req.Caller)
	if err != nil {
		return deny("caller %q is not valid: %v", req.Caller, err)
	}
	if _, ok := set.principals[principal]; !ok {
		return deny("caller %s is not registered in the policy entities file, so it may do nothing; ask an operator to add it", req.Caller)
	}
	if _, ok := set.schema.actions[req.Operation]; !ok {
		return deny("unknown operation %q: it is not in the catalog", req.Operation)
	}
	pols := set.index[action]
	surface := req.Surface
	if surface == "" {
		surface = callerSurface(principal.Type)
	}
	approvals := max(req.Approvals, 0)
	creq := cedar.Request{
		Principal: principal,
		Action:    types.NewEntityUID(TypeAction, types.String(action)),
		Resource:  types.NewEntityUID(TypeOperation, types.String(req.Operation)),
	}
	ctx := types.RecordMap{
		"surface":   types.String(surface),
		"transport": types.String(req.Transport),
		"channel":   types.String(req.Channel),
		"dryRun":    types.Boolean(req.DryRun),
		"approvals": types.Long(approvals),
		"targets":   targetSet(req.Targets),
	}
	creq.Context = types.NewRecord(ctx)
	verb := "call " + req.Operation
	if action == ApproveAction {
		verb = "approve " + req.Operation
	}

	dec, diag := cedar.Authorize(pols.all, set, creq)
	if len(diag.Errors) > 0 {
		return set.failClosed(diag)
	}
	if dec == cedar.Allow {
		ids := set.reasonIDs(diag.Reasons)
		return Decision{Effect: Allow, PolicyIDs: ids, Reason: fmt.Sprintf("%s may %s: permitted by %s", req.Caller, verb, quoteIDs(ids))}
	}
	forbids := set.reasonIDs(diag.Reasons)
	// Probe for more approvals unless a forbid that ignores approvals
	// holds. When nothing was forbidden, every policy that ignores approvals
	// was false and stays false: only those reading approvals need a look.
	probeSet := pols.dynamic
	if len(diag.Reasons) > 0 {
		probeSet = pols.all
		for _, r := range diag.Reasons {
			if c := set.byID(r.PolicyID); c == nil || !c.dynamic {
				probe = false
			}
		}
	}
	if probe && len(probeSet) > 0 {
		for n := approvals + 1; n <= maxApprovals; n++ {
			ctx["approvals"] = types.Long(n)
			creq.Context = types.NewRecord(ctx)
			pdec, pdiag := cedar.Authorize(probeSet, set, creq)
			if pdec != cedar.Allow || len(pdiag.Errors) > 0 {
				continue
			}
			permits := set.reasonIDs(pdiag.Reasons)
			return Decision{
				Effect:            NeedsApproval,
				PolicyIDs:         append(forbids, permits...),
				RequiredApprovals: n,
				Reason: fmt.Sprintf("%s may %s only with %d distinct approver(s) (has %d): permitted by %s once approved; ask another admin to approve",
					req.Caller, verb, n, approvals, quoteIDs(permits)),
			}
		}
	}
	if len(forbids) > 0 {
		return Decision{Effect: Deny, PolicyIDs: forbids,
			Reason: fmt.Sprintf("%s may not %s: forbidden by %s%s", req.Caller, verb, quoteIDs(forbids), set.reasons(diag.Reasons))}
	}
	return deny("%s may not %s from %s: no policy permits it (Cedar denies by default)", req.Caller, verb, surface)
}

// failClosed denies a request on which a policy failed to evaluate.
func (set *Set) failClosed(diag cedar.Diagnostic) Decision {
	d := Decision{Effect: Deny}
	for _, e := range diag.Errors {
		d.PolicyIDs = append(d.PolicyIDs, string(e.PolicyID))
		d.Errors = append(d.Errors, fmt.Sprintf("%s (%s:%d): %s", e.PolicyID, e.Position.Filename, e.Position.Line, e.Message))
	}
	d.Reason = "denied because a policy failed to evaluate (fail closed): " + strings.Join(d.Errors, "; ") + "; fix the policy"
	return d
}

// reasonIDs returns the policy ids of a diagnostic's reasons.
func (set *Set) reasonIDs(rs []cedar.DiagnosticReason) []string {
	if len(rs) == 0 {
		return nil
	}
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = string(r.PolicyID)
	}
	return ids
}

// reasons renders the @reason annotations of the policies in rs.
func (set *Set) reasons(rs []cedar.DiagnosticReason) string {
	var b strings.Builder
	for _, r := range rs {
		if c := set.byID(r.PolicyID); c != nil && c.reason != "" {
			b.WriteString(" (")
			b.WriteString(c.reason)
			b.WriteString(")")
		}
	}
	return b.String()
}

// byID returns the policy called id, or nil.
func (set *Set) byID(id types.PolicyID) *compiled {
	i, ok := slices.BinarySearchFunc(set.policies, id, func(c *compiled, id types.PolicyID) int { return strings.Compare(string(c.id), string(id)) })
	if !ok {
		return nil
	}
	return set.policies[i]
}

func quoteIDs(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = fmt.Sprintf("%q", id)
	}
	return strings.Join(q, ", ")
}

func targetSet(targets []string) types.Set {
	if len(targets) == 0 {
		return types.NewSet()
	}
	vs := make([]types.Value, len(targets))
	for i, t := range targets {
		vs[i] = types.String(t)
	}
	return types.NewSet(vs...)
}
