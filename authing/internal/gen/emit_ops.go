package main

import (
	"fmt"
	"strings"
)

// renderOps writes one category's request types, endpoints, client methods
// and catalog entries.
func (r *resolver) renderOps(cat string, ops []*operation) (*file, error) {
	f := newFile("ops_" + cat + "_gen.go")
	f.use("context")
	f.use("encoding/json")
	for _, op := range ops {
		if op.Request != "" {
			f.p("// %s holds the parameters of %s (%s).\n", op.Request, op.Go, op.Name)
			r.renderStruct(f, op.Request, op.Fields)
			r.renderEncoders(f, op)
		}
		f.p("var ep%s = &endpoint{name: %q, method: %q, path: %q, in: %q, write: %t}\n\n",
			op.Go, op.Name, op.Method, op.Path, op.ParamsIn, op.Write)
		r.renderMethod(f, op)
	}
	f.p("var %sOperations = []*Operation{\n", lowerFirst(goName(cat)))
	for _, op := range ops {
		if err := r.renderEntry(f, op); err != nil {
			return nil, err
		}
	}
	f.p("}\n")
	return f, nil
}

// resultType returns the Go result type of an operation and how to declare
// and return it.
func (r *resolver) resultType(op *operation) (typ, decl, ret string) {
	t := op.Result
	switch {
	case t == nil:
		return "*Ack", "out := new(Ack)", "out"
	case t.kind == kModel:
		g := r.goType(t)
		return "*" + g, "out := new(" + g + ")", "out"
	case t.kind == kAny:
		return "json.RawMessage", "var out json.RawMessage", "out"
	default:
		g := r.goType(t)
		return g, "var out " + g, "out"
	}
}

func (r *resolver) renderMethod(f *file, op *operation) {
	typ, decl, ret := r.resultType(op)
	zero := "nil"
	switch typ {
	case "string":
		zero = `""`
	case "bool":
		zero = "false"
	case "float64", "int":
		zero = "0"
	}
	summary := strings.TrimSuffix(op.Summary, ".")
	f.p("// %s calls %s (%s %s): %s.\n", op.Go, op.Name, op.Method, op.Path, summary)
	if op.SummaryZH != "" {
		f.p("//\n")
		f.comment("", "Authing: "+op.SummaryZH)
	}
	if op.Deprecated {
		f.p("//\n// Deprecated: Authing marks %s as deprecated.\n", op.Name)
	}
	target := "&out"
	if strings.HasPrefix(decl, "out := new(") {
		target = "out"
	}
	if op.Request == "" {
		f.p("func (c *Client) %s(ctx context.Context) (%s, error) {\n", op.Go, typ)
		f.p("\t%s\n", decl)
		f.p("\tif err := c.call(ctx, ep%s, nil, %s); err != nil {\n\t\treturn %s, err\n\t}\n", op.Go, target, zero)
	} else {
		f.p("func (c *Client) %s(ctx context.Context, req *%s) (%s, error) {\n", op.Go, op.Request, typ)
		f.p("\tif req == nil {\n\t\treq = new(%s)\n\t}\n", op.Request)
		f.p("\t%s\n", decl)
		f.p("\tif err := c.call(ctx, ep%s, req, %s); err != nil {\n\t\treturn %s, err\n\t}\n", op.Go, target, zero)
	}
	f.p("\treturn %s, nil\n}\n\n", ret)
}

// renderEncoders writes the query and path encoders a request type needs.
func (r *resolver) renderEncoders(f *file, op *operation) {
	switch op.ParamsIn {
	case "query":
		f.use("net/url")
		f.p("func (r *%s) encodeQuery(q url.Values) {\n", op.Request)
		for _, fd := range op.Fields {
			r.renderQueryField(f, fd)
		}
		f.p("}\n\n")
	case "path":
		f.use("net/url")
		f.use("strings")
		f.p("func (r *%s) expandPath(p string) (string, error) {\n", op.Request)
		for _, fd := range op.Fields {
			v := "r." + fd.Go
			if !fd.Required {
				f.p("\tvar %s string\n\tif r.%s != nil {\n\t\t%s = *r.%s\n\t}\n", lowerFirst(fd.Go), fd.Go, lowerFirst(fd.Go), fd.Go)
				v = lowerFirst(fd.Go)
			}
			f.p("\tif %s == \"\" {\n\t\treturn \"\", missingPathParam(%q)\n\t}\n", v, fd.Wire)
			f.p("\tp = strings.ReplaceAll(p, %q, url.PathEscape(%s))\n", "{"+fd.Wire+"}", v)
		}
		f.p("\treturn p, nil\n}\n\n")
	}
}

// renderQueryField writes the statements that add one field to a query.
// Arrays repeat their key; objects travel as compact JSON.
func (r *resolver) renderQueryField(f *file, fd *field) {
	t := fd.Type
	name := "r." + fd.Go
	switch {
	case t.kind == kArray:
		f.p("\tfor _, v := range %s {\n\t\tq.Add(%q, %s)\n\t}\n", name, fd.Wire, r.formatValue(f, "v", t.elem))
	case t.kind == kAny || t.kind == kUnion:
		f.p("\tif %s != nil {\n\t\tq.Set(%q, %s)\n\t}\n", name, fd.Wire, r.formatValue(f, name, t))
	case t.kind == kNullable:
		f.p("\tif %s != nil {\n\t\tq.Set(%q, %s)\n\t}\n", name, fd.Wire, r.formatValue(f, "*"+name, t.elem))
	case fd.Required:
		f.p("\tq.Set(%q, %s)\n", fd.Wire, r.formatValue(f, name, t))
	default:
		f.p("\tif %s != nil {\n\t\tq.Set(%q, %s)\n\t}\n", name, fd.Wire, r.formatValue(f, "*"+name, t))
	}
}

// formatValue returns the expression that renders expr of type t as a
// query value.
func (r *resolver) formatValue(f *file, expr string, t *typeExpr) string {
	switch t.kind {
	case kString:
		return expr
	case kEnum:
		return "string(" + expr + ")"
	case kBoolean:
		f.use("strconv")
		return "strconv.FormatBool(" + expr + ")"
	case kInteger:
		f.use("strconv")
		return "strconv.Itoa(" + expr + ")"
	case kNumber:
		f.use("strconv")
		return "strconv.FormatFloat(" + expr + ", 'f', -1, 64)"
	default:
		return "queryJSON(" + expr + ")"
	}
}

// renderEntry writes the catalog entry of an operation.
func (r *resolver) renderEntry(f *file, op *operation) error {
	schema, err := r.inputSchema(op)
	if err != nil {
		return fmt.Errorf("schema of %s: %w", op.Name, err)
	}
	f.p("\t{\n")
	f.p("\t\tName: %q, Summary: %q, SummaryZH: %q,\n", op.Name, op.Summary, op.SummaryZH)
	f.p("\t\tCategory: %q, Method: %q, Path: %q, ParamsIn: %q,\n", op.Category, op.Method, op.Path, op.ParamsIn)
	f.p("\t\tWrite: %t, Destructive: %t, Deprecated: %t,\n", op.Write, op.Destructive, op.Deprecated)
	if len(op.Fields) > 0 {
		f.p("\t\tParams: []Param{\n")
		for _, fd := range op.Fields {
			f.p("\t\t\t{Name: %q, In: %q, Type: %q, Required: %t, Description: %q},\n",
				fd.Wire, op.ParamsIn, schemaType(fd.Type), fd.Required, cleanDesc(fd.Desc))
		}
		f.p("\t\t},\n")
	}
	f.p("\t\tInputSchema: json.RawMessage(%q),\n", schema)
	if op.Request != "" {
		f.p("\t\tnewRequest: func() any { return new(%s) },\n", op.Request)
	}
	f.p("\t\tInvoke: func(ctx context.Context, c *Client, args json.RawMessage) (any, error) {\n")
	if op.Request == "" {
		f.p("\t\t\tif err := decodeArgs(args, &struct{}{}); err != nil {\n\t\t\t\treturn nil, withOperation(err, %q)\n\t\t\t}\n", op.Name)
		f.p("\t\t\tres, err := c.%s(ctx)\n", op.Go)
	} else {
		f.p("\t\t\treq := new(%s)\n", op.Request)
		f.p("\t\t\tif err := decodeArgs(args, req); err != nil {\n\t\t\t\treturn nil, withOperation(err, %q)\n\t\t\t}\n", op.Name)
		f.p("\t\t\tres, err := c.%s(ctx, req)\n", op.Go)
	}
	f.p("\t\t\tif err != nil {\n\t\t\t\treturn nil, err\n\t\t\t}\n\t\t\treturn res, nil\n")
	f.p("\t\t},\n\t},\n")
	return nil
}

// schemaType names the JSON Schema type of a parameter for Param.Type.
func schemaType(t *typeExpr) string {
	switch t.kind {
	case kString, kEnum:
		return "string"
	case kNumber:
		return "number"
	case kInteger:
		return "integer"
	case kBoolean:
		return "boolean"
	case kArray:
		return "array"
	case kModel:
		return "object"
	case kNullable:
		return schemaType(t.elem)
	}
	return ""
}
