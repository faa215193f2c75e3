package authingtest

import (
	"slices"
	"strings"
)

// defaultNamespace is the permission namespace every pool has.
const defaultNamespace = "default"

// roleKey identifies a role: codes are unique per namespace.
type roleKey struct{ ns, code string }

func keyOf(ns, code string) roleKey {
	if ns == "" {
		ns = defaultNamespace
	}
	return roleKey{ns: ns, code: code}
}

// role is one role of a permission namespace.
type role struct {
	id, code, name, description, namespace, status string
	disableTime                                    any
	permissionApply                                bool
	seq                                            int
	users                                          idList
	depts                                          idList
}

func (r *role) order() int { return r.seq }

func (r *role) dto() map[string]any {
	return map[string]any{
		"id": r.id, "code": r.code, "name": r.name, "description": r.description,
		"namespace": r.namespace, "namespaceName": r.namespace, "status": r.status,
		"disableTime": r.disableTime, "enablePermissionApply": r.permissionApply,
	}
}

// namespaceExists reports whether ns is "default" or an application's namespace
// (Authing gives every application a namespace named by its app id).
func (st *state) namespaceExists(ns string) bool {
	if ns == "" || ns == defaultNamespace {
		return true
	}
	_, ok := st.apps[ns]
	return ok
}

// findRole resolves code in namespace ns, answering Authing's not-found envelopes.
func (st *state) findRole(ns, code string) (*role, error) {
	if !st.namespaceExists(ns) {
		return nil, notFound("permission namespace %s not found", ns)
	}
	r, ok := st.roles[keyOf(ns, code)]
	if !ok {
		return nil, notFound("role %s not found in namespace %s", code, keyOf(ns, code).ns)
	}
	return r, nil
}

// roleHolds reports whether user id holds r directly or through a department.
func (st *state) roleHolds(r *role, id string) bool {
	if r.users.has(id) {
		return true
	}
	return slices.ContainsFunc(r.depts, func(d string) bool {
		dep, ok := st.depts[d]
		return ok && dep.members.has(id)
	})
}

func validCode(kind, code string) error {
	if code == "" {
		return badRequest("%s code must not be empty", kind)
	}
	if strings.ContainsAny(code, " \t\n/\\") || len(code) > 64 {
		return badRequest("%s code %q may only use letters, digits, '-', '_' and ':' (at most 64)", kind, code)
	}
	return nil
}

func hCreateRole(c *call) (any, error) {
	code, ns := c.a.str("code"), c.a.str("namespace")
	if err := validCode("role", code); err != nil {
		return nil, err
	}
	if !c.st.namespaceExists(ns) {
		return nil, notFound("permission namespace %s not found", ns)
	}
	k := keyOf(ns, code)
	if _, dup := c.st.roles[k]; dup {
		return nil, conflict("role code %s already exists in namespace %s", code, k.ns)
	}
	r := &role{
		id: c.st.nextID(), code: code, name: c.a.str("name"), description: c.a.str("description"),
		namespace: k.ns, status: "ENABLE",
	}
	if r.name == "" {
		r.name = code
	}
	if c.a.has("disableTime") {
		r.disableTime = c.a["disableTime"]
	}
	r.seq = c.st.seq
	c.st.roles[k] = r
	return r.dto(), nil
}

func hGetRole(c *call) (any, error) {
	if err := c.a.require("code"); err != nil {
		return nil, err
	}
	r, err := c.st.findRole(c.a.str("namespace"), c.a.str("code"))
	if err != nil {
		return nil, err
	}
	return r.dto(), nil
}

func hListRoles(c *call) (any, error) {
	p, err := pagingOf(c.a)
	if err != nil {
		return nil, err
	}
	ns := keyOf(c.a.str("namespace"), "").ns
	kw := strings.ToLower(c.a.str("keywords"))
	var out []map[string]any
	for _, r := range sortedBySeq(c.st.roles) {
		if r.namespace != ns {
			continue
		}
		if kw != "" && !strings.Contains(strings.ToLower(r.code), kw) && !strings.Contains(strings.ToLower(r.name), kw) {
			continue
		}
		out = append(out, r.dto())
	}
	return paginate(out, p), nil
}

func hUpdateRole(c *call) (any, error) {
	if err := c.a.require("code", "newCode", "name"); err != nil {
		return nil, err
	}
	ns := c.a.str("namespace")
	r, err := c.st.findRole(ns, c.a.str("code"))
	if err != nil {
		return nil, err
	}
	newCode := c.a.str("newCode")
	if err := validCode("role", newCode); err != nil {
		return nil, err
	}
	if newCode != r.code {
		if _, dup := c.st.roles[keyOf(ns, newCode)]; dup {
			return nil, conflict("role code %s already exists in namespace %s", newCode, r.namespace)
		}
		delete(c.st.roles, keyOf(ns, r.code))
		r.code = newCode
		c.st.roles[keyOf(ns, newCode)] = r
	}
	r.name = c.a.str("name")
	if c.a.has("description") {
		r.description = c.a.str("description")
	}
	if s := c.a.str("status"); s != "" {
		if s != "ENABLE" && s != "DISABLE" {
			return nil, badRequest("status must be ENABLE or DISABLE")
		}
		r.status = s
	}
	if c.a.has("disableTime") {
		r.disableTime = c.a["disableTime"]
	}
	if c.a.has("enablePermissionApply") {
		r.permissionApply = c.a.boolOr("enablePermissionApply", false)
	}
	return success(), nil
}

func hDeleteRolesBatch(c *call) (any, error) {
	codes := c.a.strs("codeList")
	if len(codes) == 0 {
		return nil, badRequest("codeList must not be empty")
	}
	ns := c.a.str("namespace")
	for _, code := range codes {
		if _, err := c.st.findRole(ns, code); err != nil {
			return nil, err
		}
	}
	for _, code := range codes {
		delete(c.st.roles, keyOf(ns, code))
	}
	return success(), nil
}

// target is one assign-role / revoke-role target.
type target struct {
	TargetType       string `json:"targetType"`
	TargetIdentifier string `json:"targetIdentifier"`
}

// roleTargets resolves the targets of an assign or revoke call.
func (c *call) roleTargets() (users, depts []string, err error) {
	var ts []target
	if err := c.a.decode("targets", &ts); err != nil {
		return nil, nil, err
	}
	if len(ts) == 0 {
		return nil, nil, badRequest("targets must not be empty")
	}
	for _, t := range ts {
		switch t.TargetType {
		case "USER":
			u, err := c.st.findUser(t.TargetIdentifier, "")
			if err != nil {
				return nil, nil, err
			}
			users = append(users, u.id)
		case "DEPARTMENT":
			d, err := c.st.findDeptAnyOrg(t.TargetIdentifier, "")
			if err != nil {
				return nil, nil, err
			}
			depts = append(depts, d.id)
		case "":
			return nil, nil, badRequest("targets: targetType must not be empty")
		default:
			return nil, nil, badRequest("targets: targetType %s is not supported by the sandbox (USER or DEPARTMENT)", t.TargetType)
		}
	}
	return users, depts, nil
}

func hAssignRole(c *call) (any, error) {
	return assignOrRevoke(c, true)
}

func hRevokeRole(c *call) (any, error) {
	return assignOrRevoke(c, false)
}

func assignOrRevoke(c *call, assign bool) (any, error) {
	if err := c.a.require("code"); err != nil {
		return nil, err
	}
	r, err := c.st.findRole(c.a.str("namespace"), c.a.str("code"))
	if err != nil {
		return nil, err
	}
	users, depts, err := c.roleTargets()
	if err != nil {
		return nil, err
	}
	for _, id := range users {
		if assign {
			r.users.add(id)
		} else {
			r.users.remove(id)
		}
	}
	for _, id := range depts {
		if assign {
			r.depts.add(id)
		} else {
			r.depts.remove(id)
		}
	}
	return success(), nil
}

func hListRoleMembers(c *call) (any, error) {
	if err := c.a.require("code"); err != nil {
		return nil, err
	}
	r, err := c.st.findRole(c.a.str("namespace"), c.a.str("code"))
	if err != nil {
		return nil, err
	}
	p, err := pagingOf(c.a)
	if err != nil {
		return nil, err
	}
	return c.st.userPage(c.st.usersByIDs(r.users), p, viewOf(c.a)), nil
}

// hCheckRoleParams answers whether code (and name) are free in a namespace,
// with a message saying why not (absent when valid, as the API documents).
func hCheckRoleParams(c *call) (any, error) {
	if err := c.a.require("code", "namespace"); err != nil {
		return nil, err
	}
	ns, code, name := c.a.str("namespace"), c.a.str("code"), c.a.str("name")
	msg := ""
	if !c.st.namespaceExists(ns) {
		msg = "namespace " + ns + " does not exist"
	} else if _, dup := c.st.roles[keyOf(ns, code)]; dup {
		msg = "role code " + code + " is already used in namespace " + ns
	}
	for _, r := range c.st.roles {
		if msg == "" && name != "" && r.namespace == keyOf(ns, "").ns && r.name == name {
			msg = "role name " + name + " is already used in namespace " + ns
		}
	}
	if msg == "" {
		return map[string]any{"isValid": true}, nil
	}
	return map[string]any{"isValid": false, "message": msg}, nil
}

// usersByIDs returns the users of ids that exist, in order.
func (st *state) usersByIDs(ids []string) []*user {
	out := make([]*user, 0, len(ids))
	for _, id := range ids {
		if u, ok := st.users[id]; ok {
			out = append(out, u)
		}
	}
	return out
}
