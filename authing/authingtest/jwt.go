package authingtest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// tokenClaims is the payload of a management token.
type tokenClaims struct {
	UserPoolID string `json:"scoped_userpool_id"`
	IssuedAt   int64  `json:"iat"`
	ExpiresAt  int64  `json:"exp"`
	ID         string `json:"jti"`
}

var jwtHeader = b64(`{"alg":"HS256","typ":"JWT"}`)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// encodeClaims writes the claims as JSON whose base64url form contains no
// '-' or '_': one SDK decodes the payload with the standard alphabet. In
// base64 of ASCII text only the third byte of a 3-byte group can produce the
// sextets 62 or 63, and only when that byte is '>', '?', '~' or DEL; escaping
// those characters (and everything outside printable ASCII) as \uXXXX avoids
// them entirely.
func encodeClaims(c tokenClaims) string {
	var b strings.Builder
	b.WriteString(`{"scoped_userpool_id":`)
	writeSafeString(&b, c.UserPoolID)
	b.WriteString(`,"iat":`)
	b.WriteString(strconv.FormatInt(c.IssuedAt, 10))
	b.WriteString(`,"exp":`)
	b.WriteString(strconv.FormatInt(c.ExpiresAt, 10))
	b.WriteString(`,"jti":`)
	writeSafeString(&b, c.ID)
	b.WriteString(`}`)
	return b64(b.String())
}

func writeSafeString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r > 0x7d || r == '>' || r == '?':
			if r > 0xffff {
				hi, lo := (r-0x10000)>>10+0xd800, (r-0x10000)&0x3ff+0xdc00
				fmt.Fprintf(b, `\u%04x\u%04x`, hi, lo)
			} else {
				fmt.Fprintf(b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// signJWT returns an HS256 JWT carrying c.
func signJWT(key []byte, c tokenClaims) string {
	unsigned := jwtHeader + "." + encodeClaims(c)
	return unsigned + "." + jwtMAC(key, unsigned)
}

func jwtMAC(key []byte, unsigned string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(unsigned))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

var errBadToken = errors.New("malformed or forged token")

// parseJWT verifies an HS256 JWT made by signJWT and returns its claims. It
// does not check expiry.
func parseJWT(key []byte, token string) (tokenClaims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return tokenClaims{}, errBadToken
	}
	head, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return tokenClaims{}, errBadToken
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(head, &h) != nil || h.Alg != "HS256" {
		return tokenClaims{}, errBadToken
	}
	want := jwtMAC(key, parts[0]+"."+parts[1])
	if !hmac.Equal([]byte(want), []byte(parts[2])) {
		return tokenClaims{}, errBadToken
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return tokenClaims{}, errBadToken
	}
	var c tokenClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return tokenClaims{}, fmt.Errorf("%w: %v", errBadToken, err)
	}
	return c, nil
}
