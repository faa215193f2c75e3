package authingtest

import (
	"os"
	"path/filepath"
)

// sharedAPIDir is the shared Authing API data (../shared/authing-api from the
// repository root), which holds the signature test vectors; AUTHING_API_DATA
// overrides it.
func sharedAPIDir() string {
	if d := os.Getenv("AUTHING_API_DATA"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "authing-api")
}
