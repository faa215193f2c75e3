package authing

import (
	"context"
	"iter"
)

// MaxPageSize is the largest page Authing serves.
const MaxPageSize = 50

// PageFunc fetches one page (from 1) of at most limit items and returns the
// items and the total count across all pages.
type PageFunc[T any] func(ctx context.Context, page, limit int) (items []T, total int, err error)

// All iterates over every item of a page/limit list operation, fetching
// pages of limit items (capped at MaxPageSize; 0 means MaxPageSize) until
// the total is reached or a page comes back empty. An error is yielded once,
// then the iteration stops.
//
//	for u, err := range authing.All(ctx, 0, func(ctx context.Context, page, limit int) ([]authing.UserDto, int, error) {
//		res, err := c.ListUsers(ctx, &authing.ListUsersRequest{Options: &authing.ListUsersOptions{
//			Pagination: &authing.Pagination{Page: &page, Limit: &limit}}})
//		if err != nil {
//			return nil, 0, err
//		}
//		return res.List, int(res.TotalCount), nil
//	}) { ... }
func All[T any](ctx context.Context, limit int, fetch PageFunc[T]) iter.Seq2[T, error] {
	if limit <= 0 || limit > MaxPageSize {
		limit = MaxPageSize
	}
	return func(yield func(T, error) bool) {
		seen := 0
		for page := 1; ; page++ {
			if err := ctx.Err(); err != nil {
				var zero T
				yield(zero, err)
				return
			}
			items, total, err := fetch(ctx, page, limit)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			seen += len(items)
			if len(items) == 0 || seen >= total {
				return
			}
		}
	}
}
