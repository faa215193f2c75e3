package gate

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/seed-afc46a91/authingops/audit"
)

// minSecretLen is the shortest raw secret value scrubbed from messages;
// shorter ones would mangle ordinary words.
const minSecretLen = 3

// secretValues returns the raw string values of args that the redactor
// replaced in redacted, longest first. Authing (and schema validation)
// may echo a value back in an error message; the redactor's free-text
// rules do not catch a short or low-entropy password there, but its exact
// value is known here.
func secretValues(args, redacted json.RawMessage) []string {
	if !bytes.Contains(redacted, []byte("[REDACTED")) {
		return nil
	}
	var raw, red any
	if json.Unmarshal(args, &raw) != nil || json.Unmarshal(redacted, &red) != nil {
		return nil
	}
	var out []string
	collectSecrets(raw, red, &out)
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return slices.Compact(out)
}

func collectSecrets(raw, red any, out *[]string) {
	if s, ok := red.(string); ok && audit.IsMarker(s) {
		switch v := raw.(type) {
		case string:
			if len(v) >= minSecretLen {
				*out = append(*out, v)
			}
			return
		case map[string]any, []any:
			// A whole object or array was redacted: every string in it is
			// secret.
			collectSecrets(v, markAll(v), out)
			return
		}
		return
	}
	switch r := raw.(type) {
	case map[string]any:
		m, ok := red.(map[string]any)
		if !ok {
			return
		}
		for k, v := range r {
			collectSecrets(v, m[k], out)
		}
	case []any:
		a, ok := red.([]any)
		if !ok || len(a) != len(r) {
			return
		}
		for i := range r {
			collectSecrets(r[i], a[i], out)
		}
	case string:
		// Secret-looking parts of free text were replaced in place.
		if s, ok := red.(string); ok && s != r {
			for _, w := range strings.Fields(r) {
				if len(w) >= minSecretLen && !strings.Contains(s, w) {
					*out = append(*out, w)
				}
			}
		}
	}
}

// markAll returns v with every leaf replaced by a marker.
func markAll(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = markAll(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = markAll(e)
		}
		return a
	}
	return "[REDACTED]"
}

// scrub redacts msg for showing or storing: the redactor's free-text rules,
// then every raw secret value of the call's arguments.
func (g *Gate) scrub(msg string, secrets []string) string {
	msg = g.redactor.RedactString(msg)
	for _, s := range secrets {
		if strings.Contains(msg, s) {
			msg = strings.ReplaceAll(msg, s, g.redactor.Marker([]byte(s)))
		}
	}
	return msg
}
