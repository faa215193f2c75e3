package main

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"
)

// configEnv names the variable holding the configuration file's path.
const configEnv = "AUTHINGOPS_CONFIG"

// envInUsage finds the environment variable a flag's usage names.
var envInUsage = regexp.MustCompile(`\(env ([A-Z][A-Z0-9_]*)`)

// applyConfig reads the YAML configuration file at path and sets every flag
// of cmd it names that was given neither on the command line nor through its
// environment variable. Keys are flag names (`addr: 0.0.0.0:8080`,
// `audit-dsn: postgres://…`); lists become comma-separated values. An
// unknown key, a value a flag refuses or a malformed file is an error naming
// the file and line.
func applyConfig(cmd *cobra.Command, path string) error {
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	if len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("config %s:%d: want a mapping of setting: value", path, root.Line)
	}
	flags := cmd.Flags()
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		f := flags.Lookup(k.Value)
		if f == nil || f.Name == "help" || f.Name == "config" {
			return fmt.Errorf("config %s:%d: unknown setting %q for %s (valid: %s)", path, k.Line, k.Value, cmd.Name(), settingNames(flags))
		}
		if f.Changed || envSet(f) {
			continue
		}
		val, err := scalarValue(v)
		if err != nil {
			return fmt.Errorf("config %s:%d: %s: %w", path, v.Line, k.Value, err)
		}
		if err := flags.Set(f.Name, val); err != nil {
			return fmt.Errorf("config %s:%d: %s: %w", path, v.Line, k.Value, err)
		}
	}
	return nil
}

// envSet reports whether the environment variable named in f's usage is set.
func envSet(f *pflag.Flag) bool {
	m := envInUsage.FindStringSubmatch(f.Usage)
	if m == nil {
		return false
	}
	_, ok := os.LookupEnv(m[1])
	return ok
}

// scalarValue renders a YAML scalar or a list of scalars as a flag value.
func scalarValue(n *yaml.Node) (string, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value, nil
	case yaml.SequenceNode:
		parts := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return "", errors.New("a list may hold only plain values")
			}
			parts = append(parts, c.Value)
		}
		return strings.Join(parts, ","), nil
	}
	return "", fmt.Errorf("want a value or a list of values, got a %s", kindName(n.Kind))
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.AliasNode:
		return "alias"
	}
	return "node of kind " + strconv.Itoa(int(k))
}

func settingNames(fs *pflag.FlagSet) string {
	var names []string
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Name != "help" && f.Name != "config" {
			names = append(names, f.Name)
		}
	})
	sort.Strings(names)
	return strings.Join(names, ", ")
}
