package authingtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// maxBody bounds request bodies the sandbox reads.
const maxBody = 4 << 20

// args holds the arguments of one call, whichever way they travelled. Values
// decoded from a JSON body are json.Number, string, bool, nil, []any or
// map[string]any; values from a query string are string or []string.
type args map[string]any

// parseQuery decodes a query string, accepting the encodings the SDKs use:
// `k[]=a&k[]=b` (Node), repeated `k=a&k=b` (Python) and single values.
func parseQuery(q url.Values) args {
	a := args{}
	for k, vs := range q {
		if name, ok := strings.CutSuffix(k, "[]"); ok {
			prev, _ := a[name].([]string)
			a[name] = append(prev, vs...)
			continue
		}
		if len(vs) == 1 {
			a[k] = vs[0]
		} else {
			a[k] = append([]string(nil), vs...)
		}
	}
	return a
}

// readBody reads a request body up to maxBody bytes.
func readBody(r io.Reader) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return nil, badRequest("cannot read the request body: %v", err)
	}
	if len(raw) > maxBody {
		return nil, badRequest("request body larger than %d bytes", maxBody)
	}
	return raw, nil
}

// parseBody decodes a JSON object body. An empty body is an empty object;
// anything else that is not a JSON object is a 400 naming the problem. Empty
// nested objects are dropped, so `{"options":{"pagination":{}}}` reads as `{}`.
func parseBody(raw []byte) (args, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return args{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, badRequest("malformed JSON body: %v", err)
	}
	if dec.More() {
		return nil, badRequest("malformed JSON body: trailing data after the object")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest("malformed JSON body: expected an object, got %s", jsonKind(v))
	}
	pruneEmpty(m)
	return args(m), nil
}

// pruneEmpty removes, depth first, keys whose value is an empty object.
func pruneEmpty(m map[string]any) {
	for k, v := range m {
		sub, ok := v.(map[string]any)
		if !ok {
			continue
		}
		pruneEmpty(sub)
		if len(sub) == 0 {
			delete(m, k)
		}
	}
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "an object"
}

// has reports whether k is present and not null.
func (a args) has(k string) bool {
	v, ok := a[k]
	return ok && v != nil
}

// str returns k as text ("" when absent).
func (a args) str(k string) string {
	switch v := a[k].(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case []string:
		if len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// intOr returns k as an integer, def when absent, and a 400 when it is not one.
func (a args) intOr(k string, def int) (int, error) {
	if !a.has(k) || a.str(k) == "" {
		return def, nil
	}
	n, err := strconv.Atoi(a.str(k))
	if err != nil {
		return 0, badRequest("%s must be an integer, got %q", k, a.str(k))
	}
	return n, nil
}

// boolOr returns k as a boolean; it accepts JSON booleans and the spellings
// true/false/True/False/1/0 of query strings.
func (a args) boolOr(k string, def bool) bool {
	switch strings.ToLower(a.str(k)) {
	case "true", "1":
		return true
	case "false", "0":
		return false
	}
	return def
}

// strs returns k as a list of strings. It accepts JSON arrays, repeated query
// values, a JSON array in one query value and the Go SDK's `[a b]` spelling.
func (a args) strs(k string) []string {
	switch v := a[k].(type) {
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			out = append(out, args{"e": e}.str("e"))
		}
		return out
	case []string:
		return v
	case string:
		return splitListText(v)
	}
	return nil
}

func splitListText(s string) []string {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
		var list []string
		if json.Unmarshal([]byte(t), &list) == nil {
			return list
		}
		return strings.Fields(t[1 : len(t)-1])
	}
	if t == "" {
		return nil
	}
	return []string{t}
}

// obj returns the nested object k (empty when absent).
func (a args) obj(k string) args {
	if m, ok := a[k].(map[string]any); ok {
		return args(m)
	}
	return args{}
}

// decode converts k into v through JSON; a mismatch is a 400 naming k.
func (a args) decode(k string, v any) error {
	if !a.has(k) {
		return nil
	}
	raw, err := json.Marshal(a[k])
	if err != nil {
		return badRequest("%s: %v", k, err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return badRequest("%s has the wrong type: %v", k, err)
	}
	return nil
}

// require answers a 400 naming the first of names that is absent or empty.
func (a args) require(names ...string) error {
	for _, n := range names {
		if !a.has(n) {
			return badRequest("%s must not be empty", n)
		}
		if s, ok := a[n].(string); ok && s == "" {
			return badRequest("%s must not be empty", n)
		}
	}
	return nil
}

// paging is a validated page request.
type paging struct{ page, limit int }

// pagingOf reads page (≥ 1, default 1) and limit (1..50, default 10).
func pagingOf(a args) (paging, error) {
	page, err := a.intOr("page", 1)
	if err != nil {
		return paging{}, err
	}
	limit, err := a.intOr("limit", 10)
	if err != nil {
		return paging{}, err
	}
	if page < 1 {
		return paging{}, badRequest("page must be greater than or equal to 1")
	}
	if limit < 1 || limit > 50 {
		return paging{}, badRequest("limit must be between 1 and 50")
	}
	return paging{page: page, limit: limit}, nil
}

// pageResult is Authing's `{totalCount, list}` page.
type pageResult struct {
	TotalCount int `json:"totalCount"`
	List       any `json:"list"`
}

// paginate cuts one page out of list.
func paginate[T any](list []T, p paging) pageResult {
	start := (p.page - 1) * p.limit
	if start > len(list) {
		start = len(list)
	}
	end := min(start+p.limit, len(list))
	page := append(make([]T, 0, end-start), list[start:end]...)
	return pageResult{TotalCount: len(list), List: page}
}
