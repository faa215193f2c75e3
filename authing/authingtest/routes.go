package authingtest

import (
	"sort"
	"strings"

	"github.com/seed-afc46a91/authingops/authing"
)

// opRoute is one catalog operation as the sandbox routes it.
type opRoute struct {
	name, method, path string
}

// router maps method + path to an operation name. Paths with `{param}`
// segments match any segment there, the literal `{id}` the Node SDK sends
// included.
type router struct {
	exact     map[string]string // "METHOD /path" → operation
	paths     map[string]bool   // every known exact path, any method
	templated []templRoute
}

type templRoute struct {
	name, method string
	segs         []string
}

func newRouter(routes []opRoute) *router {
	rt := &router{exact: map[string]string{}, paths: map[string]bool{}}
	for _, r := range routes {
		if strings.Contains(r.path, "{") {
			rt.templated = append(rt.templated, templRoute{name: r.name, method: r.method, segs: strings.Split(r.path, "/")})
			continue
		}
		rt.exact[r.method+" "+r.path] = r.name
		rt.paths[r.path] = true
	}
	return rt
}

// match returns the operation for method and path; known reports whether the
// path belongs to some operation (with another method when name is "").
func (rt *router) match(method, path string) (name string, known bool) {
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	if n, ok := rt.exact[method+" "+path]; ok {
		return n, true
	}
	known = rt.paths[path]
	segs := strings.Split(path, "/")
	for _, t := range rt.templated {
		if !segsMatch(t.segs, segs) {
			continue
		}
		if t.method == method {
			return t.name, true
		}
		known = true
	}
	return "", known
}

func segsMatch(pattern, segs []string) bool {
	if len(pattern) != len(segs) {
		return false
	}
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			if segs[i] == "" {
				return false
			}
			continue
		}
		if p != segs[i] {
			return false
		}
	}
	return true
}

// Emulated returns the names of the catalog operations the sandbox emulates,
// sorted. Every other catalog operation answers a 501 envelope.
func Emulated() []string {
	names := make([]string, 0, len(handlers))
	for n := range handlers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// catalogRoutes lists the route of every catalog operation; the sandbox
// routes method + path to operation names through it, so every operation it
// does not emulate answers a 501 envelope naming the operation.
func catalogRoutes() []opRoute {
	routes := make([]opRoute, 0, len(authing.Operations))
	for _, op := range authing.Operations {
		routes = append(routes, opRoute{name: op.Name, method: op.Method, path: op.Path})
	}
	return routes
}
