package main

import (
	"fmt"
	"strings"
)

// typeKind classifies a parsed TypeScript type expression.
type typeKind int

const (
	kString typeKind = iota
	kNumber
	kInteger
	kBoolean
	kAny
	kModel
	kArray
	kEnum
	kNullable
	kUnion
)

// typeExpr is a parsed TypeScript type from the API data.
type typeExpr struct {
	kind   typeKind
	model  string      // kModel: model name
	elem   *typeExpr   // kArray, kNullable
	values []string    // kEnum
	alts   []*typeExpr // kUnion
}

// parseType parses the TypeScript spellings used by operations.json and
// models.json. enum supplies the values of an `enum<string>` type.
func parseType(s string, enum []string, models map[string]*apiModel) (*typeExpr, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "go:string":
		s = "string"
	case "go:bool":
		s = "boolean"
	case "go:[]string":
		s = "Array<string>"
	}
	for isWrapped(s) {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if parts := splitTop(s, '|'); len(parts) > 1 {
		return parseUnion(parts, models)
	}
	switch s {
	case "string":
		return &typeExpr{kind: kString}, nil
	case "number":
		return &typeExpr{kind: kNumber}, nil
	case "boolean":
		return &typeExpr{kind: kBoolean}, nil
	case "any", "object", "unknown":
		return &typeExpr{kind: kAny}, nil
	case "null":
		return nil, fmt.Errorf("bare null type")
	case "enum<string>":
		if len(enum) == 0 {
			return &typeExpr{kind: kString}, nil
		}
		return &typeExpr{kind: kEnum, values: append([]string(nil), enum...)}, nil
	}
	if strings.HasPrefix(s, "Array<") && strings.HasSuffix(s, ">") {
		el, err := parseType(s[len("Array<"):len(s)-1], nil, models)
		if err != nil {
			return nil, err
		}
		return &typeExpr{kind: kArray, elem: el}, nil
	}
	if lit, ok := literal(s); ok {
		return &typeExpr{kind: kEnum, values: []string{lit}}, nil
	}
	if _, ok := models[s]; ok {
		return &typeExpr{kind: kModel, model: s}, nil
	}
	// A name the data does not define: accept any JSON value.
	return &typeExpr{kind: kAny}, nil
}

func parseUnion(parts []string, models map[string]*apiModel) (*typeExpr, error) {
	var lits []string
	var others []*typeExpr
	nullable := false
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "null" {
			nullable = true
			continue
		}
		if lit, ok := literal(p); ok {
			lits = append(lits, lit)
			continue
		}
		t, err := parseType(p, nil, models)
		if err != nil {
			return nil, err
		}
		others = append(others, t)
	}
	var t *typeExpr
	switch {
	case len(lits) > 0 && len(others) == 0:
		t = &typeExpr{kind: kEnum, values: lits}
	case len(lits) == 0 && len(others) == 1:
		t = others[0]
	default:
		if len(lits) > 0 {
			others = append([]*typeExpr{{kind: kEnum, values: lits}}, others...)
		}
		t = &typeExpr{kind: kUnion, alts: others}
	}
	if nullable {
		return &typeExpr{kind: kNullable, elem: t}, nil
	}
	return t, nil
}

// literal reports whether s is a quoted string literal and returns its value.
func literal(s string) (string, bool) {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1], true
	}
	return "", false
}

// isWrapped reports whether s is entirely enclosed in one pair of parentheses.
func isWrapped(s string) bool {
	if len(s) < 2 || s[0] != '(' || s[len(s)-1] != ')' {
		return false
	}
	depth := 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 && i != len(s)-1 {
				return false
			}
		}
	}
	return true
}

// splitTop splits s on sep outside of <>, () and quotes.
func splitTop(s string, sep rune) []string {
	var parts []string
	depth, start := 0, 0
	var quote rune
	for i, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
		case r == '<' || r == '(':
			depth++
		case r == '>' || r == ')':
			depth--
		case r == sep && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// integerParams are numeric parameters that are whole numbers on the wire.
var integerParams = map[string]bool{"page": true, "limit": true, "pageNo": true, "pageSize": true, "size": true}

// refine turns kNumber into kInteger for parameters known to be integral.
func refine(t *typeExpr, fieldName string) *typeExpr {
	if t.kind == kNumber && integerParams[fieldName] {
		return &typeExpr{kind: kInteger}
	}
	return t
}
