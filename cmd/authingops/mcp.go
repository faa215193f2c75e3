package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/seed-afc46a91/authingops/policy"
	"github.com/seed-afc46a91/authingops/tools"
)

func init() { subcommands = append(subcommands, newMCPCmd) }

// sandboxMCPCaller is the stdio caller with --sandbox and the starter
// policies when --caller is not given: the starter AI assistant, read-only
// plus create_user and assign_role.
const sandboxMCPCaller = "mcp:claude-desktop"

func newMCPCmd() *cobra.Command {
	var (
		rf     runtimeFlags
		ef     exposureFlags
		caller string
	)
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve MCP over stdio: every Authing operation as a tool, behind policy, approval and audit",
		Long: `Serve the Model Context Protocol over stdin/stdout for an AI assistant (Claude Desktop,
VS Code, Cursor...). Every tool call passes the gate: schema validation, the Cedar policy
for --caller, a second admin's approval where the policy asks for one, and the audit log.
The tool list shows only the operations the caller may run or request approval for.

Logs go to stderr; stdout carries the protocol only.

  authingops mcp --sandbox                    a working server on the demo sandbox
  authingops mcp --caller mcp:claude-desktop  against Authing (AUTHING_ACCESS_KEY_ID/SECRET)
  authingops mcp --discovery                  3 tools reach all 502 operations
  authingops mcp --toolsets users,roles --read-only

The caller is --caller, else ` + sandboxMCPCaller + ` with --sandbox and the starter policies,
else cli:<your OS user>.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id := caller
			if !cmd.Flags().Changed("caller") {
				id = defaultCaller()
				if rf.sandbox && rf.policy.policies == "" {
					id = sandboxMCPCaller
				}
			}
			return runMCPStdio(cmd, &rf, ef.exposure(), tools.Caller{ID: id, Transport: "stdio"})
		},
	}
	rf.register(cmd)
	ef.register(cmd, "")
	cmd.Flags().StringVar(&caller, "caller", "", "the principal the policy decides for, e.g. mcp:claude-desktop (default: see above)")
	cmd.AddCommand(newMCPHashKeyCmd())
	return cmd
}

// runMCPStdio serves MCP on stdin/stdout. The server answers initialize at
// once while the runtime (policies, audit store, sandbox) opens in the
// background; tool requests wait for it. If it cannot open, the command
// fails with its error.
func runMCPStdio(cmd *cobra.Command, rf *runtimeFlags, e tools.Exposure, caller tools.Caller) error {
	if err := e.Validate(); err != nil {
		return err
	}
	log, err := rf.logs.logger()
	if err != nil {
		return err
	}
	key, err := secretKey()
	if err != nil {
		return err
	}
	if key != nil {
		key = derive(key, "mcp confirmation")
	}
	version, _ := buildVersion()
	srv, err := tools.New(tools.Options{Deferred: true, Exposure: e, Caller: caller, SecretKey: key, Version: version, Logger: log})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(cmd.Context())
	defer cancel(nil)
	type result struct {
		rt  *runtime
		err error
	}
	opened := make(chan result, 1)
	// Loading the policies makes much short-lived garbage; collecting it
	// sooner keeps the peak RSS of a desktop-spawned server lower.
	gcPercent := debug.SetGCPercent(50)
	// tools/list needs only the policies: list with them while the audit
	// store and the sandbox or Authing client open.
	rf.onPolicy = func(p *policy.Engine) { srv.ProvidePolicy(p) }
	go func() {
		rt, err := rf.open(ctx)
		debug.SetGCPercent(gcPercent)
		if err != nil {
			srv.Abort(err)
			cancel(err)
			opened <- result{err: err}
			return
		}
		srv.Provide(rt.gate, rt.policy)
		rt.log.Info().Str("caller", caller.ID).Str("exposure", e.Describe()).Int("tools", srv.ToolCount()).Msg("mcp: serving on stdio")
		opened <- result{rt: rt}
	}()
	serveErr := srv.ServeStdio(ctx, cmd.InOrStdin(), cmd.OutOrStdout())
	res := <-opened
	cancel(nil)
	if res.rt != nil {
		res.rt.close()
	}
	if res.err != nil && !errors.Is(res.err, context.Canceled) {
		return res.err
	}
	return serveErr
}

func newMCPHashKeyCmd() *cobra.Command {
	var generate bool
	cmd := &cobra.Command{
		Use:   "hash-key [--generate]",
		Short: "Print the SHA-256 of an API key (read from stdin) for the MCP keys file",
		Long: `Print the hash the --mcp-keys-file of "authingops serve" stores for an API key. The key is
read from stdin (never from the command line, where it would stay in the shell history).
--generate makes a new random key and prints it once with its hash.

  authingops mcp hash-key --generate
  printf %s "$KEY" | authingops mcp hash-key`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			if generate {
				key, err := tools.NewKey()
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(out, "key:    %s\nsha256: %s\n", key, tools.HashKey(key))
				return err
			}
			line, err := bufio.NewReader(io.LimitReader(cmd.InOrStdin(), 4096)).ReadString('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return fmt.Errorf("read the key from stdin: %w", err)
			}
			key := strings.TrimSpace(line)
			if key == "" {
				return errors.New("no key on stdin (or use --generate)")
			}
			_, err = fmt.Fprintln(out, tools.HashKey(key))
			return err
		},
	}
	cmd.Flags().BoolVar(&generate, "generate", false, "generate a new key and print it with its hash")
	return cmd
}
