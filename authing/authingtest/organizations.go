package authingtest

import "time"

// org is one organization; its tree hangs from the root department rootID.
type org struct {
	code, name, description, rootID string
	leaders                         idList
	seq                             int
	createdAt, updatedAt            time.Time
}

func (o *org) order() int { return o.seq }

func (st *state) orgDTO(o *org) map[string]any {
	root := st.depts[o.rootID]
	return map[string]any{
		"organizationCode": o.code, "organizationName": o.name, "description": o.description,
		"createdAt": isoTime(o.createdAt), "updatedAt": isoTime(o.updatedAt),
		"departmentId": o.rootID, "openDepartmentId": root.openID,
		"hasChildren": len(st.children(root)) > 0, "leaderUserIds": nonNil([]string(o.leaders)),
		"membersCount": len(root.members), "isVirtualNode": false, "postIdList": []string{},
		"status": "ENABLE",
	}
}

func (st *state) findOrg(code string) (*org, error) {
	o, ok := st.orgs[code]
	if !ok {
		return nil, notFound("organization %s not found", code)
	}
	return o, nil
}

// createOrg adds an organization and its root department.
func (st *state) createOrg(code, name, description, openID string, now time.Time) (*org, error) {
	if err := validCode("organization", code); err != nil {
		return nil, err
	}
	if name == "" {
		return nil, badRequest("organizationName must not be empty")
	}
	if _, dup := st.orgs[code]; dup {
		return nil, conflict("organization code %s already exists", code)
	}
	root := &dept{
		id: st.nextID(), orgCode: code, name: name, code: code, description: description, openID: openID,
		customData: map[string]any{}, createdAt: now, updatedAt: now,
	}
	root.seq = st.seq
	st.depts[root.id] = root
	o := &org{code: code, name: name, description: description, rootID: root.id, seq: st.seq, createdAt: now, updatedAt: now}
	st.orgs[code] = o
	return o, nil
}

func hCreateOrganization(c *call) (any, error) {
	if err := c.a.require("organizationCode", "organizationName"); err != nil {
		return nil, err
	}
	o, err := c.st.createOrg(c.a.str("organizationCode"), c.a.str("organizationName"),
		c.a.str("description"), c.a.str("openDepartmentId"), c.now)
	if err != nil {
		return nil, err
	}
	return c.st.orgDTO(o), nil
}

func hListOrganizations(c *call) (any, error) {
	out := []map[string]any{}
	for _, o := range sortedBySeq(c.st.orgs) {
		out = append(out, c.st.orgDTO(o))
	}
	if c.a.boolOr("fetchAll", false) {
		return pageResult{TotalCount: len(out), List: out}, nil
	}
	p, err := pagingOf(c.a)
	if err != nil {
		return nil, err
	}
	return paginate(out, p), nil
}

func hGetOrganization(c *call) (any, error) {
	if err := c.a.require("organizationCode"); err != nil {
		return nil, err
	}
	o, err := c.st.findOrg(c.a.str("organizationCode"))
	if err != nil {
		return nil, err
	}
	return c.st.orgDTO(o), nil
}

func hUpdateOrganization(c *call) (any, error) {
	if err := c.a.require("organizationCode"); err != nil {
		return nil, err
	}
	o, err := c.st.findOrg(c.a.str("organizationCode"))
	if err != nil {
		return nil, err
	}
	root := c.st.depts[o.rootID]
	if nc := c.a.str("organizationNewCode"); nc != "" && nc != o.code {
		if err := validCode("organization", nc); err != nil {
			return nil, err
		}
		if _, dup := c.st.orgs[nc]; dup {
			return nil, conflict("organization code %s already exists", nc)
		}
		for _, d := range c.st.depts {
			if d.orgCode == o.code {
				d.orgCode = nc
			}
		}
		delete(c.st.orgs, o.code)
		o.code, root.code = nc, nc
		c.st.orgs[nc] = o
	}
	if c.a.has("leaderUserIds") {
		users, err := c.st.usersOf(c.a.strs("leaderUserIds"), "")
		if err != nil {
			return nil, err
		}
		o.leaders = nil
		for _, u := range users {
			o.leaders.add(u.id)
		}
	}
	if n := c.a.str("organizationName"); n != "" {
		o.name, root.name = n, n
	}
	if c.a.has("description") {
		o.description = c.a.str("description")
	}
	if c.a.has("openDepartmentId") {
		root.openID = c.a.str("openDepartmentId")
	}
	o.updatedAt, root.updatedAt = c.now, c.now
	return c.st.orgDTO(o), nil
}

func hDeleteOrganization(c *call) (any, error) {
	if err := c.a.require("organizationCode"); err != nil {
		return nil, err
	}
	o, err := c.st.findOrg(c.a.str("organizationCode"))
	if err != nil {
		return nil, err
	}
	c.st.deleteDept(c.st.depts[o.rootID])
	delete(c.st.orgs, o.code)
	return success(), nil
}
