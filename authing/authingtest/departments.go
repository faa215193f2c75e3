package authingtest

import (
	"time"
)

// dept is one department; every organization has a root department (parentID "").
type dept struct {
	id, orgCode, parentID, name, code, description, openID string
	virtual, disabled                                      bool
	leaders, members                                       idList
	customData                                             map[string]any
	seq                                                    int
	createdAt, updatedAt                                   time.Time
}

func (d *dept) order() int { return d.seq }

// findDept resolves a department of organization orgCode by idType
// (department_id, the default; open_department_id; or code).
func (st *state) findDept(orgCode, id, idType string) (*dept, error) {
	o, ok := st.orgs[orgCode]
	if !ok {
		return nil, notFound("organization %s not found", orgCode)
	}
	d, err := st.findDeptAnyOrg(id, idType)
	if err != nil || d.orgCode != o.code {
		return nil, notFound("department %s not found in organization %s", id, orgCode)
	}
	return d, nil
}

// findDeptAnyOrg resolves a department in any organization.
func (st *state) findDeptAnyOrg(id, idType string) (*dept, error) {
	if id == "" {
		return nil, badRequest("departmentId must not be empty")
	}
	switch idType {
	case "", "department_id":
		if d, ok := st.depts[id]; ok {
			return d, nil
		}
	case "open_department_id", "code":
		for _, d := range sortedBySeq(st.depts) {
			if (idType == "code" && d.code == id) || (idType == "open_department_id" && d.openID == id) {
				return d, nil
			}
		}
	default:
		return nil, badRequest("departmentIdType %s is not supported by the sandbox (department_id, open_department_id or code)", idType)
	}
	return nil, notFound("department %s not found", id)
}

// children returns the direct child departments of d.
func (st *state) children(d *dept) []*dept {
	var out []*dept
	for _, c := range sortedBySeq(st.depts) {
		if c.parentID == d.id {
			out = append(out, c)
		}
	}
	return out
}

// subtree returns d and all its descendants.
func (st *state) subtree(d *dept) []*dept {
	out := []*dept{d}
	for _, c := range st.children(d) {
		out = append(out, st.subtree(c)...)
	}
	return out
}

// deleteDept removes d, its descendants and their role assignments.
func (st *state) deleteDept(d *dept) {
	for _, x := range st.subtree(d) {
		delete(st.depts, x.id)
		for _, r := range st.roles {
			r.depts.remove(x.id)
		}
	}
}

// userDeptIDs lists the departments user id belongs to.
func (st *state) userDeptIDs(id string) []string {
	out := []string{}
	for _, d := range sortedBySeq(st.depts) {
		if d.members.has(id) {
			out = append(out, d.id)
		}
	}
	return out
}

func (st *state) deptDTO(d *dept) map[string]any {
	parentCode := ""
	if p, ok := st.depts[d.parentID]; ok {
		parentCode = p.code
	}
	return map[string]any{
		"organizationCode": d.orgCode, "departmentId": d.id, "createdAt": isoTime(d.createdAt),
		"updatedAt": isoTime(d.updatedAt), "openDepartmentId": d.openID, "name": d.name,
		"leaderUserIds": nonNil([]string(d.leaders)), "description": d.description,
		"parentDepartmentId": d.parentID, "code": d.code, "parentDepartmentCode": parentCode,
		"membersCount": len(d.members), "hasChildren": len(st.children(d)) > 0,
		"isVirtualNode": d.virtual, "customData": d.customData, "postIdList": []string{},
		"status": !d.disabled,
	}
}

// deptArg resolves the organizationCode/departmentId(/departmentIdType) arguments.
func (c *call) deptArg() (*dept, error) {
	if err := c.a.require("organizationCode", "departmentId"); err != nil {
		return nil, err
	}
	return c.st.findDept(c.a.str("organizationCode"), c.a.str("departmentId"), c.a.str("departmentIdType"))
}

// checkDeptCodes answers a 409 when code or openID is taken in the organization.
func (st *state) checkDeptCodes(orgCode, code, openID, self string) error {
	for _, d := range st.depts {
		if d.orgCode != orgCode || d.id == self {
			continue
		}
		if code != "" && d.code == code {
			return conflict("department code %s already exists in organization %s", code, orgCode)
		}
		if openID != "" && d.openID == openID {
			return conflict("openDepartmentId %s already exists in organization %s", openID, orgCode)
		}
	}
	return nil
}

func hCreateDepartment(c *call) (any, error) {
	if err := c.a.require("organizationCode", "name", "parentDepartmentId"); err != nil {
		return nil, err
	}
	org := c.a.str("organizationCode")
	parent, err := c.st.findDept(org, c.a.str("parentDepartmentId"), c.a.str("departmentIdType"))
	if err != nil {
		return nil, err
	}
	if err := c.st.checkDeptCodes(org, c.a.str("code"), c.a.str("openDepartmentId"), ""); err != nil {
		return nil, err
	}
	d := &dept{
		id: c.st.nextID(), orgCode: org, parentID: parent.id, name: c.a.str("name"),
		code: c.a.str("code"), description: c.a.str("description"), openID: c.a.str("openDepartmentId"),
		virtual: c.a.boolOr("isVirtualNode", false), customData: map[string]any{},
		createdAt: c.now, updatedAt: c.now,
	}
	if err := c.a.decode("customData", &d.customData); err != nil {
		return nil, err
	}
	d.seq = c.st.seq
	c.st.depts[d.id] = d
	return c.st.deptDTO(d), nil
}

func hUpdateDepartment(c *call) (any, error) {
	d, err := c.deptArg()
	if err != nil {
		return nil, err
	}
	if err := c.st.checkDeptCodes(d.orgCode, c.a.str("code"), "", d.id); err != nil {
		return nil, err
	}
	if p := c.a.str("parentDepartmentId"); p != "" && p != d.parentID {
		if d.parentID == "" {
			return nil, badRequest("the root department of an organization cannot be moved")
		}
		np, err := c.st.findDept(d.orgCode, p, c.a.str("departmentIdType"))
		if err != nil {
			return nil, err
		}
		for _, x := range c.st.subtree(d) {
			if x.id == np.id {
				return nil, badRequest("a department cannot be moved under itself or its descendants")
			}
		}
		d.parentID = np.id
	}
	if c.a.has("leaderUserIds") {
		users, err := c.st.usersOf(c.a.strs("leaderUserIds"), "")
		if err != nil {
			return nil, err
		}
		d.leaders = nil
		for _, u := range users {
			d.leaders.add(u.id)
		}
	}
	for field, dst := range map[string]*string{"name": &d.name, "code": &d.code, "description": &d.description} {
		if c.a.has(field) {
			*dst = c.a.str(field)
		}
	}
	if c.a.has("status") {
		d.disabled = !c.a.boolOr("status", true)
	}
	var cd map[string]any
	if err := c.a.decode("customData", &cd); err != nil {
		return nil, err
	}
	for k, v := range cd {
		d.customData[k] = v
	}
	d.updatedAt = c.now
	return c.st.deptDTO(d), nil
}

func hDeleteDepartment(c *call) (any, error) {
	d, err := c.deptArg()
	if err != nil {
		return nil, err
	}
	if d.parentID == "" {
		return nil, badRequest("the root department cannot be deleted; delete the organization instead")
	}
	c.st.deleteDept(d)
	return success(), nil
}

func hGetDepartment(c *call) (any, error) {
	id, idType := c.a.str("departmentId"), c.a.str("departmentIdType")
	if id == "" && c.a.str("departmentCode") != "" {
		id, idType = c.a.str("departmentCode"), "code"
	}
	var d *dept
	var err error
	if org := c.a.str("organizationCode"); org != "" {
		d, err = c.st.findDept(org, id, idType)
	} else {
		d, err = c.st.findDeptAnyOrg(id, idType)
	}
	if err != nil {
		return nil, err
	}
	return c.st.deptDTO(d), nil
}

func hListChildrenDepartments(c *call) (any, error) {
	d, err := c.deptArg()
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	for _, ch := range c.st.children(d) {
		if c.a.boolOr("excludeVirtualNode", false) && ch.virtual {
			continue
		}
		if c.a.boolOr("onlyVirtualNode", false) && !ch.virtual {
			continue
		}
		out = append(out, c.st.deptDTO(ch))
	}
	return pageResult{TotalCount: len(out), List: out}, nil
}

func hListDepartmentMembers(c *call) (any, error) {
	d, err := c.deptArg()
	if err != nil {
		return nil, err
	}
	p, err := pagingOf(c.a)
	if err != nil {
		return nil, err
	}
	ids := idList{}
	scope := []*dept{d}
	if c.a.boolOr("includeChildrenDepartments", false) {
		scope = c.st.subtree(d)
	}
	for _, x := range scope {
		for _, id := range x.members {
			ids.add(id)
		}
	}
	return c.st.userPage(c.st.usersByIDs(ids), p, viewOf(c.a)), nil
}

func hAddDepartmentMembers(c *call) (any, error) {
	return deptMembers(c, true)
}

func hRemoveDepartmentMembers(c *call) (any, error) {
	return deptMembers(c, false)
}

func deptMembers(c *call, add bool) (any, error) {
	if err := c.a.require("userIds"); err != nil {
		return nil, err
	}
	d, err := c.deptArg()
	if err != nil {
		return nil, err
	}
	users, err := c.st.usersOf(c.a.strs("userIds"), "")
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if add {
			d.members.add(u.id)
		} else {
			d.members.remove(u.id)
			d.leaders.remove(u.id)
		}
	}
	return success(), nil
}
