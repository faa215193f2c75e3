package authingtest

import (
	"net/url"
	"testing"
)

type userOut struct {
	UserID        string         `json:"userId"`
	Username      *string        `json:"username"`
	Email         *string        `json:"email"`
	Name          *string        `json:"name"`
	Status        string         `json:"status"`
	LoginsCount   *int           `json:"loginsCount"`
	LastLogin     *string        `json:"lastLogin"`
	LastIP        *string        `json:"lastIp"`
	Photo         string         `json:"photo"`
	CustomData    map[string]any `json:"customData"`
	DepartmentIDs []string       `json:"departmentIds"`
}

func TestCreateUserDefaults(t *testing.T) {
	t.Parallel()
	_, c := newClient(t, Options{})
	var u userOut
	c.post("/api/v3/create-user", map[string]any{"username": "zoe", "customData": map[string]any{"team": "x"}}).into(t, &u)
	if u.UserID == "" || u.Status != "Activated" || u.LoginsCount == nil || *u.LoginsCount != 0 ||
		u.LastLogin != nil || u.LastIP != nil || u.Photo == "" {
		t.Fatalf("new user defaults wrong: %+v", u)
	}
	if u.CustomData["team"] != "x" {
		t.Errorf("customData = %v", u.CustomData)
	}
}

func TestCreateUserValidation(t *testing.T) {
	t.Parallel()
	_, c := newClient(t, Options{Seed: SeedDemo})
	tests := []struct {
		name   string
		body   map[string]any
		status int
	}{
		{"duplicate username", map[string]any{"username": "alice"}, 409},
		{"duplicate email ignoring case", map[string]any{"email": "ALICE@sandbox.example"}, 409},
		{"duplicate phone", map[string]any{"phone": "13800000001"}, 409},
		{"bad email", map[string]any{"email": "not-an-email"}, 400},
		{"bad phone", map[string]any{"phone": "12ab"}, 400},
		{"bad status", map[string]any{"username": "q1", "status": "Sleeping"}, 400},
		{"unknown department", map[string]any{"username": "q2", "departmentIds": []string{"nope"}}, 404},
		{"nothing to identify", map[string]any{"nickname": "q3"}, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c.post("/api/v3/create-user", tt.body).fails(t, tt.status, 0)
		})
	}
}

func TestGetUser(t *testing.T) {
	t.Parallel()
	_, c := newClient(t, Options{Seed: SeedDemo})
	alice := c.findUser("alice")
	tests := []struct {
		name   string
		q      url.Values
		status int
	}{
		{"by id", url.Values{"userId": {alice}}, 200},
		{"by username", url.Values{"userId": {"alice"}, "userIdType": {"username"}}, 200},
		{"by email", url.Values{"userId": {"alice@sandbox.example"}, "userIdType": {"email"}}, 200},
		{"by phone, Python booleans", url.Values{"userId": {"13800000001"}, "userIdType": {"phone"}, "withCustomData": {"True"}}, 200},
		{"unknown", url.Values{"userId": {"nobody"}}, 404},
		{"unsupported id type", url.Values{"userId": {"x"}, "userIdType": {"identity"}}, 400},
		{"missing id", url.Values{}, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := c.get("/api/v3/get-user", tt.q)
			if tt.status != 200 {
				code := 0
				if tt.status == 404 {
					code = apiCodeUserNotFound
				}
				e.fails(t, tt.status, code)
				return
			}
			var u userOut
			e.into(t, &u)
			if u.UserID != alice {
				t.Errorf("got user %s, want %s", u.UserID, alice)
			}
		})
	}
}

func TestGetUserBatchQueryEncodings(t *testing.T) {
	t.Parallel()
	_, c := newClient(t, Options{Seed: SeedDemo})
	a, b := c.findUser("alice"), c.findUser("bob")
	tests := []struct {
		name string
		q    url.Values
	}{
		{"node brackets", url.Values{"userIds[]": {a, b}}},
		{"python repeats", url.Values{"userIds": {a, b}}},
		{"go fmt", url.Values{"userIds": {"[" + a + " " + b + "]"}}},
		{"json array", url.Values{"userIds": {`["` + a + `","` + b + `"]`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var users []userOut
			c.get("/api/v3/get-user-batch", tt.q).into(t, &users)
			if len(users) != 2 || users[0].UserID != a || users[1].UserID != b {
				t.Fatalf("got %+v", users)
			}
		})
	}
}

func TestListUsers(t *testing.T) {
	t.Parallel()
	_, c := newClient(t, Options{Seed: SeedDemo})
	tests := []struct {
		name      string
		body      map[string]any
		wantTotal int
		wantFirst string
		wantLen   int
	}{
		{"all", map[string]any{}, 5, "alice", 5},
		{"go sdk empty nested objects", map[string]any{"options": map[string]any{"pagination": map[string]any{}}}, 5, "alice", 5},
		{"page 2 of 2", map[string]any{"options": map[string]any{"pagination": map[string]any{"page": 2, "limit": 3}}}, 5, "dave", 2},
		{"keywords", map[string]any{"keywords": "CAROL"}, 1, "carol", 1},
		{"sort desc", map[string]any{"options": map[string]any{"sort": []any{map[string]any{"field": "username", "order": "desc"}}}}, 5, "erin", 5},
		{"advanced filter", map[string]any{"advancedFilter": []any{map[string]any{"field": "status", "operator": "EQUAL", "value": "Suspended"}}}, 1, "erin", 1},
		{"filter IN", map[string]any{"advancedFilter": []any{map[string]any{"field": "username", "operator": "IN", "value": []string{"bob", "dave"}}}}, 2, "bob", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var p page[userOut]
			c.post("/api/v3/list-users", tt.body).into(t, &p)
			if p.TotalCount != tt.wantTotal || len(p.List) != tt.wantLen || *p.List[0].Username != tt.wantFirst {
				t.Fatalf("total %d len %d first %v; want %d %d %s", p.TotalCount, len(p.List), *p.List[0].Username, tt.wantTotal, tt.wantLen, tt.wantFirst)
			}
		})
	}
	c.post("/api/v3/list-users", map[string]any{"options": map[string]any{"pagination": map[string]any{"limit": 51}}}).fails(t, 400, 0)
	var legacy page[userOut]
	c.get("/api/v3/list-users", url.Values{"page": {"1"}, "limit": {"2"}, "status": {"Activated"}}).into(t, &legacy)
	if legacy.TotalCount != 4 || len(legacy.List) != 2 {
		t.Fatalf("legacy list: %+v", legacy)
	}
}

func TestUpdateUsers(t *testing.T) {
	t.Parallel()
	_, c := newClient(t, Options{Seed: SeedDemo})
	alice, bob := c.findUser("alice"), c.findUser("bob")
	var u userOut
	c.post("/api/v3/update-user", map[string]any{"userId": alice, "name": "Alice A.", "status": "Suspended"}).into(t, &u)
	if *u.Name != "Alice A." || u.Status != "Suspended" {
		t.Fatalf("update: %+v", u)
	}
	c.post("/api/v3/update-user", map[string]any{"userId": alice, "username": "bob"}).fails(t, 409, 0)
	c.post("/api/v3/update-user", map[string]any{"userId": "nobody"}).fails(t, 404, apiCodeUserNotFound)
	c.post("/api/v3/update-user", map[string]any{"userId": "alice", "nickname": "al", "options": map[string]any{"userIdType": "username"}}).into(t, nil)

	var list []userOut
	c.post("/api/v3/update-user-batch", map[string]any{"list": []any{
		map[string]any{"userId": alice, "name": "A"}, map[string]any{"userId": bob, "name": "B"},
	}}).into(t, &list)
	if len(list) != 2 || *list[1].Name != "B" {
		t.Fatalf("batch update: %+v", list)
	}
	c.post("/api/v3/update-user-batch", map[string]any{"list": []any{map[string]any{"userId": "ghost", "name": "G"}}}).fails(t, 404, apiCodeUserNotFound)
}

func TestCreateUsersBatch(t *testing.T) {
	t.Parallel()
	_, c := newClient(t, Options{})
	var users []userOut
	c.post("/api/v3/create-users-batch", map[string]any{"list": []any{
		map[string]any{"username": "u1"}, map[string]any{"email": "u2@x.example"},
	}}).into(t, &users)
	if len(users) != 2 {
		t.Fatalf("batch create: %+v", users)
	}
	c.post("/api/v3/create-users-batch", map[string]any{"list": []any{
		map[string]any{"username": "u3"}, map[string]any{"username": "u3"},
	}}).fails(t, 409, 0)
	var exists struct{ Exists bool }
	c.post("/api/v3/is-user-exists", map[string]any{"username": "u3"}).into(t, &exists)
	if exists.Exists {
		t.Fatal("a failed batch created a user")
	}
	c.post("/api/v3/is-user-exists", map[string]any{"email": "U2@x.example"}).into(t, &exists)
	if !exists.Exists {
		t.Fatal("is-user-exists missed u2")
	}
}

func TestUserLifecycleAcrossResources(t *testing.T) {
	t.Parallel()
	_, c := newClient(t, Options{Seed: SeedDemo})
	bob := c.findUser("bob")
	var roles page[struct{ Code string }]
	c.get("/api/v3/get-user-roles", url.Values{"userId": {bob}}).into(t, &roles)
	var groups page[struct{ Code string }]
	c.get("/api/v3/get-user-groups", url.Values{"userId": {"bob"}, "userIdType": {"username"}}).into(t, &groups)
	var depts page[struct {
		Code     string
		IsLeader bool
	}]
	c.get("/api/v3/get-user-departments", url.Values{"userId": {bob}}).into(t, &depts)
	if roles.TotalCount != 1 || roles.List[0].Code != "developer" || groups.TotalCount != 1 || depts.TotalCount != 1 || !depts.List[0].IsLeader {
		t.Fatalf("bob's memberships: roles %+v groups %+v depts %+v", roles, groups, depts)
	}
	var has struct{ HasAnyRole bool }
	c.post("/api/v3/has-any-role", map[string]any{"userId": bob, "roles": []any{map[string]any{"code": "admin"}, map[string]any{"code": "developer"}}}).into(t, &has)
	if !has.HasAnyRole {
		t.Fatal("has-any-role: bob is a developer")
	}
	c.post("/api/v3/resign-user", map[string]any{"userId": bob}).into(t, nil)
	var u userOut
	c.get("/api/v3/get-user", url.Values{"userId": {bob}}).into(t, &u)
	if u.Status != "Resigned" {
		t.Fatalf("status after resign = %s", u.Status)
	}
	c.post("/api/v3/kick-users", map[string]any{"userId": bob, "appIds": []string{"no-app"}}).fails(t, 404, apiCodeAppNotFound)

	c.post("/api/v3/delete-users-batch", map[string]any{"userIds": []string{bob}}).into(t, nil)
	c.get("/api/v3/get-user", url.Values{"userId": {bob}}).fails(t, 404, apiCodeUserNotFound)
	var members page[userOut]
	c.get("/api/v3/list-role-members", url.Values{"code": {"developer"}}).into(t, &members)
	c.get("/api/v3/list-group-members", url.Values{"code": {"engineering"}}).into(t, &members)
	if members.TotalCount != 1 {
		t.Fatalf("engineering still lists the deleted user: %+v", members)
	}
	c.post("/api/v3/delete-users-batch", map[string]any{"userIds": []string{bob}}).fails(t, 404, apiCodeUserNotFound)
}

// findUser returns the id of the user with username name.
func (c *rawClient) findUser(name string) string {
	c.t.Helper()
	var u userOut
	c.get("/api/v3/get-user", url.Values{"userId": {name}, "userIdType": {"username"}}).into(c.t, &u)
	return u.UserID
}
