package tools

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadKeys(t *testing.T) {
	t.Parallel()
	good := HashKey("k1")
	tests := []struct {
		name, yaml, wantErr string
	}{
		{"ok", "keys:\n  - caller: mcp:claude-desktop\n    name: Claude\n    sha256: " + good + "\n", ""},
		{"bad caller", "keys:\n  - caller: claude\n    sha256: " + good + "\n", "caller"},
		{"bad hash", "keys:\n  - caller: mcp:a\n    sha256: abc\n", "64 hex digits"},
		{"duplicate key", "keys:\n  - caller: mcp:a\n    sha256: " + good + "\n  - caller: mcp:b\n    sha256: " + good + "\n", "twice"},
		{"unknown field", "keys:\n  - caller: mcp:a\n    key: plaintext\n    sha256: " + good + "\n", "key"},
		{"empty", "keys: []\n", "no keys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "keys.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			ks, err := LoadKeys(path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				if err != nil && strings.Contains(err.Error(), "plaintext") {
					t.Fatal("the error echoes the file's content")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c, ok := ks.Lookup("k1"); !ok || c.ID != "mcp:claude-desktop" || c.Transport != "http" {
				t.Fatalf("lookup: %+v %v", c, ok)
			}
			if _, ok := ks.Lookup("k2"); ok {
				t.Fatal("a wrong key matched")
			}
		})
	}
}

func TestNewKeyIsRandom(t *testing.T) {
	t.Parallel()
	a, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewKey()
	if a == b || !strings.HasPrefix(a, "ao_") || len(a) < 40 {
		t.Fatalf("keys %q %q", a, b)
	}
}
