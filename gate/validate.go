package gate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/internal/kvargs"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// ValidationError is a call the gate rejects before deciding anything.
type ValidationError struct {
	Operation string
	// Field is the dotted path of the offending argument ("" for the whole call).
	Field   string
	Problem string
}

func (e *ValidationError) Error() string {
	switch {
	case e.Operation == "":
		return e.Problem
	case e.Field == "":
		return fmt.Sprintf("%s: %s", e.Operation, e.Problem)
	}
	return fmt.Sprintf("%s: argument %q: %s", e.Operation, e.Field, e.Problem)
}

// ErrInvalid matches every *ValidationError with errors.Is.
var ErrInvalid = errors.New("gate: invalid call")

// Is reports the error as ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

var printer = message.NewPrinter(language.English)

// lookup resolves the operation of a call.
func lookup(name string) (*authing.Operation, error) {
	if op, ok := authing.LookupOperation(name); ok {
		return op, nil
	}
	return nil, &ValidationError{Problem: kvargs.UnknownOperation(name)}
}

// validate checks args against the operation's input schema.
func (g *Gate) validate(op *authing.Operation, args json.RawMessage) error {
	trimmed := bytes.TrimSpace(args)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		trimmed = []byte("{}")
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(trimmed))
	if err != nil {
		return &ValidationError{Operation: op.Name, Problem: "arguments are not valid JSON: " + err.Error()}
	}
	if _, ok := inst.(map[string]any); !ok {
		return &ValidationError{Operation: op.Name, Problem: "arguments must be a JSON object"}
	}
	sch, err := g.schema(op)
	if err != nil {
		return err
	}
	if err := sch.Validate(inst); err != nil {
		var out *ValidationError
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			out = describe(op.Name, ve)
		} else {
			out = &ValidationError{Operation: op.Name, Problem: err.Error()}
		}
		// Pattern and format errors quote the value given: scrub secrets.
		secrets := secretValues(trimmed, g.redactor.RedactArgs(trimmed))
		out.Problem = g.scrub(out.Problem, secrets)
		out.Field = g.scrub(out.Field, secrets)
		return out
	}
	return nil
}

// schema returns the compiled input schema of op, compiling it once.
func (g *Gate) schema(op *authing.Operation) (*jsonschema.Schema, error) {
	if s, ok := g.schemas.Load(op.Name); ok {
		return s.(*jsonschema.Schema), nil
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(op.InputSchema))
	if err != nil {
		return nil, fmt.Errorf("schema of %s: %w", op.Name, err)
	}
	c := jsonschema.NewCompiler()
	url := "mem:///" + op.Name + ".json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("schema of %s: %w", op.Name, err)
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("schema of %s: %w", op.Name, err)
	}
	g.schemas.Store(op.Name, s)
	return s, nil
}

// describe turns the deepest cause of a schema failure into one sentence
// naming the field.
func describe(op string, ve *jsonschema.ValidationError) *ValidationError {
	leaf := ve
	for len(leaf.Causes) > 0 {
		leaf = leaf.Causes[0]
	}
	loc := slices.Clone(leaf.InstanceLocation)
	problem := leaf.ErrorKind.LocalizedString(printer)
	// Name the field itself for a missing or an unknown argument, not
	// the object holding it.
	switch k := leaf.ErrorKind.(type) {
	case *kind.Required:
		if len(k.Missing) == 1 {
			loc, problem = append(loc, k.Missing[0]), "is required but missing"
		}
	case *kind.AdditionalProperties:
		if len(k.Properties) == 1 {
			loc, problem = append(loc, k.Properties[0]), "is not an argument of this operation"
		}
	}
	return &ValidationError{Operation: op, Field: strings.Join(loc, "."), Problem: problem}
}
