package authing

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// endpoint is the wire description of one operation, used by its method.
type endpoint struct {
	name   string
	method string
	path   string
	in     string // query, body, path or none
	write  bool
}

// queryEncoder is implemented by requests whose parameters travel in the query.
type queryEncoder interface{ encodeQuery(url.Values) }

// pathExpander is implemented by requests with path parameters.
type pathExpander interface {
	expandPath(string) (string, error)
}

// maxBody bounds how much of an answer is read.
const maxBody = 64 << 20

// bufPool recycles answer buffers. Decoded results never alias them.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// envelope is Authing's answer around every result.
type envelope struct {
	StatusCode int            `json:"statusCode"`
	Message    string         `json:"message"`
	APICode    int            `json:"apiCode"`
	RequestID  string         `json:"requestId"`
	Data       jsontext.Value `json:"data"`
}

// lenient decodes answers the way encoding/json does: duplicate names and
// invalid UTF-8 are tolerated and names match case-insensitively, so that a
// quirk of the service does not turn a successful call into an error.
var lenient = jsonv2.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	jsonv2.MatchCaseInsensitiveNames(true),
)

// call is the only path by which an operation's method reaches Authing: it
// encodes req, obtains a token, sends the request with retries where they
// are safe, and decodes the envelope's data into out.
func (c *Client) call(ctx context.Context, ep *endpoint, req any, out any) error {
	path, query, body, err := encodeRequest(ep, req)
	if err != nil {
		return err
	}
	refreshed := false
	for attempt := 1; ; attempt++ {
		token, poolID, err := c.tokens.get(ctx)
		if err != nil {
			return err
		}
		err = c.roundTrip(ctx, ep, path, query, body, token, poolID, out)
		if err == nil {
			return nil
		}
		var ae *APIError
		if !refreshed && errors.As(err, &ae) && (ae.StatusCode == 401 || ae.APICode == 2020) {
			// The token was refused before anything ran: refresh once and
			// send the call once more, writes included.
			refreshed = true
			c.tokens.invalidate(token)
			attempt--
			continue
		}
		if ep.write || !retryable(err) || attempt >= c.retry.MaxAttempts {
			return err
		}
		wait := c.retry.backoff(attempt, err)
		c.log.Debug().Str("op", ep.name).Int("attempt", attempt).Dur("wait", wait).Err(err).Msg("authing: retrying read")
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// encodeRequest renders req as the path, query and body ep sends.
func encodeRequest(ep *endpoint, req any) (path string, query url.Values, body []byte, err error) {
	path = ep.path
	if pe, ok := req.(pathExpander); ok {
		p, err := pe.expandPath(path)
		if err != nil {
			var ae *ArgumentError
			if errors.As(err, &ae) {
				ae.Operation = ep.name
			}
			return "", nil, nil, err
		}
		path = p
	}
	switch ep.in {
	case "query":
		query = url.Values{}
		if qe, ok := req.(queryEncoder); ok {
			qe.encodeQuery(query)
		}
	case "body":
		b, err := jsonv2.Marshal(req)
		if err != nil {
			return "", nil, nil, &ArgumentError{Operation: ep.name, Problem: err.Error()}
		}
		body = b
	}
	return path, query, body, nil
}

// roundTrip sends one HTTP request and decodes the envelope. token is empty
// for the token request itself.
func (c *Client) roundTrip(ctx context.Context, ep *endpoint, path string, query url.Values, body []byte, token, poolID string, out any) error {
	u := c.host + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hr, err := http.NewRequestWithContext(ctx, ep.method, u, rd)
	if err != nil {
		return &ArgumentError{Operation: ep.name, Problem: err.Error()}
	}
	h := hr.Header
	h.Set("Accept", "application/json")
	if body != nil {
		h.Set("Content-Type", "application/json")
	}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	if poolID != "" {
		h.Set("X-Authing-Userpool-Id", poolID)
	}
	h.Set("X-Authing-Lang", c.lang)
	h.Set("X-Authing-Sdk-Version", SDKVersion)
	if c.tenantID != "" {
		h.Set("X-Authing-App-Tenant-Id", c.tenantID)
	}
	start := time.Now()
	resp, err := c.http.Do(hr)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &TransportError{Operation: ep.name, Err: stripURL(err)}
	}
	defer resp.Body.Close()
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			bufPool.Put(buf)
		}
	}()
	_, err = buf.ReadFrom(io.LimitReader(resp.Body, maxBody))
	raw := buf.Bytes()
	c.log.Debug().Str("op", ep.name).Str("method", ep.method).Str("path", path).
		Int("http_status", resp.StatusCode).Dur("took", time.Since(start)).Msg("authing: call")
	if err != nil {
		return &TransportError{Operation: ep.name, Err: stripURL(err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &HTTPError{Operation: ep.name, HTTPStatus: resp.StatusCode, Excerpt: excerpt(raw), retryAfter: retryAfter(resp.Header)}
	}
	return decodeEnvelope(ep, resp.StatusCode, raw, out)
}

// decodeEnvelope checks the envelope and decodes its data into out in one
// pass; when that fails it decodes the envelope alone to tell a business
// error from an undecodable answer.
func decodeEnvelope(ep *endpoint, httpStatus int, raw []byte, out any) error {
	var sink jsontext.Value
	target := out
	ack, isAck := out.(*Ack)
	if out == nil || isAck {
		target = &sink
	}
	one := struct {
		StatusCode int    `json:"statusCode"`
		Message    string `json:"message"`
		Data       any    `json:"data"`
	}{Data: target}
	if err := jsonv2.Unmarshal(raw, &one, lenient); err == nil && one.StatusCode == 200 {
		if isAck {
			ack.Message = one.Message
		}
		return nil
	}
	var env envelope
	if err := jsonv2.Unmarshal(raw, &env, lenient); err != nil {
		return &DecodeError{Operation: ep.name, HTTPStatus: httpStatus, Excerpt: excerpt(raw), Err: err}
	}
	if env.StatusCode == 0 {
		return &DecodeError{Operation: ep.name, HTTPStatus: httpStatus, Excerpt: excerpt(raw), Err: errorString("no statusCode: not an Authing envelope")}
	}
	if env.StatusCode != 200 {
		return &APIError{Operation: ep.name, StatusCode: env.StatusCode, APICode: env.APICode, Message: env.Message, RequestID: env.RequestID}
	}
	// A success whose data does not fit the result type.
	err := jsonv2.Unmarshal(env.Data, target, lenient)
	if err == nil {
		err = errorString("data does not fit the result type")
	}
	return &DecodeError{Operation: ep.name, HTTPStatus: httpStatus, Excerpt: excerpt(env.Data), Err: err}
}

// stripURL removes the request URL from a transport error: the URL can carry
// query values the caller did not mean to print.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// retryAfter parses a Retry-After header given in seconds.
func retryAfter(h http.Header) time.Duration {
	s := h.Get("Retry-After")
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}

// queryJSON renders an object or free-form value as compact JSON for a query.
func queryJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
