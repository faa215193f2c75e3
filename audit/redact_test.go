package audit

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRedactArgs(t *testing.T) {
	t.Parallel()
	r := NewRedactor([]byte("test-key"))
	m := func(v string) string { return r.Marker([]byte(v)) }
	tests := []struct {
		name, in, want string
	}{
		{"safe kept", `{"userId":"6368c5f9b4a3c2d1e0f9a8b7","email":"a@b.c","page":2,"blocked":false}`,
			`{"blocked":false,"email":"a@b.c","page":2,"userId":"6368c5f9b4a3c2d1e0f9a8b7"}`},
		{"password", `{"password":"hunter2"}`, `{"password":"` + m("hunter2") + `"}`},
		{"nested secret object", `{"user":{"client_secret":{"a":1}}}`, `{"user":{"client_secret":"` + m(`{"a":1}`) + `"}}`},
		{"number under otp", `{"otp":123456}`, `{"otp":"` + m("123456") + `"}`},
		{"role code kept", `{"roleCode":"admin","code":"9876"}`, `{"code":"` + m("9876") + `","roleCode":"admin"}`},
		{"jwt in free field", `{"note":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2ln"}`, `{"note":"` + m("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2ln") + `"}`},
		{"slack token in text", `{"note":"use xoxp-1111-2222-abcd now"}`, `{"note":"use ` + m("xoxp-1111-2222-abcd") + ` now"}`},
		{"high entropy free", `{"blob":"aZ3kP9qL2mX7vB4nR8tY"}`, `{"blob":"` + m("aZ3kP9qL2mX7vB4nR8tY") + `"}`},
		{"search keywords are free text", `{"keywords":"alice@example.com","apiKey":"k"}`, `{"apiKey":"` + m("k") + `","keywords":"alice@example.com"}`},
		{"plain free text kept", `{"reason":"offboarding per ticket HR-1234"}`, `{"reason":"offboarding per ticket HR-1234"}`},
		{"uuid kept", `{"ref":"3f2b8c1e-1d2a-4b5c-9d8e-7f6a5b4c3d2e"}`, `{"ref":"3f2b8c1e-1d2a-4b5c-9d8e-7f6a5b4c3d2e"}`},
		{"arrays", `{"userIds":["u1","u2"],"tokens":["a","b"]}`, `{"tokens":"` + m(`["a","b"]`) + `","userIds":["u1","u2"]}`},
		{"bearer under safe key", `{"name":"Bearer abcdefghijklmnop"}`, `{"name":"` + m("Bearer abcdefghijklmnop") + `"}`},
		{"idempotent", `{"password":"` + m("x") + `"}`, `{"password":"` + m("x") + `"}`},
		{"not json", `{"a":`, `"` + m(`{"a":`) + `"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := string(r.RedactArgs(json.RawMessage(tc.in)))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("RedactArgs(%s) (-want +got):\n%s", tc.in, diff)
			}
			if again := string(r.RedactArgs(json.RawMessage(got))); again != got {
				t.Errorf("not idempotent: %s → %s", got, again)
			}
		})
	}
}

func TestRedactString(t *testing.T) {
	t.Parallel()
	r := NewRedactor([]byte("test-key"))
	tests := []struct {
		name, in  string
		leaks     []string
		mustKeeps []string
	}{
		{"bearer", "401 from Authing: Authorization: Bearer abc.def-ghi_jkl", []string{"abc.def-ghi_jkl"}, []string{"401 from Authing"}},
		{"json password", `bad request {"password":"s3cr3t!","username":"bob"}`, []string{"s3cr3t!"}, []string{"bob"}},
		{"query string", "GET /x?access_token=tok123&x=1 failed", []string{"tok123"}, []string{"x=1 failed"}},
		{"slack", "posting with xoxb-99-88-abcdef failed", []string{"xoxb-99-88-abcdef"}, []string{"failed"}},
		{"pem", "key -----BEGIN PRIVATE KEY-----\nMIIBVQ\n-----END PRIVATE KEY----- bad", []string{"MIIBVQ"}, []string{"bad"}},
		{"ordinary", "user 6368c5f9b4a3c2d1e0f9a8b7 not found (status code 404)", nil, []string{"user 6368c5f9b4a3c2d1e0f9a8b7 not found (status code 404)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := r.RedactString(tc.in)
			for _, l := range tc.leaks {
				if strings.Contains(got, l) {
					t.Errorf("RedactString(%q) = %q leaks %q", tc.in, got, l)
				}
			}
			for _, k := range tc.mustKeeps {
				if !strings.Contains(got, k) {
					t.Errorf("RedactString(%q) = %q lost %q", tc.in, got, k)
				}
			}
			if again := r.RedactString(got); again != got {
				t.Errorf("not idempotent: %q → %q", got, again)
			}
		})
	}
}

func TestMarkerKeyed(t *testing.T) {
	t.Parallel()
	a, b := NewRedactor([]byte("k1")), NewRedactor([]byte("k2"))
	if a.Marker([]byte("v")) != a.Marker([]byte("v")) {
		t.Error("equal values give different markers under one key")
	}
	if a.Marker([]byte("v")) == b.Marker([]byte("v")) {
		t.Error("different keys give equal markers")
	}
	if !IsMarker(a.Marker([]byte("v"))) || IsMarker("[REDACTED:hmac=xyz]") {
		t.Error("IsMarker misclassifies")
	}
	if NewRedactor(nil).Marker([]byte("v")) == NewRedactor(nil).Marker([]byte("v")) {
		t.Error("random keys collide")
	}
}

func TestTargetIDs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{`{"userId":"u1"}`, []string{"u1"}},
		{`{"userIds":["u1","u2","u1"],"roleCode":"admin"}`, []string{"admin", "u1", "u2"}},
		{`{"code":"editors","list":[{"groupCode":"g1"},{"departmentId":"d1"}]}`, []string{"editors", "g1", "d1"}},
		{`{"code":"123456","phone":"+86"}`, nil},
		{`{"appId":42,"id":"x"}`, []string{"42", "x"}},
		{`{"userId":"[REDACTED:hmac=0123456789ab]"}`, nil},
		{`not json`, nil},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, TargetIDs(json.RawMessage(tc.in))); diff != "" {
			t.Errorf("TargetIDs(%s) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestRedactStringKeepsURLPaths(t *testing.T) {
	t.Parallel()
	r := NewRedactor([]byte("k"))
	in := "operation get_access_key_list (GET /api/v3/get-access-key-list) is not emulated"
	if got := r.RedactString(in); got != in {
		t.Fatalf("a URL path was redacted: %q", got)
	}
}
