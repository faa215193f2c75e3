package audit

import (
	"encoding/json"
	"os"
	"testing"
)

// benchSecretError is an error message that carries secrets, as an HTTP
// failure quoting its request might.
const benchSecretError = `authing: 400 POST /api/v3/create-user (request id 7f3a9c): {"username":"bob","password":"s3cr3t!Pa55",` +
	`"accessToken":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl"} sent with Authorization: Bearer 9f8e7d6c5b4a39281706 ` +
	`and api_key=k-0123456789; retry later`

// BenchmarkRedactString redacts every key and string of a realistic user
// (testdata/user.json, what get_user returns) and a secret-bearing error,
// with the pre-checks ("fast") and with the plain patterns ("plain", the
// implementation before them).
//
//	go test ./audit -run '^$' -bench RedactString -benchmem
func BenchmarkRedactString(b *testing.B) {
	raw, err := os.ReadFile("testdata/user.json")
	if err != nil {
		b.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		b.Fatal(err)
	}
	user := stringsOf(v)
	r := NewRedactor([]byte("bench-key"))
	impls := []struct {
		name string
		f    func(string) string
	}{{"fast", r.RedactString}, {"plain", func(s string) string { return refRedactString(r, s) }}}
	for _, impl := range impls {
		b.Run("user-strings/"+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, s := range user {
					impl.f(s)
				}
			}
		})
		b.Run("secret-error/"+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				impl.f(benchSecretError)
			}
		})
	}
}

// BenchmarkRedactArgs redacts the user as a whole JSON document, as the
// MCP face does with every result.
func BenchmarkRedactArgs(b *testing.B) {
	raw, err := os.ReadFile("testdata/user.json")
	if err != nil {
		b.Fatal(err)
	}
	r := NewRedactor([]byte("bench-key"))
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		r.RedactArgs(raw)
	}
}
