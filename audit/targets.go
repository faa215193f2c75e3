package audit

import (
	"bytes"
	"encoding/json"
	"slices"
)

// MaxTargets caps how many target ids [TargetIDs] returns.
const MaxTargets = 200

// targetKeys are the (normalised) argument names that name a target object.
var targetKeys = map[string]bool{
	"id": true, "ids": true, "userid": true, "userids": true,
	"rolecode": true, "rolecodes": true, "code": true, "codes": true,
	"groupcode": true, "groupcodes": true, "departmentid": true, "departmentids": true,
	"organizationcode": true, "orgcode": true, "appid": true, "appids": true,
	"resourcecode": true, "resourcecodes": true, "namespacecode": true,
	"externalid": true, "externalids": true,
}

// TargetIDs returns the ids the arguments name, in order of appearance and
// without duplicates: values (strings, numbers or lists of them) of keys such
// as userId, userIds, roleCode(s), code, groupCode(s), departmentId, appId and
// id, at any depth. A bare "code" counts only when it is not all digits (a
// digit code is usually a verification code, not a role or group code).
// Redaction markers are skipped. Invalid JSON yields nil.
func TargetIDs(args json.RawMessage) []string {
	if len(bytes.TrimSpace(args)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(args))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	c := targetCollector{seen: map[string]bool{}}
	c.walk(v)
	return c.out
}

type targetCollector struct {
	out  []string
	seen map[string]bool
}

func (c *targetCollector) walk(v any) {
	switch t := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(t) {
			n := normalizeKey(k)
			if targetKeys[n] {
				c.take(t[k], n == "code" || n == "codes")
				continue
			}
			c.walk(t[k])
		}
	case []any:
		for _, e := range t {
			c.walk(e)
		}
	}
}

func (c *targetCollector) take(v any, bareCode bool) {
	switch t := v.(type) {
	case string:
		if bareCode && allDigits(t) {
			return
		}
		c.add(t)
	case json.Number:
		if !bareCode {
			c.add(t.String())
		}
	case []any:
		for _, e := range t {
			c.take(e, bareCode)
		}
	}
}

func (c *targetCollector) add(s string) {
	if s == "" || IsMarker(s) || c.seen[s] || len(c.out) >= MaxTargets {
		return
	}
	c.seen[s] = true
	c.out = append(c.out, s)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
