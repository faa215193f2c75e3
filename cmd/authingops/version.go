package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newVersionCmd) }

// commit can be set at build time with -ldflags "-X main.commit=SHA" where
// the build has no VCS information (a Docker build without .git).
var commit string

// buildVersion returns the module version and VCS commit recorded in the binary.
func buildVersion() (version, rev string) {
	version, rev = "(devel)", "unknown"
	if commit != "" {
		rev = commit
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return version, commit
	}
	if bi.Main.Version != "" {
		version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && commit == "" {
			rev = s.Value
		}
	}
	return version, rev
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the module version and commit of this binary",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, c := buildVersion()
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "authingops %s (commit %s)\n", v, c)
			return err
		},
	}
}
