package policy

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"
	xast "github.com/cedar-policy/cedar-go/x/exp/ast"
	"github.com/seed-afc46a91/authingops/internal/textdist"
)

// Annotations read by the engine.
const (
	// AnnotationID names a policy in decisions: @id("admins-approve").
	AnnotationID = "id"
	// AnnotationReason is shown to the caller when the policy decides:
	// @reason("access keys are managed by their owner only").
	AnnotationReason = "reason"
)

// Load reads src and checks every policy against s: a parse error, an unknown
// action, entity type, attribute or entity, a type error, or a bad entities
// file fails the load with [LoadErrors], each "file:line:col: message".
func Load(s *Schema, src Source) (*Set, error) {
	files, ents, err := src.Read()
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, ErrNoPolicies
	}
	sortFiles(files)
	set := &Set{schema: s, catalog: s.entities, principals: types.EntityMap{}}
	var errs LoadErrors
	if ents != nil {
		m, err := parseEntities(ents.Name, ents.Data)
		var les LoadErrors
		switch {
		case errors.As(err, &les):
			errs = append(errs, les...)
			set.principals = nil // unknown: skip the entity checks below
		case err != nil:
			return nil, err
		default:
			set.principals = m
		}
		set.entitiesFile = ents.Name
	}
	ids := map[types.PolicyID]*compiled{}
	for _, f := range files {
		set.files = append(set.files, f.Name)
		list, err := cedar.NewPolicyListFromBytes(f.Name, f.Data)
		if err != nil {
			errs = append(errs, parseLoadError(f.Name, err))
			continue
		}
		for i, p := range list {
			end := len(f.Data)
			if i+1 < len(list) {
				end = list[i+1].Position().Offset
			}
			c, perrs := set.compile(f, p, end)
			errs = append(errs, perrs...)
			if first := ids[c.id]; first != nil {
				errs = append(errs, &LoadError{File: f.Name, Line: c.pos.Line, Column: c.pos.Column, Kind: ErrInvalidPolicy,
					Msg: fmt.Sprintf("duplicate policy id %q (first at %s)", c.id, first.where())})
				continue
			}
			ids[c.id] = c
			set.policies = append(set.policies, c)
		}
	}
	if len(errs) > 0 {
		sortLoadErrors(errs)
		return nil, errs
	}
	slices.SortFunc(set.policies, func(a, b *compiled) int { return cmp.Compare(a.id, b.id) })
	entities := make(types.EntityMap, len(set.catalog)+len(set.principals))
	maps.Copy(entities, set.catalog)
	maps.Copy(entities, set.principals)
	set.entities = entities
	set.buildIndex()
	return set, nil
}

// compile names a parsed policy, validates it and checks the entities it names.
func (set *Set) compile(f File, p *cedar.Policy, end int) (*compiled, LoadErrors) {
	pos := p.Position()
	ann := p.Annotations()
	c := &compiled{policy: p, pos: pos, reason: string(ann[AnnotationReason]), forbid: p.Effect() == cedar.Forbid,
		dynamic: readsApprovals((*xast.Policy)(p.AST()))}
	c.id = types.PolicyID(ann[AnnotationID])
	if c.id == "" {
		c.id = types.PolicyID(c.where())
	}
	src := stripComments(string(f.Data[pos.Offset:end]))
	at := func(token string) (line, col int) { return locate(src, pos, token) }

	var errs LoadErrors
	verr := set.schema.validator.Policy("", (*xast.Policy)(p.AST()))
	msgs := mergeMessages(flatten(verr))
	for _, m := range msgs {
		if m == msgNoApplicableAction && len(msgs) > 1 {
			continue // a consequence of an unknown action, already reported
		}
		kind, token := classify(m)
		line, col := at(token)
		if kind == ErrUnknownAction {
			m += set.schema.suggestAction(token)
		}
		errs = append(errs, &LoadError{File: f.Name, Line: line, Column: col, Kind: kind, Msg: fmt.Sprintf("policy %q: %s", c.id, m)})
	}
	if set.principals == nil {
		return c, errs
	}
	for _, ref := range entityRefs.FindAllStringSubmatch(src, -1) {
		uid := types.NewEntityUID(types.EntityType(ref[1]), types.String(unquote(ref[2])))
		if _, ok := set.Get(uid); ok || uid.Type == TypeAction {
			continue // actions are checked by the validator
		}
		line, col := at(ref[0])
		errs = append(errs, &LoadError{File: f.Name, Line: line, Column: col, Kind: ErrUnknownEntity,
			Msg: fmt.Sprintf("policy %q: %s is neither in the catalog nor in the entities file", c.id, ref[0])})
	}
	return c, errs
}

const msgNoApplicableAction = "unable to find an applicable action given the policy scope constraints"

// entityRefs matches entity literals of the schema's types in policy text.
var entityRefs = regexp.MustCompile(`\b(Group|SlackUser|MCPClient|CLIOperator|Operation|OperationGroup|Action)::"((?:[^"\\]|\\.)*)"`)

// backticked extracts the first `token` of a validator message.
var backticked = regexp.MustCompile("`([^`]+)`")

// classify maps a validator message to an error kind and the source token
// to point at.
func classify(msg string) (kind error, token string) {
	tok := ""
	if m := backticked.FindStringSubmatch(msg); m != nil {
		tok = m[1]
	}
	switch {
	case strings.HasPrefix(msg, "unrecognized action"):
		return ErrUnknownAction, tok
	case strings.HasPrefix(msg, "unrecognized entity type"):
		return ErrUnknownType, tok
	case strings.HasPrefix(msg, "attribute `") && strings.Contains(msg, "not found"):
		return ErrUnknownAttribute, "." + lastSegment(tok)
	case strings.Contains(msg, "optional attribute"):
		return ErrInvalidPolicy, "." + lastSegment(tok)
	default:
		return ErrInvalidPolicy, ""
	}
}

func lastSegment(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return path
}

// locate returns the line and column of token in src, the text of a policy
// starting at pos; the policy's own position when token is not found.
func locate(src string, pos cedar.Position, token string) (line, col int) {
	i := -1
	if token != "" {
		i = strings.Index(src, token)
	}
	if i < 0 {
		return pos.Line, pos.Column
	}
	before := src[:i]
	nl := strings.Count(before, "\n")
	if nl == 0 {
		return pos.Line, pos.Column + len([]rune(before))
	}
	return pos.Line + nl, len([]rune(before[strings.LastIndexByte(before, '\n')+1:])) + 1
}

// stripComments blanks // comments outside string literals, keeping offsets.
func stripComments(s string) string {
	b := []byte(s)
	inString := false
	for i := 0; i < len(b); i++ {
		switch {
		case inString && b[i] == '\\':
			i++
		case b[i] == '"':
			inString = !inString
		case !inString && b[i] == '/' && i+1 < len(b) && b[i+1] == '/':
			for ; i < len(b) && b[i] != '\n'; i++ {
				b[i] = ' '
			}
		}
	}
	return string(b)
}

func unquote(s string) string {
	if u, err := strconv.Unquote(`"` + s + `"`); err == nil {
		return u
	}
	return s
}

// flatten returns the messages of a possibly joined error.
func flatten(err error) []string {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []string{err.Error()}
}

var (
	attrOnTypes   = regexp.MustCompile("^(attribute `[^`]+`|unable to guarantee safety of access to optional attribute `[^`]+`) on entity types? (.+?)( not found)?$")
	attrInContext = regexp.MustCompile("^attribute `([^`]+)` in context for .* not found$")
)

// mergeMessages folds the validator's per-type and per-action variants of one
// problem into one message, keeping first-seen order.
func mergeMessages(msgs []string) []string {
	var out []string
	typesOf := map[string]*[]string{}
	seen := map[string]bool{}
	for _, m := range msgs {
		if c := attrInContext.FindStringSubmatch(m); c != nil {
			m = fmt.Sprintf("attribute `%s` not found in context (it has surface, transport, channel, dryRun, approvals, targets)", c[1])
		}
		if c := attrOnTypes.FindStringSubmatch(m); c != nil {
			key := c[1] + "\x00" + c[3]
			if ts, ok := typesOf[key]; ok {
				*ts = append(*ts, strings.Split(strings.ReplaceAll(c[2], "`", ""), ", ")...)
				continue
			}
			ts := strings.Split(strings.ReplaceAll(c[2], "`", ""), ", ")
			typesOf[key] = &ts
			out = append(out, key)
			continue
		}
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	for i, m := range out {
		ts, ok := typesOf[m]
		if !ok {
			continue
		}
		head, tail, _ := strings.Cut(m, "\x00")
		list := slices.Compact(slices.Sorted(slices.Values(*ts)))
		word := "type"
		if len(list) > 1 {
			word = "types"
		}
		out[i] = fmt.Sprintf("%s on entity %s %s%s", head, word, strings.Join(list, ", "), tail)
	}
	return out
}

// parsePos matches the position cedar-go's parser puts in its errors.
var parsePos = regexp.MustCompile(`^(?:parser error: )?parse error at <input>:(\d+):(\d+) `)

// exactGot matches cedar-go's "expected this token" message.
var exactGot = regexp.MustCompile(`^"[^"]*": exact got (.*) want (.*)$`)

// parseLoadError turns a cedar-go parse error into a LoadError.
func parseLoadError(file string, err error) *LoadError {
	msg := err.Error()
	le := &LoadError{File: file, Kind: ErrParse}
	if m := parsePos.FindStringSubmatch(msg); m != nil {
		le.Line, _ = strconv.Atoi(m[1])
		le.Column, _ = strconv.Atoi(m[2])
		msg = msg[len(m[0]):]
		if g := exactGot.FindStringSubmatch(msg); g != nil {
			msg = fmt.Sprintf("unexpected %q, want %q", g[1], g[2])
		}
		msg = strings.TrimPrefix(msg, `"": `)
	} else {
		msg = strings.TrimPrefix(msg, "parser error: ")
	}
	le.Msg = "parse error: " + msg
	return le
}

// sortLoadErrors orders errors by file, line and column.
func sortLoadErrors(errs LoadErrors) {
	slices.SortStableFunc(errs, func(a, b *LoadError) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
}

// suggestAction returns ` (did you mean "x"?)` for an unknown action token
// such as Action::"delete_user", or "" when nothing is close.
func (s *Schema) suggestAction(token string) string {
	_, quoted, ok := strings.Cut(token, "::")
	if !ok {
		return ""
	}
	name, err := strconv.Unquote(quoted)
	if err != nil {
		return ""
	}
	candidates := append(s.Operations(), s.Groups()...)
	candidates = append(candidates, ApproveAction)
	best, bestDist := "", len(name)/3+1 // accept about one edit in three characters
	for _, c := range candidates {
		if d := textdist.Levenshtein(name, c); d < bestDist || d == bestDist && best != "" && c < best {
			best, bestDist = c, d
		}
	}
	if best == "" { // a prefix: delete_user -> delete_users_batch
		for _, c := range candidates {
			if strings.HasPrefix(c, name) && (best == "" || len(c) < len(best) || len(c) == len(best) && c < best) {
				best = c
			}
		}
	}
	if best == "" {
		return ""
	}
	return ` (did you mean Action::"` + best + `"?)`
}
