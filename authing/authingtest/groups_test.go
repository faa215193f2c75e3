package authingtest

import (
	"net/url"
	"testing"
)

type groupOut struct {
	ID, Code, Name, Description, Type string
}

func TestGroups(t *testing.T) {
	t.Parallel()
	_, c := newClient(t, Options{Seed: SeedDemo})
	var g groupOut
	c.post("/api/v3/create-group", map[string]any{"code": "qa", "name": "QA", "description": "testers", "type": "static"}).into(t, &g)
	if g.Code != "qa" || g.Type != "static" || g.ID == "" {
		t.Fatalf("created group: %+v", g)
	}
	tests := []struct {
		name   string
		path   string
		body   map[string]any
		status int
	}{
		{"duplicate", "/api/v3/create-group", map[string]any{"code": "qa", "name": "QA"}, 409},
		{"no name", "/api/v3/create-group", map[string]any{"code": "qa2"}, 400},
		{"bad type", "/api/v3/create-group", map[string]any{"code": "qa3", "name": "x", "type": "weird"}, 400},
		{"rename to taken", "/api/v3/update-group", map[string]any{"code": "qa", "newCode": "oncall", "description": ""}, 409},
		{"add unknown user", "/api/v3/add-group-members", map[string]any{"code": "qa", "userIds": []string{"ghost"}}, 404},
		{"add to unknown group", "/api/v3/add-group-members", map[string]any{"code": "nope", "userIds": []string{"ghost"}}, 404},
		{"delete unknown", "/api/v3/delete-groups-batch", map[string]any{"codeList": []string{"nope"}}, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c.post(tt.path, tt.body).fails(t, tt.status, 0)
		})
	}
}

func TestGroupMembers(t *testing.T) {
	t.Parallel()
	_, c := newClient(t, Options{Seed: SeedDemo})
	alice, erin := c.findUser("alice"), c.findUser("erin")
	c.post("/api/v3/create-group", map[string]any{"code": "qa", "name": "QA", "description": "", "type": "static"}).into(t, nil)
	c.post("/api/v3/add-group-members", map[string]any{"code": "qa", "userIds": []string{alice, erin}}).into(t, nil)
	c.post("/api/v3/remove-group-members", map[string]any{"code": "qa", "userIds": []string{alice}}).into(t, nil)
	var members page[userOut]
	c.get("/api/v3/list-group-members", url.Values{"code": {"qa"}}).into(t, &members)
	if members.TotalCount != 1 || members.List[0].UserID != erin {
		t.Fatalf("qa members: %+v", members)
	}
	var g groupOut
	c.post("/api/v3/update-group", map[string]any{"code": "qa", "newCode": "quality", "name": "Quality", "description": "d"}).into(t, &g)
	if g.Code != "quality" || g.Name != "Quality" {
		t.Fatalf("updated group: %+v", g)
	}
	c.get("/api/v3/get-group", url.Values{"code": {"qa"}}).fails(t, 404, 0)
	c.get("/api/v3/get-group", url.Values{"code": {"quality"}}).into(t, &g)

	var groups page[groupOut]
	c.get("/api/v3/list-groups", url.Values{"keywords": {"qual"}}).into(t, &groups)
	if groups.TotalCount != 1 {
		t.Fatalf("list-groups keywords: %+v", groups)
	}
	var all []struct {
		Code    string
		Members []userOut
	}
	c.get("/api/v3/get-all-groups", url.Values{"fetchMembers": {"true"}}).into(t, &all)
	if len(all) != 3 || len(all[2].Members) != 1 {
		t.Fatalf("get-all-groups: %+v", all)
	}
	c.post("/api/v3/delete-groups-batch", map[string]any{"codeList": []string{"quality"}}).into(t, nil)
	var userGroups page[groupOut]
	c.get("/api/v3/get-user-groups", url.Values{"userId": {erin}}).into(t, &userGroups)
	if userGroups.TotalCount != 0 {
		t.Fatalf("erin's groups after delete: %+v", userGroups)
	}
}
