// Package kvargs turns `key=value` words, as typed on a command line or in a
// Slack slash command, into the JSON arguments of a catalog operation, using
// the operation's input schema to type each value.
package kvargs

import (
	"fmt"
	"strings"
	"unicode"
)

// Split breaks text into words the way a shell does for the simple cases a
// chat command needs: whitespace separates words; single or double quotes
// group (and are removed); a backslash escapes the next character inside
// double quotes and outside quotes. Smart quotes typed by phones count as
// double quotes.
func Split(text string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	rs := []rune(normalizeQuotes(text))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case quote != 0:
			switch {
			case r == quote:
				quote = 0
			case r == '\\' && quote == '"' && i+1 < len(rs):
				i++
				cur.WriteRune(rs[i])
			default:
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote = r
			inWord = true
		case r == '\\' && i+1 < len(rs):
			i++
			cur.WriteRune(rs[i])
			inWord = true
		case unicode.IsSpace(r):
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated %c quote", quote)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

func normalizeQuotes(s string) string {
	return strings.NewReplacer("\u201c", `"`, "\u201d", `"`, "\u2018", "'", "\u2019", "'").Replace(s)
}
