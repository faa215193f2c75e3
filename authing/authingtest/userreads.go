package authingtest

import (
	"encoding/json"
	"slices"
	"strings"
)

// Handlers of the user operations that only read.

func hGetUser(c *call) (any, error) {
	if err := c.a.require("userId"); err != nil {
		return nil, err
	}
	u, err := c.st.findUser(c.a.str("userId"), c.a.str("userIdType"))
	if err != nil {
		return nil, err
	}
	return c.st.userDTO(u, viewOf(c.a)), nil
}

func hGetUserBatch(c *call) (any, error) {
	ids := c.a.strs("userIds")
	if len(ids) == 0 {
		return nil, badRequest("userIds must not be empty")
	}
	users, err := c.st.usersOf(ids, c.a.str("userIdType"))
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(users))
	for _, u := range users {
		out = append(out, c.st.userDTO(u, viewOf(c.a)))
	}
	return out, nil
}

func hIsUserExists(c *call) (any, error) {
	exists := false
	for _, u := range c.st.users {
		for _, f := range uniqueUserFields {
			if v := c.a.str(f); v != "" && strings.EqualFold(u.profile[f], v) {
				exists = true
			}
		}
	}
	return map[string]bool{"exists": exists}, nil
}

// defaultFuzzyFields are searched by list-users keywords when fuzzySearchOn is absent.
var defaultFuzzyFields = []string{"id", "username", "email", "phone", "name", "nickname", "externalId"}

func userField(u *user, f string) string {
	switch f {
	case "id", "userId":
		return u.id
	case "status":
		return u.status
	case "createdAt":
		return isoTime(u.createdAt)
	case "updatedAt":
		return isoTime(u.updatedAt)
	case "statusChangedAt":
		return isoTime(u.statusChangedAt)
	case "loginsCount":
		return "0"
	case "gender":
		if g := u.profile["gender"]; g != "" {
			return g
		}
		return "U"
	}
	return u.profile[f]
}

func hListUsers(c *call) (any, error) {
	opts := c.a.obj("options")
	p, err := pagingOf(opts.obj("pagination"))
	if err != nil {
		return nil, err
	}
	if c.a.has("searchQuery") {
		return nil, badRequest("searchQuery is not supported by the sandbox; use keywords or advancedFilter")
	}
	users := sortedBySeq(c.st.users)
	if kw := strings.ToLower(c.a.str("keywords")); kw != "" {
		fields := opts.strs("fuzzySearchOn")
		if len(fields) == 0 {
			fields = defaultFuzzyFields
		}
		users = slices.DeleteFunc(users, func(u *user) bool {
			for _, f := range fields {
				if strings.Contains(strings.ToLower(userField(u, f)), kw) {
					return false
				}
			}
			return true
		})
	}
	var filters []struct {
		Field    string `json:"field"`
		Operator string `json:"operator"`
		Value    any    `json:"value"`
	}
	if err := c.a.decode("advancedFilter", &filters); err != nil {
		return nil, err
	}
	for _, f := range filters {
		keep, err := filterFunc(f.Field, f.Operator, f.Value)
		if err != nil {
			return nil, err
		}
		users = slices.DeleteFunc(users, func(u *user) bool { return !keep(userField(u, f.Field)) })
	}
	var sorts []struct {
		Field string `json:"field"`
		Order string `json:"order"`
	}
	if err := opts.decode("sort", &sorts); err != nil {
		return nil, err
	}
	for i := len(sorts) - 1; i >= 0; i-- {
		s := sorts[i]
		desc := strings.EqualFold(s.Order, "desc")
		slices.SortStableFunc(users, func(a, b *user) int {
			r := strings.Compare(userField(a, s.Field), userField(b, s.Field))
			if desc {
				return -r
			}
			return r
		})
	}
	return c.st.userPage(users, p, viewOf(opts)), nil
}

// filterFunc builds a predicate for one advancedFilter item.
func filterFunc(field, op string, value any) (func(string) bool, error) {
	if field == "" {
		return nil, badRequest("advancedFilter: field must not be empty")
	}
	text := func(v any) string {
		if s, ok := v.(string); ok {
			return s
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	switch strings.ToUpper(op) {
	case "EQUAL":
		return func(s string) bool { return s == text(value) }, nil
	case "NOT_EQUAL":
		return func(s string) bool { return s != text(value) }, nil
	case "CONTAINS":
		return func(s string) bool { return strings.Contains(s, text(value)) }, nil
	case "NOT_CONTAINS":
		return func(s string) bool { return !strings.Contains(s, text(value)) }, nil
	case "IS_NULL":
		return func(s string) bool { return s == "" }, nil
	case "NOT_NULL":
		return func(s string) bool { return s != "" }, nil
	case "IN":
		list, ok := value.([]any)
		if !ok {
			return nil, badRequest("advancedFilter: IN needs an array value")
		}
		return func(s string) bool {
			return slices.ContainsFunc(list, func(v any) bool { return text(v) == s })
		}, nil
	case "GREATER", "LESSER", "BETWEEN":
		return nil, badRequest("advancedFilter: operator %s is not supported by the sandbox", op)
	}
	return nil, badRequest("advancedFilter: unknown operator %q", op)
}

func (st *state) userPage(users []*user, p paging, v userView) pageResult {
	// Cut the page first: rendering every user of a large pool for one page
	// made list calls grow with the pool (load tests create thousands).
	page := paginate(users, p)
	list := page.List.([]*user)
	out := make([]map[string]any, 0, len(list))
	for _, u := range list {
		out = append(out, st.userDTO(u, v))
	}
	page.List = out
	return page
}

func hListUsersLegacy(c *call) (any, error) {
	p, err := pagingOf(c.a)
	if err != nil {
		return nil, err
	}
	users := sortedBySeq(c.st.users)
	if s := c.a.str("status"); s != "" {
		users = slices.DeleteFunc(users, func(u *user) bool { return u.status != s })
	}
	return c.st.userPage(users, p, viewOf(c.a)), nil
}

func hGetUserRoles(c *call) (any, error) {
	u, err := c.requireUser()
	if err != nil {
		return nil, err
	}
	ns := c.a.str("namespace")
	var out []map[string]any
	for _, r := range sortedBySeq(c.st.roles) {
		if r.users.has(u.id) && (ns == "" || r.namespace == ns) {
			out = append(out, r.dto())
		}
	}
	return pageResult{TotalCount: len(out), List: nonNil(out)}, nil
}

func hGetUserGroups(c *call) (any, error) {
	u, err := c.requireUser()
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, g := range sortedBySeq(c.st.groups) {
		if g.members.has(u.id) {
			out = append(out, g.dto())
		}
	}
	return pageResult{TotalCount: len(out), List: nonNil(out)}, nil
}

func hGetUserDepartments(c *call) (any, error) {
	u, err := c.requireUser()
	if err != nil {
		return nil, err
	}
	p, err := pagingOf(c.a)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, d := range sortedBySeq(c.st.depts) {
		if d.members.has(u.id) {
			m := c.st.deptDTO(d)
			m["isRoot"] = d.parentID == ""
			m["isLeader"] = d.leaders.has(u.id)
			m["isMainDepartment"] = len(out) == 0
			m["joinedAt"] = isoTime(d.createdAt)
			out = append(out, m)
		}
	}
	return paginate(out, p), nil
}

func hHasAnyRole(c *call) (any, error) {
	if err := c.a.require("userId", "roles"); err != nil {
		return nil, err
	}
	u, err := c.st.findUser(c.a.str("userId"), c.a.obj("options").str("userIdType"))
	if err != nil {
		return nil, err
	}
	var roles []struct {
		Code      string `json:"code"`
		Namespace string `json:"namespace"`
	}
	if err := c.a.decode("roles", &roles); err != nil {
		return nil, err
	}
	for _, want := range roles {
		if r, ok := c.st.roles[keyOf(want.Namespace, want.Code)]; ok && c.st.roleHolds(r, u.id) {
			return map[string]bool{"hasAnyRole": true}, nil
		}
	}
	return map[string]bool{"hasAnyRole": false}, nil
}

// requireUser resolves the userId/userIdType arguments of a read.
func (c *call) requireUser() (*user, error) {
	if err := c.a.require("userId"); err != nil {
		return nil, err
	}
	return c.st.findUser(c.a.str("userId"), c.a.str("userIdType"))
}

// nonNil turns a nil list into an empty one so it encodes as [].
func nonNil[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}
