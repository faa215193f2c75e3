package kvargs

import (
	"sort"
	"strings"

	"github.com/seed-afc46a91/authingops/authing"
)

// Suggest returns up to n catalog operation names closest to name: names
// containing it first, then by edit distance.
func Suggest(name string, n int) []string {
	type cand struct {
		name string
		dist int
	}
	var cs []cand
	for _, op := range authing.Operations {
		d := distance(name, op.Name)
		if (strings.Contains(op.Name, name) || strings.Contains(name, op.Name)) && d > 2 {
			d = 2
		}
		cs = append(cs, cand{op.Name, d})
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].dist < cs[j].dist })
	var out []string
	for _, c := range cs {
		if len(out) == n || c.dist > max(3, len(name)/2) {
			break
		}
		out = append(out, c.name)
	}
	return out
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
