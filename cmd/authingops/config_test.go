package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

func configCmd(t *testing.T) (*cobra.Command, *runtimeFlags, *string) {
	t.Helper()
	var rf runtimeFlags
	var addr string
	cmd := &cobra.Command{Use: "serve", RunE: func(*cobra.Command, []string) error { return nil }}
	rf.register(cmd)
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "listen address (env AUTHINGOPS_ADDR)")
	return cmd, &rf, &addr
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "authingops.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConfigFileSetsUnsetFlags(t *testing.T) {
	cmd, rf, addr := configCmd(t)
	t.Setenv("AUTHINGOPS_AUDIT_DSN", "")
	os.Unsetenv("AUTHINGOPS_AUDIT_DSN")
	t.Setenv("AUTHINGOPS_ADDR", "0.0.0.0:9999") // the environment beats the file
	p := writeConfig(t, "addr: 0.0.0.0:1\naudit-dsn: sqlite:/tmp/x.db\napproval-ttl: 5m\nlang: en-US\n")
	cmd.SetArgs([]string{"--lang", "zh-CN"}) // the command line beats the file
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if err := applyConfig(cmd, p); err != nil {
		t.Fatal(err)
	}
	if rf.auditDSN != "sqlite:/tmp/x.db" || rf.approvalTTL != 5*time.Minute {
		t.Fatalf("file not applied: dsn %q ttl %v", rf.auditDSN, rf.approvalTTL)
	}
	if rf.authing.lang != "zh-CN" {
		t.Fatalf("the command line lost to the file: lang %q", rf.authing.lang)
	}
	if *addr != "127.0.0.1:8080" {
		t.Fatalf("the environment lost to the file: addr %q", *addr)
	}
}

func TestConfigFileErrorsNameFileAndLine(t *testing.T) {
	tests := []struct{ text, want string }{
		{"addr: x\nbogus: 1\n", `:2: unknown setting "bogus"`},
		{"approval-ttl: soon\n", `:1: approval-ttl: invalid argument "soon"`},
		{"- a\n- b\n", `:1: want a mapping`},
		{"audit-dsn: {a: 1}\n", `:1: audit-dsn: want a value or a list`},
		{"addr: [\n", "yaml"},
	}
	for _, tt := range tests {
		cmd, _, _ := configCmd(t)
		err := applyConfig(cmd, writeConfig(t, tt.text))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("config %q: err = %v, want %q", tt.text, err, tt.want)
		}
	}
	cmd, _, _ := configCmd(t)
	if err := applyConfig(cmd, filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("a missing file must be an error")
	}
}
