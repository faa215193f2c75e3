package authing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// decodeArgs decodes a JSON object of arguments into a typed request. Member
// names match exactly (case-sensitively); an unknown member, a wrong type,
// a duplicate name or trailing data is an *ArgumentError naming the field.
// Empty input and null mean no arguments.
func decodeArgs(args json.RawMessage, req any) error {
	trimmed := bytes.TrimSpace(args)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return nil
	}
	if trimmed[0] != '{' {
		return &ArgumentError{Problem: "arguments must be a JSON object"}
	}
	if err := jsonv2.Unmarshal(trimmed, req, jsonv2.RejectUnknownMembers(true)); err != nil {
		return argError(err)
	}
	return nil
}

// argError turns a decoding error into an ArgumentError naming the field by
// its path ("options.pagination.limit").
func argError(err error) error {
	var se *jsonv2.SemanticError
	if errors.As(err, &se) {
		field := pointerPath(se.JSONPointer)
		switch {
		case errors.Is(se.Err, jsonv2.ErrUnknownName):
			return &ArgumentError{Field: field, Problem: "is not a parameter of this operation"}
		case se.GoType != nil:
			got := "a JSON " + se.JSONKind.String()
			return &ArgumentError{Field: field, Problem: fmt.Sprintf("expected %s, got %s", goKind(se.GoType), got)}
		}
		return &ArgumentError{Field: field, Problem: strings.TrimPrefix(se.Error(), "json: ")}
	}
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) {
		if strings.Contains(syn.Error(), "duplicate") {
			return &ArgumentError{Field: pointerPath(syn.JSONPointer), Problem: "appears more than once"}
		}
		if strings.Contains(syn.Error(), "after top-level value") {
			return &ArgumentError{Problem: "unexpected data after the arguments object"}
		}
		return &ArgumentError{Problem: fmt.Sprintf("malformed JSON at byte %d: %s", syn.ByteOffset, strings.TrimPrefix(syn.Error(), "jsontext: "))}
	}
	return &ArgumentError{Problem: strings.TrimPrefix(err.Error(), "json: ")}
}

// pointerPath renders a JSON Pointer as a dotted path.
func pointerPath(p jsontext.Pointer) string {
	var parts []string
	for tok := range p.Tokens() {
		parts = append(parts, tok)
	}
	return strings.Join(parts, ".")
}

// goKind describes the JSON expected for a Go type.
func goKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "an integer"
	case reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "a " + t.Kind().String()
}
