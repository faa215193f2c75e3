package tools

import (
	"encoding/json"
	"hash/crc32"

	"github.com/seed-afc46a91/authingops/authing"
)

// The compact schemas of the catalog, precomputed.
//
// compactSchema decodes and re-encodes the catalog's input schema (437 kB
// of JSON for the 502 operations, most of it Authing's descriptions): about
// 11 ms and 5 MB of garbage at every start with all tools. The result only
// depends on the catalog, so compact_gen.go holds it, with the CRC-32 of
// the catalog schema it was made from. TestCompactSchemasGenerated checks
// the table is current and rewrites it with UPDATE_COMPACT_SCHEMAS=1 (or
// go generate ./tools/); a stale entry is never used: an operation whose
// catalog schema no longer matches its checksum is compacted at start.

//go:generate env UPDATE_COMPACT_SCHEMAS=1 go test -run ^TestCompactSchemasGenerated$ .

// compactEntry is the precomputed compactSchema of one operation.
type compactEntry struct {
	crc     uint32 // crc32.ChecksumIEEE of the catalog's InputSchema
	pageMax int
	schema  string
}

// publishedSchema is compactSchema(op), from the table when it was made
// from op's current catalog schema.
func publishedSchema(op *authing.Operation) (json.RawMessage, int, error) {
	if e, ok := compactSchemas[op.Name]; ok && e.crc == crc32.ChecksumIEEE(op.InputSchema) {
		return json.RawMessage(e.schema), e.pageMax, nil
	}
	return compactSchema(op)
}
