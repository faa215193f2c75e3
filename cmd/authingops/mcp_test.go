package main

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/seed-afc46a91/authingops/tools"
)

func TestMCPHashKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		stdin string
		check func(t *testing.T, out string)
	}{
		{"from stdin", []string{"mcp", "hash-key"}, "ao_secret\n", func(t *testing.T, out string) {
			if strings.TrimSpace(out) != tools.HashKey("ao_secret") {
				t.Fatalf("got %q", out)
			}
		}},
		{"generate", []string{"mcp", "hash-key", "--generate"}, "", func(t *testing.T, out string) {
			var key, sum string
			for _, l := range strings.Split(out, "\n") {
				if v, ok := strings.CutPrefix(l, "key:"); ok {
					key = strings.TrimSpace(v)
				}
				if v, ok := strings.CutPrefix(l, "sha256:"); ok {
					sum = strings.TrimSpace(v)
				}
			}
			if key == "" || tools.HashKey(key) != sum {
				t.Fatalf("got %q", out)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cmd := newRootCmd()
			var out bytes.Buffer
			cmd.SetOut(&out)
			cmd.SetIn(strings.NewReader(tt.stdin))
			cmd.SetArgs(tt.args)
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			tt.check(t, out.String())
		})
	}
	cmd := newRootCmd()
	cmd.SetIn(strings.NewReader(""))
	cmd.SetArgs([]string{"mcp", "hash-key"})
	if err := cmd.Execute(); err == nil {
		t.Fatal("an empty key was hashed")
	}
}

// TestMCPStdioSandbox runs `authingops mcp --sandbox` in process:
// initialize, then tools/list, which waits for the runtime.
func TestMCPStdioSandbox(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	cmd := newRootCmd()
	cmd.SetIn(inR)
	cmd.SetOut(outW)
	cmd.SetErr(io.Discard)
	cmd.SetArgs([]string{"mcp", "--sandbox", "--audit-dsn", t.TempDir() + "/audit.db", "--log-level", "error"})
	done := make(chan error, 1)
	go func() { done <- cmd.Execute(); _ = outW.Close() }()
	r := bufio.NewReaderSize(outR, 1<<20)
	send := func(line string) {
		if _, err := io.WriteString(inW, line+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`)
	initLine, err := r.ReadString('\n')
	if err != nil || !strings.Contains(initLine, `"serverInfo":{"name":"authingops"`) {
		t.Fatalf("initialize: %v %s", err, initLine)
	}
	send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	send(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	list, err := r.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(list, `"name":"list_users"`) || strings.Contains(list, `"name":"delete_users_batch"`) {
		t.Fatalf("tools/list does not follow the starter policy for mcp:claude-desktop: %.300s", list)
	}
	_ = inW.Close()
	go func() { _, _ = io.Copy(io.Discard, r) }()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
