package policy

import (
	"strconv"
	"strings"
)

// suggestAction returns ` (did you mean "x"?)` for an unknown action token
// such as Action::"delete_user", or "" when nothing is close.
func (s *Schema) suggestAction(token string) string {
	_, quoted, ok := strings.Cut(token, "::")
	if !ok {
		return ""
	}
	name, err := strconv.Unquote(quoted)
	if err != nil {
		return ""
	}
	candidates := append(s.Operations(), s.Groups()...)
	candidates = append(candidates, ApproveAction)
	best, bestDist := "", len(name)/3+1 // accept about one edit in three characters
	for _, c := range candidates {
		if d := editDistance(name, c); d < bestDist || d == bestDist && best != "" && c < best {
			best, bestDist = c, d
		}
	}
	if best == "" { // a prefix: delete_user -> delete_users_batch
		for _, c := range candidates {
			if strings.HasPrefix(c, name) && (best == "" || len(c) < len(best) || len(c) == len(best) && c < best) {
				best = c
			}
		}
	}
	if best == "" {
		return ""
	}
	return ` (did you mean Action::"` + best + `"?)`
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
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
