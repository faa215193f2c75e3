package authing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// decodeArgs decodes a JSON object of arguments into a typed request,
// rejecting unknown fields, wrong types and trailing data with an error that
// names the field. Empty input and null mean no arguments.
func decodeArgs(args json.RawMessage, req any) error {
	trimmed := bytes.TrimSpace(args)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return nil
	}
	if trimmed[0] != '{' {
		return &ArgumentError{Problem: "arguments must be a JSON object"}
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(req); err != nil {
		return argError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &ArgumentError{Problem: "unexpected data after the arguments object"}
	}
	return nil
}

// argError turns a json decoding error into an ArgumentError naming the field.
func argError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		f := te.Field
		if f == "" {
			f = "(arguments)"
		}
		return &ArgumentError{Field: f, Problem: fmt.Sprintf("expected %s, got a JSON %s", jsonKind(te.Type.Kind().String()), te.Value)}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &ArgumentError{Problem: fmt.Sprintf("malformed JSON at byte %d: %v", se.Offset, err)}
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return &ArgumentError{Field: strings.Trim(rest, `"`), Problem: "is not a parameter of this operation"}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &ArgumentError{Problem: "truncated JSON"}
	}
	return &ArgumentError{Problem: strings.TrimPrefix(msg, "json: ")}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "int", "int64", "float64":
		return "a number"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	case "ptr":
		return "a value"
	}
	return goKind
}
