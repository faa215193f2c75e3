package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/gate"
)

func init() { subcommands = append(subcommands, newApprovalsCmd) }

func newApprovalsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "approvals",
		Short: "List, inspect, approve or deny calls waiting for a second admin",
		Long: `Calls the policy permits only with a second admin's approval wait in the audit store
(shared by every replica). An admin other than the requester, permitted the "approve"
action for the operation, approves or denies them here, in Slack, or through any face.
Approving runs the call exactly once, through the gate.`,
	}
	cmd.AddCommand(newApprovalsListCmd(), newApprovalsStatusCmd(), newApprovalsDecideCmd(true), newApprovalsDecideCmd(false))
	return cmd
}

func newApprovalsListCmd() *cobra.Command {
	var (
		rf    runtimeFlags
		state string
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List approvals (pending by default)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st := audit.State(state)
			if state != "" && !st.Valid() {
				return fmt.Errorf("--state: want pending, approved, denied, expired or executed, got %q", state)
			}
			rt, err := rf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer rt.close()
			list, err := rt.store.ListApprovals(cmd.Context(), audit.ApprovalFilter{State: st})
			if err != nil {
				return err
			}
			return writeApprovals(cmd.OutOrStdout(), list)
		},
	}
	rf.registerLevel(cmd, "warn")
	cmd.Flags().StringVar(&state, "state", string(audit.StatePending), "pending, approved, denied, expired, executed, or \"\" for all")
	return cmd
}

func newApprovalsStatusCmd() *cobra.Command {
	var rf runtimeFlags
	cmd := &cobra.Command{
		Use:   "status APPROVAL_ID",
		Short: "Show one approval and, once it ran, its outcome",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := rf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer rt.close()
			st, err := rt.gate.Status(cmd.Context(), args[0])
			if errors.Is(err, audit.ErrNotFound) {
				return fmt.Errorf("there is no approval %q", args[0])
			}
			if err != nil {
				return err
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			return enc.Encode(st)
		},
	}
	rf.registerLevel(cmd, "warn")
	return cmd
}

// newApprovalsDecideCmd builds "approve" or "deny".
func newApprovalsDecideCmd(approve bool) *cobra.Command {
	var (
		rf     runtimeFlags
		caller string
		reason string
	)
	use, short := "deny APPROVAL_ID", "Deny a pending call (the requester may withdraw their own)"
	if approve {
		use, short = "approve APPROVAL_ID", "Approve a pending call; it runs once the policy is satisfied"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := rf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer rt.close()
			who := gate.Approver{Caller: rf.callerFor(cmd, caller), Surface: audit.SurfaceCLI, Transport: "cli"}
			var res *gate.Result
			if approve {
				res, err = rt.gate.Approve(cmd.Context(), who, args[0])
			} else {
				res, err = rt.gate.Deny(cmd.Context(), who, args[0], reason)
			}
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			switch res.Status {
			case gate.StatusRefused:
				return &exitError{code: 3, err: errors.New("refused: " + res.Message())}
			case gate.StatusDenied:
				_, err := fmt.Fprintf(out, "approval %s denied\n", args[0])
				return err
			case gate.StatusPendingApproval:
				_, err := fmt.Fprintf(out, "approval recorded; still waiting: %s\n", res.Decision.Reason)
				return err
			}
			fmt.Fprintf(out, "approved; %s ran: %s\n", res.Operation.Name, res.Status)
			return printResult(out, res)
		},
	}
	rf.registerLevel(cmd, "warn")
	cmd.Flags().StringVar(&caller, "caller", defaultCaller(), "the admin acting (cli:USER, slack:TEAM/USER); with --sandbox and the starter policies the default is "+sandboxCaller)
	if !approve {
		cmd.Flags().StringVar(&reason, "reason", "", "why the call is denied (recorded in the audit log)")
	}
	return cmd
}

func writeApprovals(w io.Writer, list []audit.Approval) error {
	if len(list) == 0 {
		_, err := fmt.Fprintln(w, "no approvals")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tOPERATION\tREQUESTER\tEXPIRES\tDECIDED BY\tARGS")
	for _, a := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.State, a.Operation, a.Requester,
			a.ExpiresAt.Local().Format(time.DateTime), dash(a.DecidedBy), string(a.Args))
	}
	return tw.Flush()
}
