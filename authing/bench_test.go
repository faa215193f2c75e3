package authing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/seed-afc46a91/authingops/authing"
)

const benchAnswer = `{"statusCode":200,"message":"ok","data":{"userId":"u1","status":"Activated","workStatus":"Active","createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z","username":"bob","email":"bob@example.com","loginsCount":0}}`

// BenchmarkClientCall measures one typed call (encode, token, send, decode
// envelope and data) against a local server.
func BenchmarkClientCall(b *testing.B) {
	c, f := benchSetup(b)
	req := &authing.CreateUserRequest{Username: authing.Ptr("bob"), Email: authing.Ptr("bob@example.com")}
	ctx := context.Background()
	if _, err := c.CreateUser(ctx, req); err != nil {
		b.Fatal(err)
	}
	_ = f
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.CreateUser(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBareHTTPCall is the baseline: the same request body and headers
// posted with net/http and the answer read, nothing else.
func BenchmarkBareHTTPCall(b *testing.B) {
	c, _ := benchSetup(b)
	body, _ := json.Marshal(&authing.CreateUserRequest{Username: authing.Ptr("bob"), Email: authing.Ptr("bob@example.com")})
	hc := &http.Client{}
	token := "Bearer " + jwtFor(1)
	url := c.Host() + "/api/v3/create-user"
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, _ := http.NewRequest("POST", url, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Accept", "application/json")
		r.Header.Set("Authorization", token)
		r.Header.Set("X-Authing-Userpool-Id", testPool)
		r.Header.Set("X-Authing-Lang", "zh-CN")
		r.Header.Set("X-Authing-Sdk-Version", authing.SDKVersion)
		resp, err := hc.Do(r)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkTokenRequestsUnderConcurrency reports how many token requests
// 1,000 concurrent first calls cause (target: exactly 1).
func BenchmarkTokenRequestsUnderConcurrency(b *testing.B) {
	var total int64
	for b.Loop() {
		c, f := benchSetup(b)
		var wg sync.WaitGroup
		for range 1000 {
			wg.Go(func() { _, _ = c.GetUser(context.Background(), &authing.GetUserRequest{UserID: "u1"}) })
		}
		wg.Wait()
		total += f.tokenCalls.Load()
	}
	b.ReportMetric(float64(total)/float64(b.N), "token-requests/1000-calls")
}

func benchSetup(b *testing.B) (*authing.Client, *fakeAuthing) {
	c, f := setupTB(b)
	f.setAnswer(func(recorded, string) (int, string) { return 200, benchAnswer })
	f.noRecord = true
	return c, f
}
