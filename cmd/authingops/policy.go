package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/seed-afc46a91/authingops/examples/policies"
	"github.com/seed-afc46a91/authingops/policy"
)

func init() { subcommands = append(subcommands, newPolicyCmd) }

// Environment variables that give the policy files and the entities file.
const (
	envPolicies = "AUTHINGOPS_POLICIES"
	envEntities = "AUTHINGOPS_ENTITIES"
)

// policyFlags selects the policies and entities of a command.
type policyFlags struct {
	policies string
	entities string
	starter  bool
}

// addPolicyFlags registers --policies, --entities and --starter on cmd.
func addPolicyFlags(cmd *cobra.Command, f *policyFlags) {
	cmd.Flags().StringVar(&f.policies, "policies", os.Getenv(envPolicies),
		"a .cedar file or a directory of them (env "+envPolicies+")")
	cmd.Flags().StringVar(&f.entities, "entities", os.Getenv(envEntities),
		"the YAML entities file of callers and groups (env "+envEntities+"; default: entities.yaml in the policies directory)")
	cmd.Flags().BoolVar(&f.starter, "starter", false,
		"use the embedded starter policies and example callers of examples/policies (trials and sandboxes only)")
}

// source returns the policy source the flags select, and a description of it.
// Positional paths, when given, replace --policies.
func (f *policyFlags) source(paths []string) (policy.Source, string, error) {
	if len(paths) == 0 && f.policies != "" {
		paths = []string{f.policies}
	}
	switch {
	case f.starter && len(paths) > 0:
		return nil, "", errors.New("--starter and policy files are exclusive")
	case f.starter:
		return policy.FromFS(policies.Starter, ".", policies.StarterEntities), "embedded starter policies", nil
	case len(paths) == 0:
		return nil, "", fmt.Errorf("no policies: pass --policies DIR|FILE (or set %s), or --starter for the embedded starter policies", envPolicies)
	case len(paths) == 1:
		return policy.FromPaths(paths[0], f.entities), paths[0], nil
	}
	entities := f.entities
	return policy.SourceFunc(func() ([]policy.File, *policy.File, error) {
		var all []policy.File
		var ents *policy.File
		for _, p := range paths {
			files, e, err := policy.FromPaths(p, entities).Read()
			if err != nil {
				return nil, nil, err
			}
			all = append(all, files...)
			if e != nil && ents == nil {
				ents = e
			}
		}
		return all, ents, nil
	}), strings.Join(paths, ", "), nil
}

// loadPolicies generates the catalog schema and loads the selected policies.
func (f *policyFlags) loadPolicies(paths []string) (*policy.Engine, string, error) {
	src, desc, err := f.source(paths)
	if err != nil {
		return nil, "", err
	}
	schema, err := policy.CatalogSchema()
	if err != nil {
		return nil, "", err
	}
	e, err := policy.NewEngine(schema, src, policy.Options{})
	return e, desc, err
}

func newPolicyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Validate Cedar policies, check a decision, print the schema",
		Long: `Every call passes a Cedar policy decision. The schema is generated from the operation
catalog (see "policy schema"); policies are .cedar files; callers and groups live in a YAML
entities file. See examples/policies/README.md.`,
	}
	cmd.AddCommand(newPolicyValidateCmd(), newPolicyCheckCmd(), newPolicySchemaCmd())
	return cmd
}

func newPolicyValidateCmd() *cobra.Command {
	var f policyFlags
	cmd := &cobra.Command{
		Use:   "validate [FILE|DIR...]",
		Short: "Check policies and entities against the catalog schema",
		Long: `Parses the policies and the entities file and validates them against the schema generated
from the catalog. Each problem is printed as file:line:col: message, and the exit status is 1.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			e, desc, err := f.loadPolicies(args)
			if err != nil {
				var les policy.LoadErrors
				if errors.As(err, &les) {
					fmt.Fprintln(cmd.ErrOrStderr(), les.Error())
					return &exitError{code: 1, err: fmt.Errorf("%d problem(s) in %s", len(les), desc)}
				}
				return err
			}
			return printSet(cmd.OutOrStdout(), e.Current(), desc)
		},
	}
	addPolicyFlags(cmd, &f)
	return cmd
}

// printSet prints a summary of a valid policy set.
func printSet(w io.Writer, set *policy.Set, desc string) error {
	files, ents := set.Files()
	if ents == "" {
		ents = "none: no caller is registered"
	}
	infos := set.Policies()
	fmt.Fprintf(w, "ok: %s: %d policies in %d file(s), %d caller(s) (entities: %s)\n",
		desc, len(infos), len(files), len(set.Callers()), ents)
	for _, p := range infos {
		fmt.Fprintf(w, "  %-6s %-45s %s:%d\n", p.Effect, p.ID, p.File, p.Line)
	}
	return nil
}

func newPolicyCheckCmd() *cobra.Command {
	var (
		f       policyFlags
		req     policy.Request
		approve bool
		asJSON  bool
	)
	cmd := &cobra.Command{
		Use:   "check --caller ID --op OPERATION",
		Short: "Print the decision for one call",
		Long: `Decides whether a caller may call an operation and prints the decision, the reason and the
ids of the deciding policies. With --approve, decides whether the caller may approve someone
else's call of the operation. Exit status: 0 allow, 2 deny, 3 needs approval.`,
		Example: `  authingops policy check --starter --caller slack:T1/U1 --op delete_users_batch --surface slack --channel C1
  authingops policy check --policies ./policies --caller cli:alice --op delete_users_batch --approvals 1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, _, err := f.loadPolicies(nil)
			if err != nil {
				return err
			}
			var d policy.Decision
			if approve {
				d = e.DecideApproval(cmd.Context(), req)
			} else {
				d = e.Decide(cmd.Context(), req)
			}
			if err := printDecision(cmd.OutOrStdout(), d, asJSON); err != nil {
				return err
			}
			switch d.Effect {
			case policy.Allow:
				return nil
			case policy.NeedsApproval:
				return &exitError{code: 3, err: fmt.Errorf("needs %d approval(s)", d.RequiredApprovals)}
			default:
				return &exitError{code: 2, err: errors.New("denied")}
			}
		},
	}
	addPolicyFlags(cmd, &f)
	fl := cmd.Flags()
	fl.StringVar(&req.Caller, "caller", "", "caller id: slack:TEAM/USER, mcp:CLIENT or cli:OSUSER")
	fl.StringVar(&req.Operation, "op", "", "catalog operation, e.g. delete_users_batch")
	fl.StringVar(&req.Surface, "surface", "", "mcp, slack or cli (default: the caller id's prefix)")
	fl.StringVar(&req.Transport, "transport", "", "context.transport, e.g. stdio, http, socket")
	fl.StringVar(&req.Channel, "channel", "", "context.channel, the Slack channel id")
	fl.IntVar(&req.Approvals, "approvals", 0, "context.approvals: distinct approvers so far")
	fl.BoolVar(&req.DryRun, "dry-run", false, "context.dryRun")
	fl.StringSliceVar(&req.Targets, "target", nil, "context.targets: a target id (repeatable)")
	fl.BoolVar(&approve, "approve", false, "decide the approve action: may the caller approve a call of --op?")
	fl.BoolVar(&asJSON, "json", false, "print the decision as JSON")
	_ = cmd.MarkFlagRequired("caller")
	_ = cmd.MarkFlagRequired("op")
	return cmd
}

// printDecision writes d as text or JSON.
func printDecision(w io.Writer, d policy.Decision, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	}
	effect := d.Effect.String()
	if d.Effect == policy.NeedsApproval {
		effect += fmt.Sprintf(" (%d approval(s) required)", d.RequiredApprovals)
	}
	ids := strings.Join(d.PolicyIDs, ", ")
	if ids == "" {
		ids = "(none)"
	}
	_, err := fmt.Fprintf(w, "decision: %s\nreason:   %s\npolicies: %s\n", effect, d.Reason, ids)
	return err
}

func newPolicySchemaCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the Cedar schema generated from the operation catalog",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := policy.CatalogSchema()
			if err != nil {
				return err
			}
			_, err = io.WriteString(cmd.OutOrStdout(), s.Text())
			return err
		},
	}
}
