package policy

import (
	"sync"

	"github.com/seed-afc46a91/authingops/authing"
)

// ActionsFromCatalog returns one Action per operation of authing.Operations.
func ActionsFromCatalog() []Action {
	out := make([]Action, len(authing.Operations))
	for i, op := range authing.Operations {
		out[i] = Action{Name: op.Name, Category: op.Category, Write: op.Write, Destructive: op.Destructive}
	}
	return out
}

// CatalogSchema returns the schema of the whole operation catalog, generated
// once per process.
var CatalogSchema = sync.OnceValues(func() (*Schema, error) {
	return NewSchema(ActionsFromCatalog())
})
