package authing_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedCodeIsUpToDate regenerates the client into a temporary folder,
// twice, and compares the bytes with the checked-in *_gen.go files.
func TestGeneratedCodeIsUpToDate(t *testing.T) {
	t.Parallel()
	data := filepath.Join("..", "..", "shared", "authing-api")
	if _, err := os.Stat(filepath.Join(data, "operations.json")); err != nil {
		t.Skipf("API data not found at %s (it lives in shared/ beside the repository): %v", data, err)
	}
	var outs [2]string
	for i := range outs {
		outs[i] = t.TempDir()
		cmd := exec.Command("go", "run", "./internal/gen", "-data", data, "-out", outs[i], "-docs", filepath.Join(outs[i], "operations.md"))
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("generator failed: %v\n%s", err, b)
		}
	}
	docsA, _ := os.ReadFile(filepath.Join(outs[0], "operations.md"))
	docsB, _ := os.ReadFile(filepath.Join(outs[1], "operations.md"))
	docs, err := os.ReadFile(filepath.Join("..", "docs", "operations.md"))
	if err != nil || !bytes.Equal(docsA, docsB) || !bytes.Equal(docsA, docs) {
		t.Errorf("docs/operations.md is stale or not deterministic: run go generate ./...")
	}
	fresh, _ := filepath.Glob(filepath.Join(outs[0], "*_gen.go"))
	checked, _ := filepath.Glob("*_gen.go")
	if len(fresh) != len(checked) {
		t.Fatalf("generator writes %d files, %d are checked in: run go generate ./...", len(fresh), len(checked))
	}
	for _, p := range fresh {
		name := filepath.Base(p)
		a, _ := os.ReadFile(p)
		b, _ := os.ReadFile(filepath.Join(outs[1], name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two generator runs differ (output is not deterministic)", name)
		}
		c, err := os.ReadFile(name)
		if err != nil || !bytes.Equal(a, c) {
			t.Errorf("%s is stale: run go generate ./...", name)
		}
	}
}
