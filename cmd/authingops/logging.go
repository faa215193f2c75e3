package main

import (
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
)

// logFlags are the root's logging flags.
type logFlags struct {
	level  string
	format string
}

func (l *logFlags) register(cmd *cobra.Command) { l.registerLevel(cmd, "info") }

// registerLevel registers the flags with a command-specific default level
// (one-shot commands default to warn so that stderr stays quiet).
func (l *logFlags) registerLevel(cmd *cobra.Command, def string) {
	cmd.PersistentFlags().StringVar(&l.level, "log-level", envOr("AUTHINGOPS_LOG_LEVEL", def), "log level: debug, info, warn, error (env AUTHINGOPS_LOG_LEVEL)")
	cmd.PersistentFlags().StringVar(&l.format, "log-format", envOr("AUTHINGOPS_LOG_FORMAT", "auto"), "log format: json, console, or auto (console on a terminal) (env AUTHINGOPS_LOG_FORMAT)")
}

// logger builds the process logger. Logs go to stderr only: stdout carries
// results (and the MCP stdio protocol).
func (l *logFlags) logger() (zerolog.Logger, error) {
	lvl, err := zerolog.ParseLevel(l.level)
	if err != nil || l.level == "" {
		return zerolog.Nop(), fmt.Errorf("--log-level: want debug, info, warn or error, got %q", l.level)
	}
	var w io.Writer = os.Stderr
	switch l.format {
	case "json":
	case "console":
		w = zerolog.ConsoleWriter{Out: os.Stderr}
	case "auto":
		if isatty.IsTerminal(os.Stderr.Fd()) {
			w = zerolog.ConsoleWriter{Out: os.Stderr}
		}
	default:
		return zerolog.Nop(), fmt.Errorf("--log-format: want json, console or auto, got %q", l.format)
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger(), nil
}

// envOr returns the environment variable's value, or def when it is unset.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}
