package authing_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/seed-afc46a91/authingops/authing"
)

func asArg(err error, target **authing.ArgumentError) bool { return errors.As(err, target) }

func TestInvokeDecodesArgumentsStrictly(t *testing.T) {
	t.Parallel()
	op, ok := authing.LookupOperation("create_user")
	if !ok {
		t.Fatal("create_user missing from the catalog")
	}
	tests := []struct {
		name, args, field, problem string
	}{
		{"unknown field", `{"username":"bob","nickName":"x"}`, "nickName", "not a parameter"},
		{"wrong type", `{"username":42}`, "username", "expected a string"},
		{"nested unknown", `{"username":"bob","options":{"resetPasswordOnFirstLogin":true,"bogus":1}}`, "options.bogus", "not a parameter"},
		{"not an object", `["bob"]`, "", "must be a JSON object"},
		{"malformed", `{"username":`, "", "JSON"},
		{"duplicate", `{"username":"a","username":"b"}`, "username", "more than once"},
		{"trailing data", `{"username":"bob"} {}`, "", "after the arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t)
			_, err := op.Invoke(context.Background(), c, json.RawMessage(tt.args))
			var ae *authing.ArgumentError
			if !errors.As(err, &ae) || !errors.Is(err, authing.ErrInvalidArgument) {
				t.Fatalf("err = %v, want ArgumentError", err)
			}
			if ae.Field != tt.field || !strings.Contains(err.Error(), tt.problem) {
				t.Fatalf("err = %q (field %q), want field %q and %q", err, ae.Field, tt.field, tt.problem)
			}
			if len(f.recorded()) != 0 {
				t.Fatal("a request was sent for bad arguments")
			}
		})
	}
}
