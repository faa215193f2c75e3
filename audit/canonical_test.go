package audit

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

func TestCanonicalJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"sorted keys", json.RawMessage(`{ "b": 1, "a": {"d": [1, 2], "c": null} }`), `{"a":{"c":null,"d":[1,2]},"b":1}`},
		{"numbers", json.RawMessage(`[1.0, 1e3, -0.5, 12345678901234567890, 7]`), `[1,1000,-0.5,12345678901234567890,7]`},
		{"no html escaping", json.RawMessage(`{"x":"<a&b>"}`), `{"x":"<a&b>"}`},
		{"control chars", "a\nb\x01", `"a\nb\u0001"`},
		{"unicode kept", "用户", `"用户"`},
		{"struct", struct {
			B string `json:"b"`
			A int    `json:"a"`
		}{"x", 1}, `{"a":1,"b":"x"}`},
		{"empty", json.RawMessage(``), `null`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := CanonicalJSON(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("CanonicalJSON = %s, want %s", got, tc.want)
			}
		})
	}
	if _, err := CanonicalJSON(json.RawMessage(`{"a":1} {}`)); err == nil {
		t.Error("trailing data accepted")
	}
}

func TestArgsHash(t *testing.T) {
	t.Parallel()
	a := ArgsHash("deleteUser", json.RawMessage(`{"userId":"u1","force":true}`))
	b := ArgsHash("deleteUser", json.RawMessage(`{ "force": true, "userId": "u1" }`))
	c := ArgsHash("getUser", json.RawMessage(`{"userId":"u1","force":true}`))
	if a != b || a == c || len(a) != 64 {
		t.Fatalf("ArgsHash: a=%s b=%s c=%s", a, b, c)
	}
}

// TestRecordCanonicalForm checks the hand-written record encoding is itself
// canonical JSON, so the hash input is exactly "canonical JSON of the record".
func TestRecordCanonicalForm(t *testing.T) {
	t.Parallel()
	r := &Record{
		Seq: 7, ID: "id-1", Time: time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC), Phase: PhaseSucceeded,
		Surface: SurfaceMCP, Caller: "mcp:claude", Origin: Origin{MCPSession: "s1"}, Operation: "op",
		Targets: []string{"u1"}, Args: json.RawMessage(`{"a":1}`), PolicyIDs: []string{"p1", "p2"},
		ErrorMessage: "quote \" and <tag>", DurationMS: 12, PrevHash: "abc",
	}
	var buf bytes.Buffer
	writeRecordCanonical(&buf, r)
	canon, err := CanonicalJSON(buf.Bytes())
	if err != nil {
		t.Fatalf("record encoding is not JSON: %v\n%s", err, buf.String())
	}
	if !bytes.Equal(canon, buf.Bytes()) {
		t.Fatalf("record encoding is not canonical:\n got %s\nwant %s", buf.String(), canon)
	}
	var back map[string]any
	_ = json.Unmarshal(buf.Bytes(), &back)
	if _, ok := back["hash"]; ok || len(back) != 25 {
		t.Fatalf("record encoding has %d fields (hash present: %v), want the 25 fields other than hash", len(back), ok)
	}
}
