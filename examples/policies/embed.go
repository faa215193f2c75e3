// Package policies embeds the starter policies and entities of
// examples/policies, for quick starts and sandboxes (`--starter`). They
// register example callers: never use them in production.
package policies

import "embed"

// Starter holds the starter *.cedar files and entities.yaml at its root.
//
//go:embed *.cedar entities.yaml
var Starter embed.FS

// StarterEntities is the path of the entities file in Starter.
const StarterEntities = "entities.yaml"
