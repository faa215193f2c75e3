package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/authing/authingtest"
	"github.com/seed-afc46a91/authingops/gate"
	"github.com/seed-afc46a91/authingops/internal/metrics"
	"github.com/seed-afc46a91/authingops/policy"
)

// secretKeyEnv names the variable holding the deployment's secret key: it
// seals pending approvals and keys the redaction HMAC, so every replica
// needs the same one.
const secretKeyEnv = "AUTHINGOPS_SECRET_KEY"

// runtimeFlags are the flags of every command that runs operations through
// the gate: where Authing is (or --sandbox), the policies, the audit store.
type runtimeFlags struct {
	authing     authingFlags
	policy      policyFlags
	logs        logFlags
	auditDSN    string
	sandbox     bool
	approvalTTL time.Duration
	config      string
	auditReads  bool
	cmd         *cobra.Command
	// onPolicy, when set, receives the policy engine as soon as it is
	// loaded, before the audit store and the Authing client (or sandbox)
	// are ready: the MCP stdio server lists tools with it meanwhile.
	onPolicy func(*policy.Engine)
}

func (f *runtimeFlags) register(cmd *cobra.Command) { f.registerLevel(cmd, "info") }

// registerLevel registers the flags with a default log level.
func (f *runtimeFlags) registerLevel(cmd *cobra.Command, logLevel string) {
	f.cmd = cmd
	f.authing.register(cmd)
	addPolicyFlags(cmd, &f.policy)
	f.logs.registerLevel(cmd, logLevel)
	def := os.Getenv(auditDSNEnv)
	if def == "" {
		def = audit.DefaultDSN
	}
	fl := cmd.Flags()
	fl.StringVar(&f.auditDSN, "audit-dsn", def, "audit store: a SQLite file path, sqlite:PATH, or postgres://... (env "+auditDSNEnv+")")
	fl.BoolVar(&f.sandbox, "sandbox", false, "run against an in-process Authing sandbox with demo data and, unless --policies is given, the starter policies")
	fl.DurationVar(&f.approvalTTL, "approval-ttl", 30*time.Minute, "how long a pending approval stays open (env AUTHINGOPS_APPROVAL_TTL)")
	fl.BoolVar(&f.auditReads, "audit-reads", os.Getenv("AUTHINGOPS_AUDIT_READS") == "1", "also record allowed reads in the audit log (denials and every write are always recorded) (env AUTHINGOPS_AUDIT_READS=1)")
	fl.StringVar(&f.config, "config", os.Getenv(configEnv), "YAML file of settings named like these flags; flags and environment variables win (env "+configEnv+")")
}

// runtime is everything a face needs to run calls through the gate.
type runtime struct {
	log     zerolog.Logger
	client  *authing.Client
	sandbox *authingtest.Server
	store   audit.Store
	policy  *policy.Engine
	gate    *gate.Gate
	metrics *metrics.Metrics
	// secret is the deployment's secret key (nil without one); faces derive
	// their own keys from it with derive.
	secret []byte
}

// open builds the runtime. On error everything opened so far is closed.
func (f *runtimeFlags) open(ctx context.Context) (rt *runtime, err error) {
	if f.cmd != nil { // nil when built by a test without flags
		if err := applyConfig(f.cmd, f.config); err != nil {
			return nil, err
		}
		if err := f.checkCallerOverride(); err != nil {
			return nil, err
		}
	}
	if v := os.Getenv("AUTHINGOPS_APPROVAL_TTL"); v != "" && (f.cmd == nil || !f.cmd.Flags().Changed("approval-ttl")) {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("AUTHINGOPS_APPROVAL_TTL: want a duration such as 30m, got %q", v)
		}
		f.approvalTTL = d
	}
	rt = &runtime{}
	defer func() {
		if err != nil {
			rt.close()
			rt = nil
		}
	}()
	if rt.log, err = f.logs.logger(); err != nil {
		return nil, err
	}
	key, err := secretKey()
	if err != nil {
		return nil, err
	}
	// The policies first: they take longest, and nothing else needs to be
	// open to load them (--sandbox means the starter policies unless
	// --policies is given).
	if f.sandbox && f.policy.policies == "" && !f.policy.starter {
		f.policy.starter = true
	}
	if rt.policy, _, err = f.policy.loadPolicies(nil); err != nil {
		return nil, err
	}
	if f.onPolicy != nil {
		f.onPolicy(rt.policy)
	}
	if f.sandbox {
		if key == nil {
			// The sandbox lives as long as this process: a random key loses
			// nothing that outlives it.
			key = derive([]byte(time.Now().String()+os.Getenv("HOME")), "sandbox")
		}
		// The sandbox lives until rt.close, not until ctx ends: serve's ctx
		// ends on SIGTERM, when calls in flight still need their Authing.
		srv, opts, err := startSandbox(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		rt.sandbox = srv
		opts.Logger = &rt.log
		if rt.client, err = authing.NewClient(opts); err != nil {
			return nil, err
		}
		rt.log.Info().Str("host", srv.URL()).Msg("sandbox started with demo data")
	} else if rt.client, err = f.authing.client(ctx, rt.log); err != nil {
		return nil, err
	}
	var redactor *audit.Redactor
	if key != nil {
		redactor = audit.NewRedactor(derive(key, "redaction"))
	} else {
		redactor = audit.NewRedactor(nil)
	}
	rt.store, err = audit.Open(ctx, f.auditDSN, audit.WithRedactor(redactor), audit.WithLogger(rt.log))
	if err != nil {
		return nil, fmt.Errorf("open audit store %s: %w", audit.DescribeDSN(f.auditDSN), err)
	}
	rt.secret = key
	rt.metrics = metrics.New()
	rt.metrics.TokenRequests(rt.client.TokenRequests)
	client := rt.client
	rt.gate, err = gate.New(gate.Options{
		Invoke: rt.metrics.Invoker(func(ctx context.Context, op *authing.Operation, args json.RawMessage) (any, error) {
			return op.Invoke(ctx, client, args)
		}),
		Policy: rt.metrics.Decider(rt.policy), Store: rt.metrics.Store(rt.store), Redactor: redactor,
		SecretKey: key, ApprovalTTL: f.approvalTTL, Logger: rt.log, AuditReads: f.auditReads,
		Observe: rt.metrics.Call,
	})
	if err != nil {
		return nil, err
	}
	return rt, nil
}

// close releases what open made.
func (rt *runtime) close() {
	if rt == nil {
		return
	}
	if rt.store != nil {
		if err := rt.store.Close(); err != nil {
			rt.log.Error().Err(err).Msg("closing the audit store")
		}
	}
	if rt.sandbox != nil {
		_ = rt.sandbox.Close()
	}
}

// secretKey reads AUTHINGOPS_SECRET_KEY; nil when unset.
func secretKey() ([]byte, error) {
	v := os.Getenv(secretKeyEnv)
	if v == "" {
		return nil, nil
	}
	if len(v) < 32 {
		return nil, errors.New(secretKeyEnv + " must be at least 32 characters (for example: openssl rand -hex 32)")
	}
	return derive([]byte(v), "root"), nil
}

// derive returns a 32-byte key for one purpose from the secret key.
func derive(key []byte, purpose string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("authingops " + purpose))
	return m.Sum(nil)
}

// sandboxCaller is the CLI caller used with --sandbox when none is given: an
// admin of the starter entities.
const sandboxCaller = "cli:alice"

// callerFor returns the caller a command acts as: the --caller flag when set,
// else the starter admin with --sandbox, else cli:<OS user>.
func (f *runtimeFlags) callerFor(cmd *cobra.Command, flagValue string) string {
	if cmd.Flags().Changed("caller") {
		return flagValue
	}
	if f.sandbox && f.policy.policies == "" {
		return sandboxCaller
	}
	return defaultCaller()
}

// callerOverrideEnv lets an operator act as another principal from the CLI
// (to try policies, or to request as a Slack user in tests).
const callerOverrideEnv = "AUTHINGOPS_ALLOW_CALLER_OVERRIDE"

// checkCallerOverride refuses a --caller other than the OS user's own CLI
// principal, unless the command runs on the sandbox or the operator set
// AUTHINGOPS_ALLOW_CALLER_OVERRIDE=1: the CLI must not let one person act
// in the audit log as another.
func (f *runtimeFlags) checkCallerOverride() error {
	fl := f.cmd.Flags().Lookup("caller")
	if fl == nil || !fl.Changed || fl.Value.String() == defaultCaller() || f.sandbox || os.Getenv(callerOverrideEnv) == "1" {
		return nil
	}
	return fmt.Errorf("--caller %s: the CLI acts as %s (your OS user); set %s=1 to act as another principal (recorded as such in the audit log)",
		fl.Value.String(), defaultCaller(), callerOverrideEnv)
}

// defaultCaller is the CLI principal of the user running the command.
func defaultCaller() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "cli:" + u.Username
	}
	if v := os.Getenv("USER"); v != "" {
		return "cli:" + v
	}
	return "cli:unknown"
}
