package loadtest

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/seed-afc46a91/authingops/gate"
)

// GateTarget calls the gate directly, as one caller on one surface.
type GateTarget struct {
	Gate    *gate.Gate
	Caller  string
	Surface string
}

// Call runs one call through the gate.
func (t GateTarget) Call(ctx context.Context, client int, op string, args json.RawMessage) (string, error) {
	res, err := t.Gate.Execute(ctx, gate.Call{
		Caller: t.Caller, Surface: t.Surface, Transport: "load",
		Operation: op, Args: args, DedupeKey: "",
	})
	if err != nil {
		return "", err
	}
	if res.Status == gate.StatusInvalid {
		return "", fmt.Errorf("invalid call %s: %v", op, res.Err)
	}
	return string(res.Status), nil
}
