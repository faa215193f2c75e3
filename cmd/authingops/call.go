package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/gate"
	"github.com/seed-afc46a91/authingops/internal/kvargs"
	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newCallCmd) }

func newCallCmd() *cobra.Command {
	var (
		rf       runtimeFlags
		jsonArgs string
		list     bool
		fields   bool
		caller   string
		dryRun   bool
	)
	cmd := &cobra.Command{
		Use:   "call OPERATION [key=value ...]",
		Short: "Run one Authing management operation and print its result as JSON",
		Long: `Run one Authing Management API v3 operation and print its result as JSON.

Arguments are key=value words typed by the operation's schema (numbers, booleans,
comma-separated or JSON arrays, JSON objects, dotted keys for nested fields), or one
JSON object with --json.

  authingops call list_users options.pagination.limit=5
  authingops call get_user userId=USER_ID
  authingops call create_user --json '{"username":"ada","email":"ada@example.com"}'
  authingops call --list            list every operation
  authingops call create_user --fields   show an operation's fields

The call passes the gate: the policy decides for --caller (default cli:<your OS user>),
the audit log (--audit-dsn) records writes and denials, and a call the policy sends for
approval prints the approval id. --dry-run shows the request without sending it.

Credentials come from AUTHING_ACCESS_KEY_ID and AUTHING_ACCESS_KEY_SECRET; --sandbox runs
against an in-process sandbox with demo data and the starter policies instead.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if list {
				return nil
			}
			if len(args) == 0 {
				return errors.New("name an operation (authingops call --list shows them)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			if list {
				return listOperations(out)
			}
			op, err := lookup(args[0])
			if err != nil {
				return err
			}
			if fields {
				return describeFields(out, op)
			}
			raw, err := callArgs(op, args[1:], jsonArgs)
			if err != nil {
				return err
			}
			rt, err := rf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer rt.close()
			res, err := rt.gate.Execute(cmd.Context(), gate.Call{
				Caller: rf.callerFor(cmd, caller), Surface: audit.SurfaceCLI, Transport: "cli",
				Operation: op.Name, Args: raw, DryRun: dryRun,
			})
			if err != nil {
				return err
			}
			return printResult(out, res)
		},
	}
	rf.registerLevel(cmd, "warn")
	cmd.Flags().StringVar(&caller, "caller", defaultCaller(), "the principal the policy decides for (cli:USER, slack:TEAM/USER, mcp:CLIENT); with --sandbox and the starter policies the default is "+sandboxCaller)
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "validate, decide and show the request that would be sent, without sending it")
	cmd.Flags().StringVar(&jsonArgs, "json", "", "arguments as one JSON object (instead of key=value words)")
	cmd.Flags().BoolVar(&list, "list", false, "list every operation with its category and summary")
	cmd.Flags().BoolVar(&fields, "fields", false, "show the operation's fields instead of running it")
	return cmd
}

// lookup finds an operation or explains which names are close.
func lookup(name string) (*authing.Operation, error) {
	if op, ok := authing.LookupOperation(name); ok {
		return op, nil
	}
	return nil, errors.New(kvargs.UnknownOperation(name) + " (authingops call --list shows every operation)")
}

// callArgs builds the JSON arguments from words or --json, not both.
func callArgs(op *authing.Operation, words []string, jsonArgs string) (json.RawMessage, error) {
	if jsonArgs != "" {
		if len(words) > 0 {
			return nil, errors.New("give key=value words or --json, not both")
		}
		if !json.Valid([]byte(jsonArgs)) {
			return nil, errors.New("--json: not valid JSON")
		}
		return json.RawMessage(jsonArgs), nil
	}
	raw, err := kvargs.Build(op, words)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op.Name, err)
	}
	return raw, nil
}

func listOperations(w io.Writer) error {
	ops := append([]*authing.Operation(nil), authing.Operations...)
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].Category < ops[j].Category })
	for _, op := range ops {
		kind := "read"
		switch {
		case op.Destructive:
			kind = "destructive"
		case op.Write:
			kind = "write"
		}
		if _, err := fmt.Fprintf(w, "%-18s %-44s %-11s %s\n", op.Category, op.Name, kind, op.Summary); err != nil {
			return err
		}
	}
	return nil
}

func describeFields(w io.Writer, op *authing.Operation) error {
	fmt.Fprintf(w, "%s — %s\n%s %s (category %s)\n\n", op.Name, op.Summary, op.Method, op.Path, op.Category)
	if len(op.Params) == 0 {
		_, err := fmt.Fprintln(w, "This operation takes no arguments.")
		return err
	}
	for _, p := range op.Params {
		req := "optional"
		if p.Required {
			req = "required"
		}
		typ := p.Type
		if typ == "" {
			typ = "any"
		}
		desc := strings.ReplaceAll(p.Description, "\n", " ")
		if _, err := fmt.Fprintf(w, "  %-28s %-8s %-8s %s\n", p.Name, typ, req, desc); err != nil {
			return err
		}
	}
	return nil
}

// printResult writes a gate result: the value as JSON on success, the
// request on a dry run, the approval id when it waits, an error otherwise.
func printResult(w io.Writer, res *gate.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	switch res.Status {
	case gate.StatusSucceeded:
		return enc.Encode(res.Value)
	case gate.StatusDryRun:
		fmt.Fprintf(w, "dry run: the policy says %s", res.Decision.Effect)
		if len(res.Decision.PolicyIDs) > 0 {
			fmt.Fprintf(w, " (%s)", strings.Join(res.Decision.PolicyIDs, ", "))
		}
		fmt.Fprintln(w, "; this request would be sent:")
		return enc.Encode(res.Request)
	case gate.StatusPendingApproval:
		_, err := fmt.Fprintf(w, "needs approval: %s\napproval id %s, expires %s; another admin approves it in Slack or with the approvals tools\n",
			res.Decision.Reason, res.Approval.ID, res.Approval.ExpiresAt.Format("2006-01-02 15:04:05 MST"))
		return err
	case gate.StatusDenied:
		msg := "denied: " + res.Decision.Reason
		if len(res.Decision.PolicyIDs) > 0 {
			msg += " (policy " + strings.Join(res.Decision.PolicyIDs, ", ") + ")"
		}
		return &exitError{code: 3, err: errors.New(msg)}
	}
	return errors.New(res.Message())
}
