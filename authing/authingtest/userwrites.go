package authingtest

// Handlers of the user operations that change state.

func hCreateUser(c *call) (any, error) {
	opts := c.a.obj("options")
	u, err := c.st.createUser(c.a, opts.str("departmentIdType"), c.now)
	if err != nil {
		return nil, err
	}
	return c.st.userDTO(u, userView{customData: true}), nil
}

func hCreateUsersBatch(c *call) (any, error) {
	var list []map[string]any
	if err := c.a.decode("list", &list); err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, badRequest("list must not be empty")
	}
	// Validate the whole batch first so a failure creates nobody.
	seen := map[string]string{}
	for i, item := range list {
		a := args(item)
		if a.str("username") == "" && a.str("phone") == "" && a.str("email") == "" {
			return nil, badRequest("list[%d]: Must contain one of the following fields: username, phone, email", i)
		}
		if err := validateUserFields(a); err != nil {
			return nil, err
		}
		if err := c.st.checkUnique(a, ""); err != nil {
			return nil, err
		}
		for _, f := range uniqueUserFields {
			if v := a.str(f); v != "" {
				if prev, dup := seen[f+"\x00"+v]; dup {
					return nil, conflict("%s %s appears twice in the batch (%s)", f, v, prev)
				}
				seen[f+"\x00"+v] = f
			}
		}
	}
	opts := c.a.obj("options")
	out := make([]map[string]any, 0, len(list))
	for _, item := range list {
		u, err := c.st.createUser(args(item), opts.str("departmentIdType"), c.now)
		if err != nil {
			return nil, err
		}
		out = append(out, c.st.userDTO(u, userView{customData: true}))
	}
	return out, nil
}

// updateOne applies an update-user body to the user it names.
func (st *state) updateOne(c *call, a args, idType string) (*user, error) {
	if err := a.require("userId"); err != nil {
		return nil, err
	}
	u, err := st.findUser(a.str("userId"), idType)
	if err != nil {
		return nil, err
	}
	if err := validateUserFields(a); err != nil {
		return nil, err
	}
	if err := st.checkUnique(a, u.id); err != nil {
		return nil, err
	}
	if err := applyUserFields(u, a, c.now); err != nil {
		return nil, err
	}
	return u, nil
}

func hUpdateUser(c *call) (any, error) {
	u, err := c.st.updateOne(c, c.a, c.a.obj("options").str("userIdType"))
	if err != nil {
		return nil, err
	}
	return c.st.userDTO(u, userView{customData: true}), nil
}

func hUpdateUserBatch(c *call) (any, error) {
	var list []map[string]any
	if err := c.a.decode("list", &list); err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, badRequest("list must not be empty")
	}
	idType := c.a.obj("options").str("userIdType")
	for _, item := range list {
		if _, err := c.st.findUser(args(item).str("userId"), idType); err != nil {
			return nil, err
		}
	}
	out := make([]map[string]any, 0, len(list))
	for _, item := range list {
		u, err := c.st.updateOne(c, args(item), idType)
		if err != nil {
			return nil, err
		}
		out = append(out, c.st.userDTO(u, userView{customData: true}))
	}
	return out, nil
}

// usersOf resolves every id or fails on the first unknown one.
func (st *state) usersOf(ids []string, idType string) ([]*user, error) {
	out := make([]*user, 0, len(ids))
	for _, id := range ids {
		u, err := st.findUser(id, idType)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

func hDeleteUsersBatch(c *call) (any, error) {
	ids := c.a.strs("userIds")
	if len(ids) == 0 {
		return nil, badRequest("userIds must not be empty")
	}
	users, err := c.st.usersOf(ids, c.a.obj("options").str("userIdType"))
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		c.st.removeUserEverywhere(u.id)
	}
	return success(), nil
}

func hResignUser(c *call) (any, error) {
	if err := c.a.require("userId"); err != nil {
		return nil, err
	}
	return resign(c, []string{c.a.str("userId")})
}

func hResignUserBatch(c *call) (any, error) {
	ids := c.a.strs("userIds")
	if len(ids) == 0 {
		return nil, badRequest("userIds must not be empty")
	}
	return resign(c, ids)
}

func resign(c *call, ids []string) (any, error) {
	users, err := c.st.usersOf(ids, c.a.str("userIdType"))
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if u.status != "Resigned" {
			u.status, u.statusChangedAt = "Resigned", c.now
		}
		u.updatedAt = c.now
	}
	return success(), nil
}

func hKickUsers(c *call) (any, error) {
	if err := c.a.require("userId", "appIds"); err != nil {
		return nil, err
	}
	if _, err := c.st.findUser(c.a.str("userId"), c.a.obj("options").str("userIdType")); err != nil {
		return nil, err
	}
	for _, id := range c.a.strs("appIds") {
		if _, ok := c.st.apps[id]; !ok {
			return nil, appNotFound(id)
		}
	}
	return success(), nil
}

func hSetUserDepartments(c *call) (any, error) {
	if err := c.a.require("userId", "departments"); err != nil {
		return nil, err
	}
	u, err := c.st.findUser(c.a.str("userId"), c.a.obj("options").str("userIdType"))
	if err != nil {
		return nil, err
	}
	var items []struct {
		DepartmentID string `json:"departmentId"`
		IsLeader     bool   `json:"isLeader"`
	}
	if err := c.a.decode("departments", &items); err != nil {
		return nil, err
	}
	depts := make([]*dept, 0, len(items))
	for _, it := range items {
		d, err := c.st.findDeptAnyOrg(it.DepartmentID, "")
		if err != nil {
			return nil, err
		}
		depts = append(depts, d)
	}
	for _, d := range c.st.depts {
		d.members.remove(u.id)
		d.leaders.remove(u.id)
	}
	for i, d := range depts {
		d.members.add(u.id)
		if items[i].IsLeader {
			d.leaders.add(u.id)
		}
	}
	return success(), nil
}

// success is the data of IsSuccessRespDto.
func success() map[string]bool { return map[string]bool{"success": true} }
