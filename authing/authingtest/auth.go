package authingtest

import (
	"crypto/hmac"
	"net/http"
	"strings"

	"github.com/google/uuid"
)

// tokenData is the payload of a get-management-token answer.
type tokenData struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

// serveToken answers POST /api/v3/get-management-token.
func (s *Server) serveToken(w http.ResponseWriter, reqID string, raw []byte) {
	a, err := parseBody(raw)
	if err != nil {
		writeError(w, reqID, err)
		return
	}
	if err := a.require("accessKeyId", "accessKeySecret"); err != nil {
		writeError(w, reqID, err)
		return
	}
	id, secret := a.str("accessKeyId"), a.str("accessKeySecret")
	if !hmac.Equal([]byte(id), []byte(s.opts.AccessKeyID)) || !hmac.Equal([]byte(secret), []byte(s.opts.AccessKeySecret)) {
		writeError(w, reqID, newAPIError(codeForbidden, 0, "accessKeyId or accessKeySecret is invalid"))
		return
	}
	writeData(w, s.issueToken())
}

// issueToken mints a management token for the pool.
func (s *Server) issueToken() tokenData {
	now := s.now().Unix()
	ttl := int64(s.opts.TokenTTL.Seconds())
	tok := signJWT(s.tokenKey, tokenClaims{
		UserPoolID: s.opts.UserPoolID,
		IssuedAt:   now,
		ExpiresAt:  now + ttl,
		ID:         strings.ReplaceAll(uuid.NewString(), "-", ""),
	})
	return tokenData{AccessToken: tok, ExpiresIn: ttl}
}

// IssueToken returns a valid management token, as get-management-token would.
func (s *Server) IssueToken() string { return s.issueToken().AccessToken }

// authenticate accepts a Node SDK signature (`authing AK:sig`) or a
// management token (`Bearer <jwt>` or the raw `<jwt>`). expire marks the
// presented token expired first (the early-token-expiry fault).
func (s *Server) authenticate(r *http.Request, raw []byte, expire bool) error {
	auth := strings.TrimSpace(r.Header.Get("Authorization"))
	if auth == "" {
		return unauthorized("Authorization header is missing: not logged in")
	}
	if strings.HasPrefix(auth, signatureScheme) {
		if err := s.verifySignature(auth, signedRequest{
			method: r.Method, path: r.URL.Path, header: r.Header, query: r.URL.Query(), body: raw,
		}); err != nil {
			return err
		}
		if expire {
			return unauthorized("token expired")
		}
		return nil
	}
	tok := auth
	if scheme, rest, ok := strings.Cut(auth, " "); ok && strings.EqualFold(scheme, "Bearer") {
		tok = strings.TrimSpace(rest)
	}
	claims, err := parseJWT(s.tokenKey, tok)
	if err != nil {
		return unauthorized("invalid token")
	}
	if claims.UserPoolID != s.opts.UserPoolID {
		return unauthorized("the token belongs to another user pool")
	}
	if pool := r.Header.Get("x-authing-userpool-id"); pool != "" && pool != claims.UserPoolID {
		return unauthorized("x-authing-userpool-id does not match the token")
	}
	if s.now().Unix() >= claims.ExpiresAt {
		return unauthorized("token expired")
	}
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	if expire {
		s.expired[claims.ID] = true
	}
	if s.expired[claims.ID] {
		return unauthorized("token expired")
	}
	return nil
}
