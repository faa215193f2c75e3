package slackbot

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/internal/kvargs"
)

// Kind is what a slash command asks for.
type Kind int

// Kinds of commands.
const (
	// KindHelp: `/authing help [category|operation]`.
	KindHelp Kind = iota
	// KindRun: `/authing <operation> key=value … [--dry-run]`.
	KindRun
	// KindAudit: `/authing audit [caller=… op=… target=… phase=… since=… until=… limit=…]`.
	KindAudit
	// KindApprovals: `/authing approvals`.
	KindApprovals
)

// Command is a parsed `/authing` command line.
type Command struct {
	Kind Kind
	// Topic is the help topic (a category or operation name), "" for the
	// overview.
	Topic string
	// Operation, Args and DryRun describe a KindRun command.
	Operation *authing.Operation
	Args      json.RawMessage
	DryRun    bool
	// Audit is the query of a KindAudit command.
	Audit audit.Filter
}

// UsageError is a command line that cannot be parsed. Its message never
// contains a value typed for a secret-looking field.
type UsageError struct {
	// Operation is the operation whose usage to show, when known.
	Operation *authing.Operation
	// Problem says what is wrong.
	Problem string
	// Suggestions are the closest operation names to an unknown one.
	Suggestions []string
}

func (e *UsageError) Error() string { return e.Problem }

// maxAuditRows caps `/authing audit`.
const maxAuditRows = 50

// Parse parses the text after `/authing`. now resolves relative times
// (since=2h) of audit queries.
func Parse(text string, now time.Time) (*Command, error) {
	words, err := kvargs.Split(text)
	if err != nil {
		return nil, &UsageError{Problem: "cannot read the command: " + err.Error()}
	}
	if len(words) == 0 {
		return &Command{Kind: KindHelp}, nil
	}
	head, rest := strings.ToLower(words[0]), words[1:]
	switch head {
	case "help", "-h", "--help", "?":
		if len(rest) > 1 {
			return nil, &UsageError{Problem: "help takes at most one topic: a category or an operation"}
		}
		c := &Command{Kind: KindHelp}
		if len(rest) == 1 {
			c.Topic = rest[0]
		}
		return c, nil
	case "approvals":
		if len(rest) > 0 {
			return nil, &UsageError{Problem: "approvals takes no arguments"}
		}
		return &Command{Kind: KindApprovals}, nil
	case "audit":
		f, err := parseAudit(rest, now)
		if err != nil {
			return nil, err
		}
		return &Command{Kind: KindAudit, Audit: f}, nil
	}
	return parseRun(words)
}

// isDryRunFlag accepts --dry-run as typed, and as phones autocorrect it
// (an em or en dash).
func isDryRunFlag(w string) bool {
	switch strings.ToLower(w) {
	case "--dry-run", "--dryrun", "\u2014dry-run", "\u2013dry-run":
		return true
	}
	return false
}

func parseRun(words []string) (*Command, error) {
	op, ok := authing.LookupOperation(words[0])
	if !ok {
		op, ok = authing.LookupOperation(strings.ReplaceAll(strings.ToLower(words[0]), "-", "_"))
	}
	if !ok {
		return nil, &UsageError{
			Problem:     fmt.Sprintf("unknown operation %q", truncate(words[0], 60)),
			Suggestions: kvargs.Suggest(words[0], 5),
		}
	}
	c := &Command{Kind: KindRun, Operation: op}
	var kv []string
	for _, w := range words[1:] {
		if isDryRunFlag(w) {
			c.DryRun = true
			continue
		}
		if strings.HasPrefix(w, "--") || strings.HasPrefix(w, "\u2014") {
			return nil, &UsageError{Operation: op, Problem: fmt.Sprintf("unknown flag %q (the only flag is --dry-run)", truncate(w, 40))}
		}
		if k, _, ok := strings.Cut(w, "="); !ok || k == "" {
			// Not repeated: a stray word may be a mistyped secret.
			return nil, &UsageError{Operation: op, Problem: "every argument must be key=value (quote values with spaces: name=\"Ada Lovelace\")"}
		}
		kv = append(kv, w)
	}
	args, err := kvargs.Build(op, kv)
	if err != nil {
		return nil, &UsageError{Operation: op, Problem: safeArgProblem(err)}
	}
	c.Args = args
	return c, nil
}

// safeArgProblem describes an argument error without the value when the
// field looks secret (passwords, secrets, tokens).
func safeArgProblem(err error) string {
	var ke *kvargs.Error
	if !errors.As(err, &ke) {
		return "cannot build the arguments"
	}
	if !isFieldPath(ke.Key) {
		// The word itself came back (it is not key=value): it may be a
		// mistyped secret, so it is not repeated.
		return "every argument must be key=value (quote values with spaces: name=\"Ada Lovelace\")"
	}
	path := strings.Split(ke.Key, ".")
	if isSecretField(path[len(path)-1]) {
		return fmt.Sprintf("argument %q: the value is not valid for this field (not shown: it looks secret)", ke.Key)
	}
	return truncate(ke.Error(), 500)
}

// isFieldPath reports whether s looks like a dotted field name.
func isFieldPath(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for _, r := range s {
		if !(r == '.' || r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// probeRedactor classifies field names; the key does not matter for that.
var probeRedactor = audit.NewRedactor(nil)

// isSecretField reports whether values of the field name are redacted.
func isSecretField(name string) bool {
	const probe = "probe-value"
	raw, err := json.Marshal(map[string]string{name: probe})
	if err != nil {
		return true
	}
	return !strings.Contains(string(probeRedactor.RedactArgs(raw)), probe)
}

var auditKeys = "caller, op, target, phase, since, until, limit"

func parseAudit(words []string, now time.Time) (audit.Filter, error) {
	f := audit.Filter{Limit: 20, Reverse: true}
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok || v == "" {
			return f, &UsageError{Problem: fmt.Sprintf("audit: expected key=value, got %q; keys: %s", truncate(w, 40), auditKeys)}
		}
		var err error
		switch strings.ToLower(k) {
		case "caller":
			f.Caller = v
		case "op", "operation":
			f.Operation = v
		case "target":
			f.Target = v
		case "phase":
			f.Phase = audit.Phase(v)
		case "since":
			f.Since, err = parseWhen(v, now)
		case "until":
			f.Until, err = parseWhen(v, now)
		case "limit":
			f.Limit, err = strconv.Atoi(v)
			if err == nil && (f.Limit < 1 || f.Limit > maxAuditRows) {
				err = fmt.Errorf("between 1 and %d", maxAuditRows)
			}
		default:
			return f, &UsageError{Problem: fmt.Sprintf("audit: unknown filter %q; keys: %s", truncate(k, 40), auditKeys)}
		}
		if err != nil {
			return f, &UsageError{Problem: fmt.Sprintf("audit: %s: %v", k, err)}
		}
	}
	return f, nil
}

// parseWhen reads 90m, 2h, 3d (ago), 2026-11-24 or an RFC 3339 time.
func parseWhen(v string, now time.Time) (time.Time, error) {
	if n, err := strconv.Atoi(strings.TrimSuffix(v, "d")); err == nil && strings.HasSuffix(v, "d") && n >= 0 {
		return now.Add(-time.Duration(n) * 24 * time.Hour), nil
	}
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("expected a duration ago (90m, 2h, 3d), a date (2026-11-24) or an RFC 3339 time")
}

// truncate shortens s to n runes with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
