package authingtest

import (
	"net/url"
	"testing"
)

type orgOut struct {
	OrganizationCode, OrganizationName, DepartmentID string
	HasChildren                                      bool
}

type deptOut struct {
	DepartmentID, OrganizationCode, Name, Code, ParentDepartmentID string
	MembersCount                                                   int
	HasChildren                                                    bool
	LeaderUserIDs                                                  []string `json:"leaderUserIds"`
}

func TestOrganizations(t *testing.T) {
	t.Parallel()
	_, c := newClient(t, Options{Seed: SeedDemo})
	var o orgOut
	c.post("/api/v3/create-organization", map[string]any{"organizationCode": "acme", "organizationName": "Acme"}).into(t, &o)
	if o.OrganizationCode != "acme" || o.DepartmentID == "" || o.HasChildren {
		t.Fatalf("created org: %+v", o)
	}
	c.post("/api/v3/create-organization", map[string]any{"organizationCode": "acme", "organizationName": "Again"}).fails(t, 409, 0)
	c.post("/api/v3/create-organization", map[string]any{"organizationCode": "x"}).fails(t, 400, 0)

	var orgs page[orgOut]
	c.get("/api/v3/list-organizations", url.Values{"page": {"1"}, "limit": {"1"}}).into(t, &orgs)
	if orgs.TotalCount != 2 || len(orgs.List) != 1 || orgs.List[0].OrganizationCode != DemoOrganizationCode || !orgs.List[0].HasChildren {
		t.Fatalf("list-organizations: %+v", orgs)
	}
	c.post("/api/v3/update-organization", map[string]any{"organizationCode": "acme", "organizationNewCode": "acme2", "organizationName": "Acme 2"}).into(t, &o)
	c.get("/api/v3/get-organization", url.Values{"organizationCode": {"acme2"}}).into(t, &o)
	if o.OrganizationName != "Acme 2" {
		t.Fatalf("renamed org: %+v", o)
	}
	c.post("/api/v3/delete-organization", map[string]any{"organizationCode": "acme2"}).into(t, nil)
	c.get("/api/v3/get-organization", url.Values{"organizationCode": {"acme2"}}).fails(t, 404, 0)
}

func TestDepartments(t *testing.T) {
	t.Parallel()
	_, c := newClient(t, Options{Seed: SeedDemo})
	var o orgOut
	c.get("/api/v3/get-organization", url.Values{"organizationCode": {DemoOrganizationCode}}).into(t, &o)
	org := DemoOrganizationCode
	var d deptOut
	c.post("/api/v3/create-department", map[string]any{"organizationCode": org, "parentDepartmentId": o.DepartmentID, "name": "Sales", "code": "sales"}).into(t, &d)
	if d.ParentDepartmentID != o.DepartmentID || d.Code != "sales" {
		t.Fatalf("created dept: %+v", d)
	}
	tests := []struct {
		name   string
		path   string
		body   map[string]any
		status int
	}{
		{"duplicate code", "/api/v3/create-department", map[string]any{"organizationCode": org, "parentDepartmentId": o.DepartmentID, "name": "S2", "code": "sales"}, 409},
		{"unknown parent", "/api/v3/create-department", map[string]any{"organizationCode": org, "parentDepartmentId": "nope", "name": "S3"}, 404},
		{"unknown org", "/api/v3/create-department", map[string]any{"organizationCode": "nope", "parentDepartmentId": o.DepartmentID, "name": "S4"}, 404},
		{"no name", "/api/v3/create-department", map[string]any{"organizationCode": org, "parentDepartmentId": o.DepartmentID}, 400},
		{"delete root", "/api/v3/delete-department", map[string]any{"organizationCode": org, "departmentId": o.DepartmentID}, 400},
		{"move under itself", "/api/v3/update-department", map[string]any{"organizationCode": org, "departmentId": "eng", "departmentIdType": "code", "parentDepartmentId": "platform"}, 400},
		{"add unknown member", "/api/v3/add-department-members", map[string]any{"organizationCode": org, "departmentId": d.DepartmentID, "userIds": []string{"ghost"}}, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c.post(tt.path, tt.body).fails(t, tt.status, 0)
		})
	}
}

func TestDepartmentMembers(t *testing.T) {
	t.Parallel()
	_, c := newClient(t, Options{Seed: SeedDemo})
	org, eng, alice := DemoOrganizationCode, c.deptID("eng"), c.findUser("alice")
	c.post("/api/v3/add-department-members", map[string]any{"organizationCode": org, "departmentId": eng, "userIds": []string{alice}}).into(t, nil)
	var members page[userOut]
	c.get("/api/v3/list-department-members", url.Values{"organizationCode": {org}, "departmentId": {eng}}).into(t, &members)
	if members.TotalCount != 3 {
		t.Fatalf("eng members: %+v", members)
	}
	c.get("/api/v3/list-department-members", url.Values{"organizationCode": {org}, "departmentId": {eng}, "includeChildrenDepartments": {"true"}}).into(t, &members)
	if members.TotalCount != 4 {
		t.Fatalf("eng members with children: %+v", members)
	}
	c.post("/api/v3/remove-department-members", map[string]any{"organizationCode": org, "departmentId": eng, "userIds": []string{alice}}).into(t, nil)

	var children page[deptOut]
	c.get("/api/v3/list-children-departments", url.Values{"organizationCode": {org}, "departmentId": {eng}}).into(t, &children)
	if children.TotalCount != 1 || children.List[0].Code != "platform" {
		t.Fatalf("children of eng: %+v", children)
	}
	var d deptOut
	c.post("/api/v3/update-department", map[string]any{"organizationCode": org, "departmentId": eng, "name": "R&D", "leaderUserIds": []string{alice}}).into(t, &d)
	if d.Name != "R&D" || len(d.LeaderUserIDs) != 1 || d.LeaderUserIDs[0] != alice {
		t.Fatalf("updated eng: %+v", d)
	}
	u := c.mkUser(map[string]any{"username": "newbie"})
	c.post("/api/v3/set-user-departments", map[string]any{"userId": u, "departments": []any{
		map[string]any{"departmentId": eng, "isLeader": true}, map[string]any{"departmentId": c.deptID("support")},
	}}).into(t, nil)
	var got userOut
	c.get("/api/v3/get-user", url.Values{"userId": {u}, "withDepartmentIds": {"true"}}).into(t, &got)
	if len(got.DepartmentIDs) != 2 {
		t.Fatalf("newbie's departments: %v", got.DepartmentIDs)
	}

	c.post("/api/v3/delete-department", map[string]any{"organizationCode": org, "departmentId": eng}).into(t, nil)
	c.get("/api/v3/get-department", url.Values{"organizationCode": {org}, "departmentId": {"platform"}, "departmentIdType": {"code"}}).fails(t, 404, 0)
	c.get("/api/v3/get-user", url.Values{"userId": {u}, "withDepartmentIds": {"true"}}).into(t, &got)
	if len(got.DepartmentIDs) != 1 {
		t.Fatalf("newbie's departments after deleting eng: %v", got.DepartmentIDs)
	}
}

// deptID returns the id of the demo department with code.
func (c *rawClient) deptID(code string) string {
	c.t.Helper()
	var d deptOut
	c.get("/api/v3/get-department", url.Values{"organizationCode": {DemoOrganizationCode}, "departmentId": {code}, "departmentIdType": {"code"}}).into(c.t, &d)
	return d.DepartmentID
}
