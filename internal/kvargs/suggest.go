package kvargs

import (
	"fmt"
	"sort"
	"strings"

	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/internal/textdist"
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
		d := textdist.Levenshtein(name, op.Name)
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

// UnknownOperation explains that name is not in the catalog and names the
// closest operations.
func UnknownOperation(name string) string {
	msg := fmt.Sprintf("unknown operation %q", name)
	if s := Suggest(name, 5); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, ", ") + "?"
	}
	return msg
}
