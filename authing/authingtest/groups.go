package authingtest

import "strings"

// group is one user group; codes are unique in the pool.
type group struct {
	id, code, name, description, typ string
	customData                       map[string]any
	seq                              int
	members                          idList
}

func (g *group) order() int { return g.seq }

func (g *group) dto() map[string]any {
	return map[string]any{
		"id": g.id, "code": g.code, "name": g.name, "description": g.description, "type": g.typ,
		"metadataSource": []string{}, "members": []any{},
	}
}

func (st *state) findGroup(code string) (*group, error) {
	g, ok := st.groups[code]
	if !ok {
		return nil, notFound("group %s not found", code)
	}
	return g, nil
}

func hCreateGroup(c *call) (any, error) {
	if err := c.a.require("code", "name"); err != nil {
		return nil, err
	}
	code := c.a.str("code")
	if err := validCode("group", code); err != nil {
		return nil, err
	}
	if _, dup := c.st.groups[code]; dup {
		return nil, conflict("group code %s already exists", code)
	}
	typ := c.a.str("type")
	if typ == "" {
		typ = "static"
	}
	if typ != "static" && typ != "dynamic" {
		return nil, badRequest("type must be static or dynamic")
	}
	g := &group{
		id: c.st.nextID(), code: code, name: c.a.str("name"), description: c.a.str("description"),
		typ: typ, customData: map[string]any{},
	}
	if err := c.a.decode("customData", &g.customData); err != nil {
		return nil, err
	}
	g.seq = c.st.seq
	c.st.groups[code] = g
	return g.dto(), nil
}

func hGetGroup(c *call) (any, error) {
	if err := c.a.require("code"); err != nil {
		return nil, err
	}
	g, err := c.st.findGroup(c.a.str("code"))
	if err != nil {
		return nil, err
	}
	m := g.dto()
	if c.a.boolOr("withCustomData", false) {
		m["customData"] = g.customData
	}
	return m, nil
}

func hListGroups(c *call) (any, error) {
	p, err := pagingOf(c.a)
	if err != nil {
		return nil, err
	}
	kw := strings.ToLower(c.a.str("keywords"))
	var out []map[string]any
	for _, g := range sortedBySeq(c.st.groups) {
		if kw != "" && !strings.Contains(strings.ToLower(g.code), kw) && !strings.Contains(strings.ToLower(g.name), kw) {
			continue
		}
		m := g.dto()
		if c.a.boolOr("withCustomData", false) {
			m["customData"] = g.customData
		}
		out = append(out, m)
	}
	return paginate(out, p), nil
}

func hGetAllGroups(c *call) (any, error) {
	out := []map[string]any{}
	for _, g := range sortedBySeq(c.st.groups) {
		m := g.dto()
		if c.a.boolOr("fetchMembers", false) {
			members := []map[string]any{}
			for _, u := range c.st.usersByIDs(g.members) {
				members = append(members, c.st.userDTO(u, userView{}))
			}
			m["members"] = members
		}
		out = append(out, m)
	}
	return out, nil
}

func hUpdateGroup(c *call) (any, error) {
	if err := c.a.require("code"); err != nil {
		return nil, err
	}
	g, err := c.st.findGroup(c.a.str("code"))
	if err != nil {
		return nil, err
	}
	if nc := c.a.str("newCode"); nc != "" && nc != g.code {
		if err := validCode("group", nc); err != nil {
			return nil, err
		}
		if _, dup := c.st.groups[nc]; dup {
			return nil, conflict("group code %s already exists", nc)
		}
		delete(c.st.groups, g.code)
		g.code = nc
		c.st.groups[nc] = g
	}
	if c.a.has("name") {
		g.name = c.a.str("name")
	}
	if c.a.has("description") {
		g.description = c.a.str("description")
	}
	var cd map[string]any
	if err := c.a.decode("customData", &cd); err != nil {
		return nil, err
	}
	for k, v := range cd {
		g.customData[k] = v
	}
	return g.dto(), nil
}

func hDeleteGroupsBatch(c *call) (any, error) {
	codes := c.a.strs("codeList")
	if len(codes) == 0 {
		return nil, badRequest("codeList must not be empty")
	}
	for _, code := range codes {
		if _, err := c.st.findGroup(code); err != nil {
			return nil, err
		}
	}
	for _, code := range codes {
		delete(c.st.groups, code)
	}
	return success(), nil
}

func hAddGroupMembers(c *call) (any, error) {
	return groupMembers(c, true)
}

func hRemoveGroupMembers(c *call) (any, error) {
	return groupMembers(c, false)
}

func groupMembers(c *call, add bool) (any, error) {
	if err := c.a.require("code", "userIds"); err != nil {
		return nil, err
	}
	g, err := c.st.findGroup(c.a.str("code"))
	if err != nil {
		return nil, err
	}
	users, err := c.st.usersOf(c.a.strs("userIds"), "")
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if add {
			g.members.add(u.id)
		} else {
			g.members.remove(u.id)
		}
	}
	return success(), nil
}

func hListGroupMembers(c *call) (any, error) {
	if err := c.a.require("code"); err != nil {
		return nil, err
	}
	g, err := c.st.findGroup(c.a.str("code"))
	if err != nil {
		return nil, err
	}
	p, err := pagingOf(c.a)
	if err != nil {
		return nil, err
	}
	return c.st.userPage(c.st.usersByIDs(g.members), p, viewOf(c.a)), nil
}
