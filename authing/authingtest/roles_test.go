package authingtest

import (
	"net/url"
	"testing"
)

type roleOut struct {
	ID, Code, Name, Description, Namespace string
}

func TestRoles(t *testing.T) {
	t.Parallel()
	_, c := newClient(t, Options{Seed: SeedDemo})
	var r roleOut
	c.post("/api/v3/create-role", map[string]any{"code": "viewer", "description": "reads"}).into(t, &r)
	if r.Code != "viewer" || r.Name != "viewer" || r.Namespace != "default" || r.ID == "" {
		t.Fatalf("created role: %+v", r)
	}
	tests := []struct {
		name   string
		path   string
		body   map[string]any
		status int
	}{
		{"duplicate code", "/api/v3/create-role", map[string]any{"code": "viewer"}, 409},
		{"unknown namespace", "/api/v3/create-role", map[string]any{"code": "x", "namespace": "nowhere"}, 404},
		{"empty code", "/api/v3/create-role", map[string]any{"name": "x"}, 400},
		{"update to taken code", "/api/v3/update-role", map[string]any{"code": "viewer", "newCode": "admin", "name": "V"}, 409},
		{"update unknown", "/api/v3/update-role", map[string]any{"code": "nope", "newCode": "nope2", "name": "N"}, 404},
		{"assign unknown user", "/api/v3/assign-role", map[string]any{"code": "viewer", "targets": []any{map[string]any{"targetType": "USER", "targetIdentifier": "ghost"}}}, 404},
		{"assign unknown role", "/api/v3/assign-role", map[string]any{"code": "nope", "targets": []any{map[string]any{"targetType": "USER", "targetIdentifier": "ghost"}}}, 404},
		{"assign group target", "/api/v3/assign-role", map[string]any{"code": "viewer", "targets": []any{map[string]any{"targetType": "GROUP", "targetIdentifier": "oncall"}}}, 400},
		{"delete unknown", "/api/v3/delete-roles-batch", map[string]any{"codeList": []string{"nope"}}, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c.post(tt.path, tt.body).fails(t, tt.status, 0)
		})
	}
}

func TestRoleMembership(t *testing.T) {
	t.Parallel()
	_, c := newClient(t, Options{Seed: SeedDemo})
	carol, erin := c.findUser("carol"), c.findUser("erin")
	c.post("/api/v3/create-role", map[string]any{"code": "ops", "name": "Ops"}).into(t, nil)
	c.post("/api/v3/assign-role", map[string]any{"code": "ops", "targets": []any{
		map[string]any{"targetType": "USER", "targetIdentifier": carol},
		map[string]any{"targetType": "USER", "targetIdentifier": erin},
	}}).into(t, nil)
	var members page[userOut]
	c.get("/api/v3/list-role-members", url.Values{"code": {"ops"}, "limit": {"1"}}).into(t, &members)
	if members.TotalCount != 2 || len(members.List) != 1 {
		t.Fatalf("members: %+v", members)
	}
	c.post("/api/v3/revoke-role", map[string]any{"code": "ops", "targets": []any{map[string]any{"targetType": "USER", "targetIdentifier": erin}}}).into(t, nil)
	var has struct{ HasAnyRole bool }
	c.post("/api/v3/has-any-role", map[string]any{"userId": erin, "roles": []any{map[string]any{"code": "ops"}}}).into(t, &has)
	if has.HasAnyRole {
		t.Fatal("erin still holds ops after revoke")
	}

	c.post("/api/v3/update-role", map[string]any{"code": "ops", "newCode": "sre", "name": "SRE"}).into(t, nil)
	var r roleOut
	c.get("/api/v3/get-role", url.Values{"code": {"sre"}}).into(t, &r)
	if r.Name != "SRE" {
		t.Fatalf("renamed role: %+v", r)
	}
	c.get("/api/v3/get-role", url.Values{"code": {"ops"}}).fails(t, 404, 0)
	var check struct{ IsValid bool }
	c.post("/api/v3/check-role-params", map[string]any{"code": "sre", "namespace": "default"}).into(t, &check)
	if check.IsValid {
		t.Fatal("check-role-params accepts a taken code")
	}
	c.post("/api/v3/check-role-params", map[string]any{"code": "fresh", "namespace": "default"}).into(t, &check)
	if !check.IsValid {
		t.Fatal("check-role-params rejects a free code")
	}

	var roles page[roleOut]
	c.get("/api/v3/list-roles", url.Values{"keywords": {"sre"}}).into(t, &roles)
	if roles.TotalCount != 1 {
		t.Fatalf("list-roles keywords: %+v", roles)
	}
	c.post("/api/v3/delete-roles-batch", map[string]any{"codeList": []string{"sre"}}).into(t, nil)
	var userRoles page[roleOut]
	c.get("/api/v3/get-user-roles", url.Values{"userId": {carol}}).into(t, &userRoles)
	if userRoles.TotalCount != 1 || userRoles.List[0].Code != "developer" {
		t.Fatalf("carol's roles after delete: %+v", userRoles)
	}
}

func TestRoleNamespacesAndDepartmentTargets(t *testing.T) {
	t.Parallel()
	_, c := newClient(t, Options{Seed: SeedDemo})
	var apps page[struct{ AppID string }]
	c.get("/api/v3/list-applications", nil).into(t, &apps)
	ns := apps.List[0].AppID
	c.post("/api/v3/create-role", map[string]any{"code": "admin", "namespace": ns}).into(t, nil)
	var roles page[roleOut]
	c.get("/api/v3/list-roles", url.Values{"namespace": {ns}}).into(t, &roles)
	if roles.TotalCount != 1 || roles.List[0].Namespace != ns {
		t.Fatalf("roles of %s: %+v", ns, roles)
	}
	var d struct{ DepartmentID string }
	c.get("/api/v3/get-department", url.Values{"organizationCode": {DemoOrganizationCode}, "departmentId": {"support"}, "departmentIdType": {"code"}}).into(t, &d)
	c.post("/api/v3/assign-role", map[string]any{"code": "admin", "namespace": ns, "targets": []any{map[string]any{"targetType": "DEPARTMENT", "targetIdentifier": d.DepartmentID}}}).into(t, nil)
	var has struct{ HasAnyRole bool }
	c.post("/api/v3/has-any-role", map[string]any{"userId": "erin", "options": map[string]any{"userIdType": "username"}, "roles": []any{map[string]any{"code": "admin", "namespace": ns}}}).into(t, &has)
	if !has.HasAnyRole {
		t.Fatal("erin should hold the app admin role through the support department")
	}
}
