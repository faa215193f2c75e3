package authingtest

import (
	"net/url"
	"testing"
)

type appOut struct {
	AppID, AppIdentifier, AppName, AppType, UserPoolID, DefaultProtocol string
	RedirectUris                                                        []string
}

func TestApplications(t *testing.T) {
	t.Parallel()
	_, c := newClient(t, Options{Seed: SeedDemo})
	var a appOut
	c.post("/api/v3/create-application", map[string]any{"appName": "Wiki", "appIdentifier": "wiki", "redirectUris": []string{"https://wiki/cb"}}).into(t, &a)
	if a.AppID == "" || a.AppType != "web" || a.DefaultProtocol != "oidc" || a.UserPoolID != DemoUserPoolID || len(a.RedirectUris) != 1 {
		t.Fatalf("created app: %+v", a)
	}
	tests := []struct {
		name   string
		body   map[string]any
		status int
	}{
		{"duplicate identifier", map[string]any{"appName": "Wiki 2", "appIdentifier": "wiki"}, 409},
		{"no name", map[string]any{"appIdentifier": "w3"}, 400},
		{"bad type", map[string]any{"appName": "W4", "appType": "desktop"}, 400},
	}
	t.Run("validation", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				c.post("/api/v3/create-application", tt.body).fails(t, tt.status, 0)
			})
		}
	})

	var got appOut
	c.get("/api/v3/get-application", url.Values{"appId": {a.AppID}}).into(t, &got)
	if got.AppName != "Wiki" {
		t.Fatalf("get-application: %+v", got)
	}
	var apps page[appOut]
	c.get("/api/v3/list-applications", url.Values{"keywords": {"wik"}}).into(t, &apps)
	if apps.TotalCount != 1 {
		t.Fatalf("list-applications keywords: %+v", apps)
	}
	c.get("/api/v3/list-applications", url.Values{"page": {"1"}, "limit": {"1"}}).into(t, &apps)
	if apps.TotalCount != 2 || len(apps.List) != 1 || apps.List[0].AppIdentifier != DemoAppIdentifier {
		t.Fatalf("list-applications page: %+v", apps)
	}
	c.post("/api/v3/create-role", map[string]any{"code": "editor", "namespace": a.AppID}).into(t, nil)
	c.post("/api/v3/kick-users", map[string]any{"userId": "alice", "appIds": []string{a.AppID}, "options": map[string]any{"userIdType": "username"}}).into(t, nil)
	c.post("/api/v3/delete-application", map[string]any{"appId": a.AppID}).into(t, nil)
	c.get("/api/v3/get-application", url.Values{"appId": {a.AppID}}).fails(t, 404, apiCodeAppNotFound)
	c.get("/api/v3/get-role", url.Values{"code": {"editor"}, "namespace": {a.AppID}}).fails(t, 404, 0)
	c.post("/api/v3/delete-application", map[string]any{"appId": a.AppID}).fails(t, 404, apiCodeAppNotFound)
}
