package slackbot

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
)

var parseNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text     string
		kind     Kind
		op       string
		args     string
		dryRun   bool
		topic    string
		auditCmp func(audit.Filter) bool
	}{
		{text: "", kind: KindHelp},
		{text: "help", kind: KindHelp},
		{text: "HELP users", kind: KindHelp, topic: "users"},
		{text: "approvals", kind: KindApprovals},
		{text: "list_users", kind: KindRun, op: "list_users", args: `{}`},
		{text: "list-users", kind: KindRun, op: "list_users", args: `{}`},
		{text: `update_user userId=u1 name="Ada Lovelace"`, kind: KindRun, op: "update_user", args: `{"name":"Ada Lovelace","userId":"u1"}`},
		{text: "update_user userId=u1 name=\u201cAda L\u201d", kind: KindRun, op: "update_user", args: `{"name":"Ada L","userId":"u1"}`},
		{text: `delete_users_batch userIds='["a","b"]' --dry-run`, kind: KindRun, op: "delete_users_batch", args: `{"userIds":["a","b"]}`, dryRun: true},
		{text: "delete_users_batch \u2014dry-run userIds=a,b", kind: KindRun, op: "delete_users_batch", args: `{"userIds":["a","b"]}`, dryRun: true},
		{text: "list_users options.pagination.page=2 options.pagination.limit=5", kind: KindRun, op: "list_users", args: `{"options":{"pagination":{"limit":5,"page":2}}}`},
		{text: "audit", kind: KindAudit, auditCmp: func(f audit.Filter) bool { return f.Limit == 20 && f.Reverse }},
		{text: "audit caller=slack:T1/U1 op=update_user since=2h limit=5", kind: KindAudit, auditCmp: func(f audit.Filter) bool {
			return f.Caller == "slack:T1/U1" && f.Operation == "update_user" && f.Limit == 5 && f.Since.Equal(parseNow.Add(-2*time.Hour))
		}},
		{text: "audit since=3d until=2026-11-24", kind: KindAudit, auditCmp: func(f audit.Filter) bool {
			return f.Since.Equal(parseNow.Add(-72*time.Hour)) && f.Until.Equal(time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			c, err := Parse(tt.text, parseNow)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if c.Kind != tt.kind || c.Topic != tt.topic || c.DryRun != tt.dryRun {
				t.Fatalf("got kind %d topic %q dry %v", c.Kind, c.Topic, c.DryRun)
			}
			if tt.op != "" && (c.Operation == nil || c.Operation.Name != tt.op || string(c.Args) != tt.args) {
				t.Fatalf("got %v %s", c.Operation, c.Args)
			}
			if tt.auditCmp != nil && !tt.auditCmp(c.Audit) {
				t.Fatalf("audit filter %+v", c.Audit)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text, want, op string
		suggest        string
		notWant        string
	}{
		{text: "list_user", want: "unknown operation", suggest: "list_users"},
		{text: `update_user name="unterminated`, want: "unterminated"},
		{text: "update_user colour=red", want: "valid fields", op: "update_user"},
		{text: "update_user --force userId=x", want: "unknown flag", op: "update_user"},
		{text: "list_users options.pagination.limit=many", want: "whole number", op: "list_users"},
		{text: "update_user userId=x Hunter2Secret!", want: "key=value", op: "update_user", notWant: "Hunter2Secret"},
		{text: "update_user userId=x password={notjson", want: "looks secret", op: "update_user", notWant: "notjson"},
		{text: "help a b", want: "at most one topic"},
		{text: "approvals now", want: "no arguments"},
		{text: "audit who=me", want: "unknown filter"},
		{text: "audit limit=500", want: "between 1 and"},
		{text: "audit since=yesterdayish", want: "duration"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(tt.text, parseNow)
			var ue *UsageError
			if !errors.As(err, &ue) {
				t.Fatalf("Parse error = %v, want a *UsageError", err)
			}
			if !strings.Contains(ue.Problem, tt.want) {
				t.Errorf("problem %q lacks %q", ue.Problem, tt.want)
			}
			if tt.notWant != "" && strings.Contains(ue.Problem, tt.notWant) {
				t.Errorf("problem %q echoes %q", ue.Problem, tt.notWant)
			}
			if tt.op != "" && (ue.Operation == nil || ue.Operation.Name != tt.op) {
				t.Errorf("usage of %v, want %s", ue.Operation, tt.op)
			}
			if tt.suggest != "" && !strings.Contains(strings.Join(ue.Suggestions, " "), tt.suggest) {
				t.Errorf("suggestions %v lack %s", ue.Suggestions, tt.suggest)
			}
		})
	}
}

// Every operation's help example parses: the help cannot drift from the
// grammar.
func TestEveryExampleParses(t *testing.T) {
	t.Parallel()
	for _, op := range authing.Operations {
		c, err := Parse(example(op), parseNow)
		if err != nil {
			t.Errorf("%s: example %q: %v", op.Name, example(op), err)
			continue
		}
		if c.Operation != op || !json.Valid(c.Args) {
			t.Errorf("%s: example parsed as %v %s", op.Name, c.Operation, c.Args)
		}
	}
}

// FuzzParse: any text gives a command or a usage error, never a panic, and
// a usage error never repeats a value typed for a secret field.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "help", "help users", "audit since=2h", "approvals",
		`update_user userId=u1 name="Ada" --dry-run`, `delete_users_batch userIds='["a"]'`,
		"list_users options.pagination.page=2", "update_user password=\u201cx", "audit limit=-1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, err := Parse(text, parseNow)
		if err != nil {
			var ue *UsageError
			if !errors.As(err, &ue) {
				t.Fatalf("Parse(%q) = %T %v", text, err, err)
			}
			return
		}
		if c.Kind == KindRun && (c.Operation == nil || !json.Valid(c.Args)) {
			t.Fatalf("Parse(%q) = %+v", text, c)
		}
	})
}

// FuzzSecretNotEchoed: whatever is typed as a password, a parse error
// does not contain it.
func FuzzSecretNotEchoed(f *testing.F) {
	f.Add("s3cret-Value", "userId=x")
	f.Add("{bad json", "")
	f.Fuzz(func(t *testing.T, secret, rest string) {
		if len(secret) < 6 || strings.ContainsAny(secret, " \t\n\"'\\\u201c\u201d\u2018\u2019") {
			return
		}
		_, err := Parse("update_user "+rest+" password="+secret+" "+secret, parseNow)
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Fatalf("error %q echoes the secret", err)
		}
	})
}
