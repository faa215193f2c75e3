package gate_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/seed-afc46a91/authingops/gate"
)

// TestCallErrorKeepsTheOperationName checks that an operation whose name
// looks like a "key: value" secret (get_access_key_list) is not redacted out
// of its own error message, while the message body is still scrubbed.
func TestCallErrorKeepsTheOperationName(t *testing.T) {
	t.Parallel()
	f := setup(t)
	// cli:alice may manage access keys from the CLI; the sandbox does not
	// emulate the operation and answers 501.
	res, err := f.gate.Execute(context.Background(), gate.Call{
		Caller: "cli:alice", Surface: "cli", Operation: "get_access_key_list", Args: json.RawMessage(`{}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != gate.StatusFailed {
		t.Fatalf("status %s (%v), want failed", res.Status, res.Err)
	}
	msg := res.Message()
	if !strings.HasPrefix(msg, "authing get_access_key_list: ") || strings.Contains(msg, "REDACTED") {
		t.Fatalf("message %q lost the operation name or was over-redacted", msg)
	}
}
