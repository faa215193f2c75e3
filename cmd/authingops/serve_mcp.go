package main

import (
	"context"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/seed-afc46a91/authingops/tools"
)

// serveMCPFlags configure the /mcp mount of `authingops serve`.
type serveMCPFlags struct {
	exposure       exposureFlags
	keysFile       string
	allowedOrigins []string
	ratePerMinute  int
	maxBody        int64
}

func init() {
	serveMounts = append(serveMounts, serveMount{name: "mcp", register: registerMCP})
}

// registerMCP adds the /mcp flags to a serve command.
func registerMCP(cmd *cobra.Command) mountFunc {
	f := &serveMCPFlags{}
	fl := cmd.Flags()
	fl.StringVar(&f.keysFile, "mcp-keys-file", envOr("AUTHINGOPS_MCP_KEYS_FILE", ""),
		"YAML file mapping MCP callers to SHA-256 hashes of their API keys (authingops mcp hash-key) (env AUTHINGOPS_MCP_KEYS_FILE)")
	fl.StringSliceVar(&f.allowedOrigins, "mcp-allowed-origins", nil,
		"browser origins allowed to call /mcp, e.g. https://app.example.com (default: loopback origins only; requests without Origin pass)")
	fl.IntVar(&f.ratePerMinute, "mcp-rate", 600, "requests per minute per MCP caller")
	fl.Int64Var(&f.maxBody, "mcp-max-body", 1<<20, "largest MCP request body in bytes")
	f.exposure.register(cmd, "mcp-")
	return func(ctx context.Context, mux *http.ServeMux, rt *runtime) (func(), error) {
		return mountMCP(ctx, mux, rt, f)
	}
}

// mountMCP adds /mcp. Without a keys file it is served only in sandbox
// mode, where loopback requests without a key act as the starter assistant.
// ctx ends when the server starts shutting down.
func mountMCP(ctx context.Context, mux *http.ServeMux, rt *runtime, f *serveMCPFlags) (func(), error) {
	e := f.exposure.exposure()
	if err := e.Validate(); err != nil {
		return nil, err
	}
	opts := tools.HTTPOptions{Path: "/mcp", AllowedOrigins: f.allowedOrigins, RatePerMinute: f.ratePerMinute, MaxBodyBytes: f.maxBody}
	switch {
	case f.keysFile != "":
		ks, err := tools.LoadKeys(f.keysFile)
		if err != nil {
			return nil, err
		}
		opts.Keys = ks
	case rt.sandbox != nil:
		opts.LoopbackCaller = &tools.Caller{ID: sandboxMCPCaller, Name: "sandbox loopback client"}
		rt.log.Warn().Str("caller", sandboxMCPCaller).
			Msg("mcp: sandbox without --mcp-keys-file: loopback requests without a key act as " + sandboxMCPCaller + "; other requests need a key")
	default:
		rt.log.Warn().Msg("mcp: /mcp is not served: give --mcp-keys-file (authingops mcp hash-key --generate makes a key)")
		return nil, nil
	}
	srv, err := mcpServer(rt, e, tools.Caller{})
	if err != nil {
		return nil, err
	}
	h, err := srv.HTTPHandler(opts)
	if err != nil {
		return nil, err
	}
	mux.Handle("/mcp", endStreamsOnShutdown(ctx, h))
	origins := "loopback"
	if len(f.allowedOrigins) > 0 {
		origins = strings.Join(f.allowedOrigins, ",")
	}
	rt.log.Info().Str("path", "/mcp").Str("exposure", e.Describe()).Int("tools", srv.ToolCount()).Str("origins", origins).Msg("mcp: serving Streamable HTTP")
	return nil, nil
}

// endStreamsOnShutdown ends the standing GET streams of MCP sessions (the
// server-to-client channel clients keep open for as long as they run) once
// ctx ends, so that a graceful shutdown does not wait for clients that never
// hang up. Other requests, calls in flight among them, run to completion.
func endStreamsOnShutdown(ctx context.Context, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			next.ServeHTTP(w, r)
			return
		}
		rctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		stop := context.AfterFunc(ctx, cancel)
		defer stop()
		next.ServeHTTP(w, r.WithContext(rctx))
	})
}
