package authingtest

import "github.com/seed-afc46a91/authingops/authing"

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
