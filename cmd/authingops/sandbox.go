package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/authing/authingtest"
)

func init() { subcommands = append(subcommands, newSandboxCmd) }

// sandboxFlags are the options of `authingops sandbox`.
type sandboxFlags struct {
	addr, seed, keyID, keySecret string
	list, admin                  bool
	faultSeed                    int64
	tokenTTL                     time.Duration
}

func newSandboxCmd() *cobra.Command {
	var f sandboxFlags
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run an in-memory, Authing-compatible Management API for trying authingops without an account",
		Long: `sandbox runs an in-memory Authing Management API v3 on a local address. The official
SDKs and authingops cannot tell it from Authing for the operations it emulates (users,
roles, groups, organizations, departments, applications); every other operation answers
a 501 envelope. It prints the host and access key to use and runs until interrupted.

The demo credentials are fixed and only ever open a sandbox:
  access key id      ` + authingtest.DemoAccessKeyID + `
  access key secret  ` + authingtest.DemoAccessKeySecret + `

Faults (latency, error envelopes, HTTP 502/503, dropped connections, early token
expiry) can be injected over HTTP at /__sandbox/faults; /__sandbox/calls counts the
requests per operation.`,
		Example: `  authingops sandbox
  authingops sandbox --addr 127.0.0.1:3888 --seed empty
  authingops sandbox --list`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.list {
				return printEmulated(cmd.OutOrStdout())
			}
			return runSandbox(cmd.Context(), cmd.OutOrStdout(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:3888", "listen address (use port 0 for any free port)")
	fl.StringVar(&f.seed, "seed", authingtest.SeedDemo, "initial data: demo or empty")
	fl.StringVar(&f.keyID, "access-key-id", "", "access key id clients must use (default the demo key)")
	fl.StringVar(&f.keySecret, "access-key-secret", "", "access key secret clients must use (default the demo secret)")
	fl.BoolVar(&f.list, "list", false, "print the emulated operations and exit")
	fl.BoolVar(&f.admin, "admin", true, "serve the /__sandbox/ fault and call-counter endpoints")
	fl.Int64Var(&f.faultSeed, "fault-seed", 0, "seed of fault probabilities, for reproducible runs (0: random)")
	fl.DurationVar(&f.tokenTTL, "token-ttl", 7200*time.Second, "lifetime of management tokens")
	return cmd
}

// printEmulated prints the emulated operations with their method and path.
func printEmulated(w io.Writer) error {
	for _, name := range authingtest.Emulated() {
		line := name
		if op, ok := authing.LookupOperation(name); ok {
			line = fmt.Sprintf("%-28s %-5s %s", name, op.Method, op.Path)
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return fmt.Errorf("print operations: %w", err)
		}
	}
	return nil
}

func runSandbox(ctx context.Context, w io.Writer, f sandboxFlags) error {
	if (f.keyID == "") != (f.keySecret == "") {
		return &exitError{code: 2, err: errors.New("give both --access-key-id and --access-key-secret, or neither")}
	}
	srv, err := authingtest.NewServer(authingtest.Options{
		Addr: f.addr, Seed: f.seed, AccessKeyID: f.keyID, AccessKeySecret: f.keySecret,
		Admin: f.admin, FaultSeed: f.faultSeed, TokenTTL: f.tokenTTL,
	})
	if err != nil {
		return fmt.Errorf("start the sandbox: %w", err)
	}
	cred := srv.Credentials()
	secret := cred.AccessKeySecret
	if f.keySecret != "" {
		secret = "(as given by --access-key-secret)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Authing sandbox listening (seed %s, %d emulated operations: authingops sandbox --list)\n", f.seed, len(authingtest.Emulated()))
	fmt.Fprintf(&b, "  host:              %s\n", cred.Host)
	fmt.Fprintf(&b, "  access key id:     %s\n", cred.AccessKeyID)
	fmt.Fprintf(&b, "  access key secret: %s\n", secret)
	fmt.Fprintf(&b, "  user pool id:      %s\n", cred.UserPoolID)
	if f.admin {
		fmt.Fprintf(&b, "  faults:            %s%s\n", cred.Host, authingtest.AdminFaultsPath)
		fmt.Fprintf(&b, "  call counts:       %s%s\n", cred.Host, authingtest.AdminCallsPath)
	}
	b.WriteString("Stop with Ctrl-C.\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		_ = srv.Close()
		return fmt.Errorf("print credentials: %w", err)
	}
	select {
	case <-ctx.Done():
	case <-srv.Done():
		return errors.New("the sandbox stopped serving")
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		_ = srv.Close()
		return fmt.Errorf("stop the sandbox: %w", err)
	}
	return nil
}

// startSandbox starts the demo sandbox in-process for commands run with
// --sandbox and returns it with client options pointing at it. The sandbox
// stops when ctx is done.
func startSandbox(ctx context.Context) (*authingtest.Server, authing.Options, error) {
	srv, cred, err := authingtest.StartDemo(ctx)
	if err != nil {
		return nil, authing.Options{}, fmt.Errorf("--sandbox: %w", err)
	}
	return srv, authing.Options{AccessKeyID: cred.AccessKeyID, AccessKeySecret: cred.AccessKeySecret, Host: cred.Host}, nil
}
