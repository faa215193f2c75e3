package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// apiOperation is one entry of operations.json.
type apiOperation struct {
	Name         string     `json:"name"`
	Summary      string     `json:"summary"`
	SummaryZH    string     `json:"summary_zh"`
	DescriptionZ string     `json:"description_zh"`
	Category     string     `json:"category"`
	Method       string     `json:"method"`
	Path         string     `json:"path"`
	Write        bool       `json:"write"`
	Destructive  bool       `json:"destructive"`
	Deprecated   bool       `json:"deprecated"`
	ParamsIn     string     `json:"params_in"`
	Params       []apiField `json:"params"`
	RequestType  *string    `json:"request_type"`
	ResponseType string     `json:"response_type"`
}

// apiField is a parameter of an operation or a field of a model.
type apiField struct {
	Name        string   `json:"name"`
	Type        string   `json:"type"`
	Required    bool     `json:"required"`
	Description string   `json:"description"`
	In          string   `json:"in"`
	Default     any      `json:"default"`
	Enum        []string `json:"enum"`
}

// apiModel is one entry of models.json.
type apiModel struct {
	Name        string     `json:"name"`
	Kind        string     `json:"kind"`
	Description string     `json:"description"`
	Fields      []apiField `json:"fields"`
}

// apiData is the whole input of the generator.
type apiData struct {
	Operations []apiOperation
	Models     map[string]*apiModel
}

func loadData(dir string) (*apiData, error) {
	var d apiData
	if err := readJSON(filepath.Join(dir, "operations.json"), &d.Operations); err != nil {
		return nil, err
	}
	if err := readJSON(filepath.Join(dir, "models.json"), &d.Models); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i, op := range d.Operations {
		if op.Name == "" || op.Method == "" || op.Path == "" || op.Category == "" {
			return nil, fmt.Errorf("operations.json entry %d: name, method, path and category are required", i)
		}
		if seen[op.Name] {
			return nil, fmt.Errorf("operations.json: duplicate operation name %q", op.Name)
		}
		seen[op.Name] = true
		for _, p := range op.Params {
			if p.In != op.ParamsIn {
				return nil, fmt.Errorf("operation %s: parameter %s is in %q but the operation's parameters are in %q", op.Name, p.Name, p.In, op.ParamsIn)
			}
		}
	}
	sort.Slice(d.Operations, func(i, j int) bool { return d.Operations[i].Name < d.Operations[j].Name })
	return &d, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read API data: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %s: %w", path, err)
	}
	return nil
}
