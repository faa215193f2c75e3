package authingtest

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// sharedAPIDir is the shared Authing API data (../shared/authing-api from the
// repository root); AUTHING_API_DATA overrides it.
func sharedAPIDir() string {
	if d := os.Getenv("AUTHING_API_DATA"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "authing-api")
}

// Until the generated catalog lands, the tests route from the shared listing.
func init() {
	raw, err := os.ReadFile(filepath.Join(sharedAPIDir(), "operations.json"))
	if err != nil {
		panic("authingtest tests need the shared operations.json: " + err.Error())
	}
	var ops []struct{ Name, Method, Path string }
	if err := json.Unmarshal(raw, &ops); err != nil {
		panic(err)
	}
	routes := make([]opRoute, 0, len(ops))
	for _, o := range ops {
		routes = append(routes, opRoute{name: o.Name, method: o.Method, path: o.Path})
	}
	catalogRoutes = func() []opRoute { return routes }
}
