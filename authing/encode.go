package authing

import (
	"encoding/json"
	"errors"
	"net/url"
)

// WireRequest is the HTTP request an operation sends, without credentials.
type WireRequest struct {
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Query  url.Values      `json:"query,omitempty"`
	Body   json.RawMessage `json:"body,omitempty"`
}

// Encode decodes args strictly, as Invoke does, and returns the request the
// operation would send, without sending anything. It powers dry runs.
func (op *Operation) Encode(args json.RawMessage) (*WireRequest, error) {
	var req any
	if op.newRequest != nil {
		req = op.newRequest()
		if err := decodeArgs(args, req); err != nil {
			return nil, withOperation(err, op.Name)
		}
	} else if err := decodeArgs(args, &struct{}{}); err != nil {
		return nil, withOperation(err, op.Name)
	}
	ep := &endpoint{name: op.Name, method: op.Method, path: op.Path, in: op.ParamsIn, write: op.Write}
	path, query, body, err := encodeRequest(ep, req)
	if err != nil {
		return nil, err
	}
	if op.ParamsIn == "body" && req == nil {
		body = []byte("{}")
	}
	return &WireRequest{Method: op.Method, Path: path, Query: query, Body: body}, nil
}

// withOperation fills the operation name of an ArgumentError.
func withOperation(err error, name string) error {
	var ae *ArgumentError
	if errors.As(err, &ae) && ae.Operation == "" {
		ae.Operation = name
	}
	return err
}
