package kvargs

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/seed-afc46a91/authingops/authing"
)

func TestSplit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
		err  string
	}{
		{`a b  c`, []string{"a", "b", "c"}, ""},
		{`name="Ada Lovelace" x=1`, []string{"name=Ada Lovelace", "x=1"}, ""},
		{`q='it is' r="say \"hi\""`, []string{"q=it is", `r=say "hi"`}, ""},
		{"name=\u201cAda L\u201d", []string{"name=Ada L"}, ""},
		{`a\ b`, []string{"a b"}, ""},
		{`x=""`, []string{"x="}, ""},
		{`x="open`, nil, "unterminated"},
		{``, nil, ""},
	}
	for _, tt := range tests {
		got, err := Split(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Split(%q) err = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || !cmp.Equal(got, tt.want) {
			t.Errorf("Split(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestBuildTypesValuesFromTheSchema(t *testing.T) {
	t.Parallel()
	op := mustOp(t, "list_users")
	got, err := Build(op, []string{"keywords=bob", "options.pagination.page=2", "options.pagination.limit=20", "options.withCustomData=yes"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"keywords":"bob","options":{"pagination":{"limit":20,"page":2},"withCustomData":true}}`
	if string(got) != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
	del := mustOp(t, "delete_users_batch")
	got, err = Build(del, []string{"userIds=u1,u2"})
	if err != nil || string(got) != `{"userIds":["u1","u2"]}` {
		t.Fatalf("comma list: %s %v", got, err)
	}
	got, err = Build(del, []string{`userIds=["u1"]`})
	if err != nil || string(got) != `{"userIds":["u1"]}` {
		t.Fatalf("JSON list: %s %v", got, err)
	}
}

func TestBuildErrorsNameTheProblem(t *testing.T) {
	t.Parallel()
	op := mustOp(t, "list_users")
	tests := []struct {
		words []string
		want  string
	}{
		{[]string{"nope=1"}, `"nope" is not a field here; valid fields: advancedFilter, keywords, options, searchQuery`},
		{[]string{"keywords"}, "expected key=value"},
		{[]string{"options.pagination.page=two"}, "expected a whole number"},
		{[]string{"options.withCustomData=maybe"}, "expected true or false"},
		{[]string{"keywords=a", "keywords=b"}, "given more than once"},
		{[]string{"options={bad"}, "not valid JSON"},
		{[]string{"keywords.x=1"}, "is not an object"},
	}
	for _, tt := range tests {
		_, err := Build(op, tt.words)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Build(%q) err = %v, want %q", tt.words, err, tt.want)
		}
	}
	_, err := Build(mustOp(t, "get_user"), []string{"userIdType=nickname"})
	if err == nil || !strings.Contains(err.Error(), "expected one of user_id") {
		t.Errorf("enum: %v", err)
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	got := Suggest("list_user", 3)
	if len(got) == 0 || got[0] != "list_users" {
		t.Fatalf("Suggest(list_user) = %v", got)
	}
	if got := Suggest("zzzzzzzzzzzzzzzz", 3); len(got) != 0 {
		t.Fatalf("nonsense suggestions: %v", got)
	}
}

// FuzzSplitBuild checks that no input makes the parser panic and that what
// Split returns for quoted words survives a round trip.
func FuzzSplitBuild(f *testing.F) {
	for _, s := range []string{`a=b`, `name="x y"`, `options.pagination.page=1`, `userIds=["u1"]`, `'`, `\`, "\u201c"} {
		f.Add(s)
	}
	op, _ := authing.LookupOperation("list_users")
	f.Fuzz(func(t *testing.T, s string) {
		words, err := Split(s)
		if err != nil {
			return
		}
		if b, err := Build(op, words); err == nil && !json.Valid(b) {
			t.Fatalf("Build produced invalid JSON %q", b)
		}
	})
}

func mustOp(t *testing.T, name string) *authing.Operation {
	t.Helper()
	op, ok := authing.LookupOperation(name)
	if !ok {
		t.Fatalf("%s not in catalog", name)
	}
	return op
}
