package main

// goType renders the Go type of t used as a value (array element, result).
func (r *resolver) goType(t *typeExpr) string {
	switch t.kind {
	case kString:
		return "string"
	case kNumber:
		return "float64"
	case kInteger:
		return "int"
	case kBoolean:
		return "bool"
	case kModel:
		return r.models[t.model].Go
	case kArray:
		return "[]" + r.goType(t.elem)
	case kEnum:
		return r.enums[t].Go
	case kNullable:
		inner := r.goType(t.elem)
		if isRefType(t.elem) {
			return inner
		}
		return "*" + inner
	default:
		return "any"
	}
}

// fieldType renders the Go type of a struct field: optional scalars and
// models become pointers so that an explicit zero value survives a
// decode/encode round trip.
func (r *resolver) fieldType(f *field) string {
	t := r.goType(f.Type)
	if f.Required || isRefType(f.Type) || f.Type.kind == kNullable {
		return t
	}
	return "*" + t
}

// isRefType reports whether the Go type of t already has a nil value.
func isRefType(t *typeExpr) bool {
	switch t.kind {
	case kArray, kAny, kUnion:
		return true
	}
	return false
}

// jsonTag renders the struct tag of a field.
func jsonTag(f *field) string {
	if f.Required {
		return "`json:\"" + f.Wire + "\"`"
	}
	return "`json:\"" + f.Wire + ",omitempty\"`"
}
