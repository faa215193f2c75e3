// Command authingops runs Authing management operations for AI assistants (MCP),
// on-call admins (Slack) and operators (CLI), behind one policy and one audit log.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// subcommands holds the constructors of the top-level subcommands. Each
// subcommand's file registers itself in an init function, so adding one never
// touches this file.
var subcommands []func() *cobra.Command

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "authingops",
		Short: "Policy-checked, audited Authing management for AI assistants, Slack and the CLI",
		Long: `authingops exposes every Authing Management API v3 operation to AI assistants (MCP),
on-call admins (Slack slash commands) and operators (this CLI). Every call passes one
gate: argument validation, a Cedar policy decision, a second admin's approval where the
policy asks for one, and a hash-chained audit log.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	for _, mk := range subcommands {
		root.AddCommand(mk())
	}
	return root
}

// exitError carries a process exit code chosen by a subcommand.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, "authingops:", err)
	var ee *exitError
	if errors.As(err, &ee) {
		os.Exit(ee.code)
	}
	os.Exit(1)
}
