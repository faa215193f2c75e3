package audit

import (
	"bytes"
	"strings"
)

// hints say which of RedactString's patterns could match a text. Each is a
// necessary condition of its pattern (a literal or a character every match
// contains), computed in one pass over the text, so a false hint skips a
// regex that would have found nothing.
type hints struct {
	pem      bool // "-----BEGIN " (pemRE)
	scheme   bool // "bearer" or "basic", any case (schemeRE)
	shaped   bool // a credential prefix, a PEM header or a scheme (credentialRE)
	keyValue bool // ':' or '=' and a sensitive word, any case (keyValueRE)
	longRun  bool // minTokenRun token bytes in a row (tokenRE)
}

// any reports whether any pattern could match.
func (h hints) any() bool { return h.pem || h.scheme || h.shaped || h.keyValue || h.longRun }

// Literals the patterns require. Case-insensitive ones are lower-case: each
// match of a (?i) pattern contains one of them once ASCII letters are
// lowered (the two non-ASCII letters Go folds onto ASCII ones are handled
// by foldsToASCII).
var (
	// schemeWords: schemeRE and the (?i) part of credentialRE.
	schemeWords = [][]byte{[]byte("bearer"), []byte("basic")}
	// shapedPrefixes: the case-sensitive literals of credentialRE's other
	// alternatives ("gh" covers ghp_, gho_ and ghs_).
	shapedPrefixes = [][]byte{[]byte("eyJ"), []byte("xox"), []byte("xapp-"), []byte("-----BEGIN "), []byte("sk-"),
		[]byte("gh"), []byte("github_pat_"), []byte("glpat-"), []byte("AKIA")}
	// keyValueWords: every alternative of keyValueRE's sensitive word
	// contains one of these ("pass" covers password, passwd, passcode and
	// pass_code; "key" the api, private, access and signing keys; "code"
	// the verification, SMS, email, phone and auth codes).
	keyValueWords = [][]byte{[]byte("pass"), []byte("pwd"), []byte("secret"), []byte("token"), []byte("otp"),
		[]byte("salt"), []byte("key"), []byte("credential"), []byte("mfa"), []byte("recovery"), []byte("code"),
		[]byte("session"), []byte("cookie"), []byte("signature")}
)

// foldsToASCII reports whether s holds a non-ASCII letter that Go's
// case-insensitive matching folds onto an ASCII one: U+017F (ſ, onto s)
// and U+212A (the Kelvin sign, onto k). TestFoldsToASCIIComplete checks
// there are no others.
func foldsToASCII(s string) bool {
	return strings.Contains(s, "\u017f") || strings.Contains(s, "\u212a")
}

// byteSet is a set of bytes.
type byteSet [4]uint64

func (b *byteSet) add(c byte)      { b[c>>6] |= 1 << (c & 63) }
func (b *byteSet) has(c byte) bool { return b[c>>6]&(1<<(c&63)) != 0 }

// mayContain reports whether a text whose bytes (ASCII letters lowered)
// are in b may contain w: its first and last bytes must be.
func (b *byteSet) mayContain(w []byte) bool {
	return b.has(asciiLowerByte(w[0])) && b.has(asciiLowerByte(w[len(w)-1]))
}

func asciiLowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// scanHints computes the hints of s.
func scanHints(s string) hints {
	var (
		h              hints
		seen           byteSet // bytes of s, ASCII letters lowered
		run, colonOrEq = 0, false
		lowerNeeded    = false
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isTokenByte(c) {
			if run++; run >= minTokenRun {
				h.longRun = true
			}
		} else {
			run = 0
		}
		if c == ':' || c == '=' {
			colonOrEq = true
		}
		if c >= 'A' && c <= 'Z' {
			lowerNeeded = true
		}
		seen.add(asciiLowerByte(c))
	}
	if seen.has(0xC5) || seen.has(0xE2) { // lead bytes of ſ and K
		if foldsToASCII(s) {
			h.scheme, h.keyValue = true, colonOrEq
		}
	}
	h.pem = strings.Contains(s, "-----BEGIN ")
	var lowered []byte
	lower := func() []byte {
		if lowered == nil {
			lowered = asciiLower(s, lowerNeeded)
		}
		return lowered
	}
	if !h.scheme {
		h.scheme = containsAny(lower, &seen, schemeWords)
	}
	if !h.keyValue && colonOrEq {
		h.keyValue = containsAny(lower, &seen, keyValueWords)
	}
	h.shaped = h.pem || h.scheme
	for _, p := range shapedPrefixes {
		if h.shaped {
			break
		}
		h.shaped = seen.mayContain(p) && strings.Contains(s, string(p))
	}
	return h
}

// containsAny reports whether the lowered text holds one of words; the set
// of its bytes rules most words out without a search.
func containsAny(lowered func() []byte, seen *byteSet, words [][]byte) bool {
	for _, w := range words {
		if seen.mayContain(w) && bytes.Contains(lowered(), w) {
			return true
		}
	}
	return false
}

// asciiLower returns s with ASCII letters lowered (other bytes kept).
func asciiLower(s string, needed bool) []byte {
	b := []byte(s)
	if !needed {
		return b
	}
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return b
}
