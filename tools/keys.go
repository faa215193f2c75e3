package tools

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/seed-afc46a91/authingops/policy"
)

// API keys for the Streamable HTTP transport.
//
// The keys file maps named callers to the SHA-256 of their keys, so the
// file holds no secret:
//
//	keys:
//	  - caller: mcp:claude-desktop
//	    name: Claude Desktop
//	    sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//
// A presented key is hashed and compared with every entry in constant time.

// KeyEntry is one key of the keys file.
type KeyEntry struct {
	Caller string `yaml:"caller"`
	Name   string `yaml:"name,omitempty"`
	SHA256 string `yaml:"sha256"`
}

// KeySet resolves bearer keys to callers.
type KeySet struct {
	entries []keyEntry
}

type keyEntry struct {
	caller Caller
	sum    [sha256.Size]byte
}

// LoadKeys reads a keys file.
func LoadKeys(path string) (*KeySet, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keys file: %w", err)
	}
	var doc struct {
		Keys []KeyEntry `yaml:"keys"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("keys file %s: %w", path, err)
	}
	ks, err := NewKeySet(doc.Keys)
	if err != nil {
		return nil, fmt.Errorf("keys file %s: %w", path, err)
	}
	return ks, nil
}

// NewKeySet checks and indexes entries.
func NewKeySet(entries []KeyEntry) (*KeySet, error) {
	ks := &KeySet{}
	seen := map[[sha256.Size]byte]bool{}
	for i, e := range entries {
		if _, err := policy.ParseCaller(e.Caller); err != nil {
			return nil, fmt.Errorf("key %d: caller %q: %w", i+1, e.Caller, err)
		}
		raw, err := hex.DecodeString(strings.TrimSpace(e.SHA256))
		if err != nil || len(raw) != sha256.Size {
			return nil, fmt.Errorf("key %d (%s): sha256 must be 64 hex digits (authingops mcp hash-key prints one)", i+1, e.Caller)
		}
		var sum [sha256.Size]byte
		copy(sum[:], raw)
		if seen[sum] {
			return nil, fmt.Errorf("key %d (%s): the same key is listed twice", i+1, e.Caller)
		}
		seen[sum] = true
		ks.entries = append(ks.entries, keyEntry{caller: Caller{ID: e.Caller, Name: e.Name, Transport: "http"}, sum: sum})
	}
	if len(ks.entries) == 0 {
		return nil, errors.New("no keys")
	}
	return ks, nil
}

// Lookup returns the caller of key. Every entry is compared, in constant
// time, whatever matches.
func (ks *KeySet) Lookup(key string) (Caller, bool) {
	if ks == nil || key == "" {
		return Caller{}, false
	}
	sum := sha256.Sum256([]byte(key))
	var found Caller
	match := 0
	for _, e := range ks.entries {
		eq := subtle.ConstantTimeCompare(sum[:], e.sum[:])
		if eq == 1 {
			found = e.caller
		}
		match |= eq
	}
	return found, match == 1
}

// HashKey returns the hex SHA-256 of a key, as the keys file stores it.
func HashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// NewKey returns a random key (32 bytes, base64url) with the "ao_" prefix.
func NewKey() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random key: %w", err)
	}
	return "ao_" + base64.RawURLEncoding.EncodeToString(b), nil
}
