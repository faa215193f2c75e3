package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newServeCmd) }

// serveMount is a part of the server contributed by a face: its flags and
// the handlers it mounts. Each face's file appends one in an init function.
type serveMount struct {
	name string
	// register adds the face's flags to one serve command and returns the
	// function that mounts the face with that command's flag values (each
	// command built has its own, so building several never shares them).
	register func(cmd *cobra.Command) mountFunc
}

// mountFunc adds a face's handlers to mux. ctx ends when the server starts
// shutting down; the cleanup it returns runs after the HTTP server stopped.
type mountFunc func(ctx context.Context, mux *http.ServeMux, rt *runtime) (cleanup func(), err error)

// boundMount is a face's mount bound to one serve command's flags.
type boundMount struct {
	name  string
	mount mountFunc
}

var serveMounts []serveMount

func newServeCmd() *cobra.Command {
	var (
		rf     runtimeFlags
		addr   string
		mounts []boundMount
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the HTTP server: MCP over Streamable HTTP, Slack, health checks",
		Long: `Run the long-lived authingops server. Every face it serves runs calls through the
same gate (policy, approvals, audit). It listens on 127.0.0.1 unless --addr says otherwise,
reloads policies on SIGHUP, and on SIGTERM stops accepting work, finishes in-flight calls
and their audit records, then exits.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), &rf, addr, mounts)
		},
	}
	rf.register(cmd)
	cmd.Flags().StringVar(&addr, "addr", envOr("AUTHINGOPS_ADDR", "127.0.0.1:8080"), "listen address (env AUTHINGOPS_ADDR)")
	for _, m := range serveMounts {
		mounts = append(mounts, boundMount{name: m.name, mount: m.register(cmd)})
	}
	return cmd
}

func runServe(ctx context.Context, rf *runtimeFlags, addr string, mounts []boundMount) error {
	rt, err := rf.open(ctx)
	if err != nil {
		return err
	}
	defer rt.close()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("GET /metrics", rt.metrics.Handler())
	mux.Handle("GET /readyz", readiness(rt))
	var cleanups []func()
	defer func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}()
	for _, m := range mounts {
		cleanup, err := m.mount(ctx, mux, rt)
		if err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
		if cleanup != nil {
			cleanups = append(cleanups, cleanup)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: withRequestID(rt.log, mux), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	bg, stopBG := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBG()
	go rt.policy.ReloadOnSignal(bg, syscall.SIGHUP)
	go rt.gate.RunExpiry(bg, 30*time.Second)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	rt.log.Info().Str("addr", ln.Addr().String()).Msg("authingops serving")
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	rt.log.Info().Msg("shutting down: finishing in-flight calls")
	shut, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
