package policy

import (
	"errors"
	"fmt"
	"strings"
)

// Errors reported while generating the schema or loading policies and
// entities. A [LoadError] wraps one of them; compare with errors.Is.
var (
	// ErrSchema reports a catalog that cannot become a schema.
	ErrSchema = errors.New("bad schema")
	// ErrParse reports a policy file that is not valid Cedar.
	ErrParse = errors.New("parse error")
	// ErrUnknownAction reports a policy naming an action not in the schema.
	ErrUnknownAction = errors.New("unknown action")
	// ErrUnknownType reports a policy naming an entity type not in the schema.
	ErrUnknownType = errors.New("unknown entity type")
	// ErrUnknownAttribute reports a policy reading an attribute the schema
	// does not declare.
	ErrUnknownAttribute = errors.New("unknown attribute")
	// ErrUnknownEntity reports a policy naming a group, operation or caller
	// that neither the catalog nor the entities file defines.
	ErrUnknownEntity = errors.New("unknown entity")
	// ErrInvalidPolicy reports any other schema violation (type errors,
	// unsafe access to an optional attribute, duplicate @id...).
	ErrInvalidPolicy = errors.New("invalid policy")
	// ErrEntities reports a bad entities file.
	ErrEntities = errors.New("bad entities file")
	// ErrNoPolicies reports a source without any policy file.
	ErrNoPolicies = errors.New("no policies")
	// ErrBadCaller reports a caller id that maps to no principal type.
	ErrBadCaller = errors.New("bad caller id")
)

// LoadError is one problem found at load time, at a position in a file.
type LoadError struct {
	File   string
	Line   int   // 1-based; 0 when unknown
	Column int   // 1-based; 0 when unknown
	Kind   error // one of the Err* sentinels
	Msg    string
}

// Error renders "file:line:col: message" (line and column when known).
func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the error's kind, so errors.Is(err, ErrUnknownAction) works.
func (e *LoadError) Unwrap() error { return e.Kind }

// LoadErrors is every problem found in one load, in file and line order.
type LoadErrors []*LoadError

// Error renders one problem a line.
func (es LoadErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes the individual errors to errors.Is and errors.As.
func (es LoadErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
