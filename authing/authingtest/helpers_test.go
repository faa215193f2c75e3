package authingtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// env is a decoded answer envelope.
type env struct {
	StatusCode int             `json:"statusCode"`
	Message    string          `json:"message"`
	APICode    int             `json:"apiCode"`
	RequestID  string          `json:"requestId"`
	Data       json.RawMessage `json:"data"`
}

// rawClient talks to a sandbox over plain HTTP with a management token, as
// the Go and Python SDKs do.
type rawClient struct {
	t     testing.TB
	base  string
	token string
}

func startServer(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := NewServer(opts)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// newClient starts a sandbox with opts and returns a client holding a token.
func newClient(t testing.TB, opts Options) (*Server, *rawClient) {
	t.Helper()
	s := startServer(t, opts)
	c := &rawClient{t: t, base: s.URL()}
	e := c.do(http.MethodPost, tokenPath, map[string]string{
		"accessKeyId": s.opts.AccessKeyID, "accessKeySecret": s.opts.AccessKeySecret,
	}, nil)
	var tok tokenData
	e.into(t, &tok)
	c.token = tok.AccessToken
	return s, c
}

// do sends one request; body is JSON-encoded unless it is a string (sent raw).
func (c *rawClient) do(method, path string, body any, q url.Values) env {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, raw)
	}
	var e env
	if err := json.Unmarshal(raw, &e); err != nil {
		c.t.Fatalf("%s %s: not an envelope: %s", method, path, raw)
	}
	return e
}

func (c *rawClient) post(path string, body any) env {
	c.t.Helper()
	return c.do(http.MethodPost, path, body, nil)
}

func (c *rawClient) get(path string, q url.Values) env {
	c.t.Helper()
	return c.do(http.MethodGet, path, nil, q)
}

// ok fails the test unless e is a success and decodes its data into v.
func (e env) into(t testing.TB, v any) {
	t.Helper()
	if e.StatusCode != 200 {
		t.Fatalf("want success, got %d (apiCode %d): %s", e.StatusCode, e.APICode, e.Message)
	}
	if v != nil {
		if err := json.Unmarshal(e.Data, v); err != nil {
			t.Fatalf("decode data %s: %v", e.Data, err)
		}
	}
}

// fails asserts e is an error envelope with status (and apiCode when non-zero).
func (e env) fails(t testing.TB, status, apiCode int) {
	t.Helper()
	if e.StatusCode != status || (apiCode != 0 && e.APICode != apiCode) {
		t.Fatalf("want %d/%d, got %d/%d: %s", status, apiCode, e.StatusCode, e.APICode, e.Message)
	}
	if e.RequestID == "" {
		t.Fatalf("error envelope without requestId: %+v", e)
	}
}

// page is a decoded {totalCount, list} page.
type page[T any] struct {
	TotalCount int `json:"totalCount"`
	List       []T `json:"list"`
}

// mkUser creates a user and returns its id.
func (c *rawClient) mkUser(body map[string]any) string {
	c.t.Helper()
	var u struct {
		UserID string `json:"userId"`
	}
	c.post("/api/v3/create-user", body).into(c.t, &u)
	return u.UserID
}

func ioNopCloser(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }
