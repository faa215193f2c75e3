package main

import (
	"fmt"
	"sort"
	"strings"
)

// field is a resolved struct field: a parameter or a model field.
type field struct {
	Wire     string
	Go       string
	Type     *typeExpr
	Required bool
	Desc     string
	Default  any
}

// model is a resolved model that the generated code declares.
type model struct {
	Name     string // data name
	Go       string
	Desc     string
	Fields   []*field
	Category string // category of the first operation that reaches it
}

// enumType is a named string type with constants.
type enumType struct {
	Go     string
	Field  string // wire field name it was first seen on
	Values []string
}

// operation is a resolved operation.
type operation struct {
	apiOperation
	Go      string // method name
	Request string // request type name, "" when there are no parameters
	Fields  []*field
	Result  *typeExpr // nil when the envelope has no data
}

// resolver turns the API data into the declarations the emitters write.
type resolver struct {
	data    *apiData
	ops     []*operation
	models  map[string]*model // by data name, reachable ones only
	enumOcc []enumOcc
	enums   map[*typeExpr]*enumType
	// enumList holds the named enums in the order they were named.
	enumList []*enumType
	// taken holds every Go type name already declared.
	taken map[string]bool
}

type enumOcc struct {
	owner, field string
	t            *typeExpr
}

func resolve(d *apiData) (*resolver, error) {
	r := &resolver{data: d, models: map[string]*model{}, enums: map[*typeExpr]*enumType{}}
	ops := append([]apiOperation(nil), d.Operations...)
	sort.SliceStable(ops, func(i, j int) bool {
		if ops[i].Category != ops[j].Category {
			return ops[i].Category < ops[j].Category
		}
		return ops[i].Name < ops[j].Name
	})
	for _, ao := range ops {
		op := &operation{apiOperation: ao, Go: goName(ao.Name)}
		if len(ao.Params) > 0 {
			op.Request = op.Go + "Request"
		}
		fields, err := r.fields(op.Request, ao.Params, ao.Category)
		if err != nil {
			return nil, fmt.Errorf("operation %s: %w", ao.Name, err)
		}
		op.Fields = fields
		res, err := r.result(ao)
		if err != nil {
			return nil, fmt.Errorf("operation %s: %w", ao.Name, err)
		}
		op.Result = res
		if res != nil {
			r.reach(res, ao.Category)
		}
		r.ops = append(r.ops, op)
	}
	if err := r.closeModels(); err != nil {
		return nil, err
	}
	r.nameModels()
	r.nameEnums()
	return r, nil
}

// typeOverrides corrects fields whose type in the API data contradicts
// their description and the service's answers (the SDK models were written
// by hand). Keyed by "Model.field".
var typeOverrides = map[string]string{
	// "总数" (total count) typed boolean and string.
	"DepartmentPagingDto.totalCount": "number",
	"GetOrdersRes.totalCount":        "number",
	// "校验失败提示信息" (the message explaining a failed check) typed boolean.
	"CheckRoleParamsRespDto.message": "string",
}

// fields resolves parameters or model fields and records enums and models.
func (r *resolver) fields(owner string, in []apiField, category string) ([]*field, error) {
	var out []*field
	used := map[string]bool{}
	for _, f := range in {
		if o, ok := typeOverrides[owner+"."+f.Name]; ok {
			f.Type = o
		}
		t, err := parseType(f.Type, f.Enum, r.data.Models)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		t = refine(t, f.Name)
		g := goName(f.Name)
		for n := 2; used[g]; n++ {
			g = fmt.Sprintf("%s%d", goName(f.Name), n)
		}
		used[g] = true
		out = append(out, &field{Wire: f.Name, Go: g, Type: t, Required: f.Required, Desc: f.Description, Default: f.Default})
		r.recordEnums(owner, f.Name, t)
		r.reach(t, category)
	}
	return out, nil
}

func (r *resolver) recordEnums(owner, fieldName string, t *typeExpr) {
	switch t.kind {
	case kEnum:
		r.enumOcc = append(r.enumOcc, enumOcc{owner: owner, field: fieldName, t: t})
	case kArray, kNullable:
		r.recordEnums(owner, fieldName, t.elem)
	case kUnion:
		for _, a := range t.alts {
			r.recordEnums(owner, fieldName, a)
		}
	}
}

// result resolves the type of the envelope's data field.
func (r *resolver) result(ao apiOperation) (*typeExpr, error) {
	env, ok := r.data.Models[ao.ResponseType]
	if !ok {
		return nil, fmt.Errorf("response type %q is not a model", ao.ResponseType)
	}
	for _, f := range env.Fields {
		if f.Name == "data" {
			t, err := parseType(f.Type, f.Enum, r.data.Models)
			if err != nil {
				return nil, fmt.Errorf("response data: %w", err)
			}
			if t.kind == kEnum || t.kind == kUnion || t.kind == kNullable {
				t = &typeExpr{kind: kAny}
			}
			return t, nil
		}
	}
	return nil, nil
}

// reach marks the models a type refers to as needed.
func (r *resolver) reach(t *typeExpr, category string) {
	switch t.kind {
	case kModel:
		if _, ok := r.models[t.model]; !ok {
			r.models[t.model] = &model{Name: t.model, Category: category}
		}
	case kArray, kNullable:
		r.reach(t.elem, category)
	case kUnion:
		for _, a := range t.alts {
			r.reach(a, category)
		}
	}
}

// closeModels resolves the fields of every reachable model, transitively.
func (r *resolver) closeModels() error {
	done := map[string]bool{}
	for {
		var pending []string
		for name := range r.models {
			if !done[name] {
				pending = append(pending, name)
			}
		}
		if len(pending) == 0 {
			return nil
		}
		sort.Strings(pending)
		for _, name := range pending {
			done[name] = true
			m := r.models[name]
			am := r.data.Models[name]
			m.Desc = am.Description
			fs, err := r.fields(name, am.Fields, m.Category)
			if err != nil {
				return fmt.Errorf("model %s: %w", name, err)
			}
			m.Fields = fs
		}
	}
}

func (r *resolver) sortedModels() []*model {
	out := make([]*model, 0, len(r.models))
	for _, m := range r.models {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (r *resolver) nameModels() {
	taken := map[string]bool{"Client": true, "Options": true, "Operation": true, "Param": true, "Ack": true, "APIError": true}
	for _, op := range r.ops {
		taken[op.Request] = true
	}
	models := r.sortedModels()
	for _, m := range models {
		taken[goName(m.Name)] = true
	}
	for _, m := range models {
		m.Go = modelGoName(m.Name, taken)
		taken[m.Go] = true
	}
	r.taken = taken
}

// nameEnums gives each distinct enum a Go type name. A field name whose
// enums all share one value set names the type after the field; otherwise
// each value set is named after its owner and field.
func (r *resolver) nameEnums() {
	type group struct {
		sets  []string
		names map[string]string // value-set key → type name
	}
	groups := map[string]*group{}
	for _, o := range r.enumOcc {
		fg := goName(o.field)
		g, ok := groups[fg]
		if !ok {
			g = &group{names: map[string]string{}}
			groups[fg] = g
		}
		k := setKey(o.t.values)
		if _, ok := g.names[k]; !ok {
			g.names[k] = ""
			g.sets = append(g.sets, k)
		}
	}
	byKey := map[string]*enumType{}
	for _, o := range r.enumOcc {
		fg := goName(o.field)
		g := groups[fg]
		k := setKey(o.t.values)
		full := fg + "\x00" + k
		if e, ok := byKey[full]; ok {
			r.enums[o.t] = e
			continue
		}
		name := fg
		if len(g.sets) > 1 {
			name = modelOwnerName(o.owner, r) + fg
		}
		if r.taken[name] {
			name += "Enum"
		}
		for base, n := name, 2; r.taken[name]; n++ {
			name = fmt.Sprintf("%s%d", base, n)
		}
		r.taken[name] = true
		e := &enumType{Go: name, Field: o.field, Values: o.t.values}
		byKey[full] = e
		r.enums[o.t] = e
		r.enumList = append(r.enumList, e)
	}
}

func modelOwnerName(owner string, r *resolver) string {
	if m, ok := r.models[owner]; ok && m.Go != "" {
		return m.Go
	}
	return strings.TrimSuffix(owner, "Request")
}

func setKey(vals []string) string {
	s := append([]string(nil), vals...)
	sort.Strings(s)
	return strings.Join(s, "\x01")
}
