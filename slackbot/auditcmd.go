package slackbot

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/policy"
)

// overseer answers whether a caller may see other callers' records and
// approvals of an operation: those the policy lets approve it. Everyone
// sees their own.
type overseer struct {
	b     *Bot
	id    Identity
	cache map[string]bool
}

func (b *Bot) overseer(id Identity) *overseer {
	return &overseer{b: b, id: id, cache: map[string]bool{}}
}

func (o *overseer) may(ctx context.Context, caller, operation string) bool {
	if caller == o.id.Caller() {
		return true
	}
	if o.b.cfg.Policy == nil || operation == "" {
		return false
	}
	ok, seen := o.cache[operation]
	if !seen {
		d := o.b.cfg.Policy.DecideApproval(ctx, policy.Request{Caller: o.id.Caller(), Operation: operation, Surface: audit.SurfaceSlack})
		ok = d.Allowed()
		o.cache[operation] = ok
	}
	return ok
}

// auditMsg answers `/authing audit …`: the newest matching records the
// caller may see.
func (b *Bot) auditMsg(ctx context.Context, id Identity, f audit.Filter) *slack.Msg {
	want := f.Limit
	if b.cfg.Policy == nil {
		f.Caller = id.Caller()
	}
	f.Limit = min(want*5, 500)
	recs, err := b.gate.Store().Query(ctx, f)
	if err != nil {
		return b.gateFailureMsg(ctx, "audit", err)
	}
	o := b.overseer(id)
	var lines []string
	hidden := 0
	for i := range recs {
		r := &recs[i]
		if !o.may(ctx, r.Caller, r.Operation) {
			hidden++
			continue
		}
		if len(lines) == want {
			break
		}
		lines = append(lines, auditLine(r))
	}
	if len(lines) == 0 {
		return textMsg("No audit records match (you see your own records, and others' for operations you may approve).")
	}
	blocks := []slack.Block{section(fmt.Sprintf("*Audit log*, newest first — %d records", len(lines)))}
	blocks = append(blocks, chunkedSections(lines)...)
	foot := "Narrow with `caller=` `op=` `target=` `phase=` `since=2h` `until=` `limit=`; `authingops audit verify` checks the hash chain."
	if hidden > 0 {
		foot = fmt.Sprintf("%d records of other callers hidden. ", hidden) + foot
	}
	return blocksMsg("audit log", append(blocks, contextBlock(foot))...)
}

func auditLine(r *audit.Record) string {
	var b strings.Builder
	fmt.Fprintf(&b, "`%s` *%s* `%s` by %s", r.Time.UTC().Format("01-02 15:04:05"), r.Phase, r.Operation, who(r.Caller))
	if r.Surface != "" {
		b.WriteString(" (" + r.Surface + ")")
	}
	if r.Outcome != "" {
		b.WriteString(" → " + escape(r.Outcome))
	}
	if r.ErrorClass != "" {
		b.WriteString(" `" + r.ErrorClass + "`")
	}
	if r.DryRun {
		b.WriteString(" (dry run)")
	}
	if r.Approver != "" && r.Approver != r.Caller {
		b.WriteString(" · approver " + who(r.Approver))
	}
	if r.ApprovalID != "" {
		b.WriteString(" · approval `" + r.ApprovalID + "`")
	}
	if len(r.Targets) > 0 {
		b.WriteString(" · " + escape(truncate(strings.Join(r.Targets, ", "), 120)))
	}
	return b.String()
}

// approvalsMsg answers `/authing approvals`: pending approvals the caller
// requested or may decide, with buttons on the ones they may decide.
func (b *Bot) approvalsMsg(ctx context.Context, id Identity) *slack.Msg {
	pending, err := b.gate.Store().ListApprovals(ctx, audit.ApprovalFilter{State: audit.StatePending, Limit: 200})
	if err != nil {
		return b.gateFailureMsg(ctx, "approvals", err)
	}
	o := b.overseer(id)
	var blocks []slack.Block
	n := 0
	for i := range pending {
		a := &pending[i]
		if !b.now().Before(a.ExpiresAt) || !o.may(ctx, a.Requester, a.Operation) {
			continue
		}
		n++
		if len(blocks) >= maxBlocks-4 {
			continue
		}
		blocks = append(blocks, section(fmt.Sprintf("`%s` requested by %s via %s · expires %s · `%s`\n`%s`",
			a.Operation, who(a.Requester), a.Surface, slackDate(a.ExpiresAt), a.ID, escape(truncate(string(b.gate.Redactor().RedactArgs(a.Args)), 300)))))
		if a.Requester != id.Caller() {
			blocks = append(blocks, approvalButtons(a))
		}
	}
	if n == 0 {
		return textMsg("No pending approvals you requested or may decide.")
	}
	head := section(fmt.Sprintf("*%d pending approvals*", n))
	return blocksMsg("pending approvals", append([]slack.Block{head}, blocks...)...)
}
