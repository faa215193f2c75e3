package authing_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/seed-afc46a91/authingops/authing"
)

func TestAllWalksEveryPage(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	const total = 123
	f.setAnswer(func(r recorded, _ string) (int, string) {
		var in struct {
			Options struct{ Pagination struct{ Page, Limit int } }
		}
		_ = json.Unmarshal(r.Body, &in)
		p := in.Options.Pagination
		var list []map[string]string
		for i := (p.Page - 1) * p.Limit; i < min(total, p.Page*p.Limit); i++ {
			list = append(list, map[string]string{"userId": fmt.Sprint("u", i), "status": "Activated"})
		}
		b, _ := json.Marshal(map[string]any{"statusCode": 200, "message": "ok", "data": map[string]any{"totalCount": total, "list": list}})
		return 200, string(b)
	})
	fetch := func(ctx context.Context, page, limit int) ([]authing.UserDto, int, error) {
		res, err := c.ListUsers(ctx, &authing.ListUsersRequest{Options: &authing.ListUsersOptions{
			Pagination: &authing.Pagination{Page: &page, Limit: &limit}}})
		if err != nil {
			return nil, 0, err
		}
		return res.List, int(res.TotalCount), nil
	}
	n := 0
	for u, err := range authing.All(context.Background(), 500, fetch) {
		if err != nil {
			t.Fatal(err)
		}
		if u.UserID != fmt.Sprint("u", n) {
			t.Fatalf("item %d is %s", n, u.UserID)
		}
		n++
	}
	if n != total {
		t.Fatalf("iterated %d users, want %d", n, total)
	}
	if pages := len(f.recorded()); pages != 3 {
		t.Fatalf("fetched %d pages of 50 (limit capped), want 3", pages)
	}
	// Stopping early fetches no more pages.
	for range authing.All(context.Background(), 10, fetch) {
		break
	}
	if pages := len(f.recorded()); pages != 4 {
		t.Fatalf("early stop fetched %d pages in all, want 4", pages)
	}
}

func TestAllYieldsTheErrorOnce(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	calls, errs := 0, 0
	for _, err := range authing.All(context.Background(), 10, func(context.Context, int, int) ([]int, int, error) {
		calls++
		return nil, 0, boom
	}) {
		if errors.Is(err, boom) {
			errs++
		}
	}
	if calls != 1 || errs != 1 {
		t.Fatalf("calls %d, errors %d", calls, errs)
	}
}
