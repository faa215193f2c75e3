// Command gen generates the typed Authing Management API v3 client and its
// operation catalog from the API data (operations.json and models.json).
//
// Usage (run by `go generate ./...` from the authing package):
//
//	go run ./internal/gen [-data DIR] [-out DIR] [-docs FILE]
//
// -data defaults to ../shared/authing-api next to the module root; -out
// defaults to the current directory.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	data := flag.String("data", "", "folder holding operations.json and models.json (default ../shared/authing-api beside the module root)")
	out := flag.String("out", ".", "folder the generated *_gen.go files are written to")
	docs := flag.String("docs", "", "also write the Markdown table of operations to this file")
	flag.Parse()
	if err := run(*data, *out, *docs); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dataDir, outDir, docs string) error {
	if dataDir == "" {
		root, err := moduleRoot()
		if err != nil {
			return err
		}
		dataDir = filepath.Join(root, "..", "shared", "authing-api")
	}
	d, err := loadData(dataDir)
	if err != nil {
		return err
	}
	r, err := resolve(d)
	if err != nil {
		return err
	}
	if err := r.writeAll(outDir); err != nil {
		return err
	}
	if docs != "" {
		return r.writeDocs(docs)
	}
	return nil
}

// moduleRoot finds the folder holding go.mod, from the working directory up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory; pass -data")
		}
		dir = parent
	}
}
