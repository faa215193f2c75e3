package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// plantedSecrets are values that must never reach a stored row or a log line.
var plantedSecrets = []string{
	"Hunter2-Plaintext-Pw!",
	"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLXNlY3JldA",
	"cs_9f8e7d6c5b4a39281706",
	"xoxb-1234567890-abcdefghijkl",
	"sk-live-AbCdEf0123456789xyz",
	"ErrPw-98765",
	"ResultSecretValue123",
	"493817",
	"RC-7788-9911",
	"Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg",
	"Qx7vN2pL9kR4mT8wZ3yB6c",
}

// secretArgs plants the secrets in arguments, nested "results" and free text.
const secretArgs = `{
	"userId": "u1",
	"email": "alice@example.com",
	"nickname": "Alice",
	"password": "Hunter2-Plaintext-Pw!",
	"accessToken": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLXNlY3JldA",
	"options": {"clientSecret": "cs_9f8e7d6c5b4a39281706", "resetPasswordOnFirstLogin": true},
	"description": "ping xoxb-1234567890-abcdefghijkl please",
	"result": {"secret": "ResultSecretValue123", "status": 200},
	"phone": "+8613800000000",
	"code": "493817",
	"recoveryCode": "RC-7788-9911",
	"customData": {"blob": "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg"}
}`

const secretError = `authing 401: Authorization: Bearer sk-live-AbCdEf0123456789xyz; body {"password":"ErrPw-98765"} token=ResultSecretValue123`

func testNoSecrets(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.new(t)
	var logs bytes.Buffer
	s := db.open(t, WithLogger(zerolog.New(&logs)))

	r := rec("slack:T1/U1", "updateUser", PhaseFailed, secretArgs)
	r.ErrorClass, r.ErrorMessage = "authing_error", secretError
	r.Targets = append(r.Targets, "Qx7vN2pL9kR4mT8wZ3yB6c") // a secret mistaken for an id
	mustAppend(t, s, r)

	a := newApproval()
	a.Args = json.RawMessage(secretArgs)
	a.Payload = []byte("unredacted call kept for execution") // stored as given, never logged
	ar := rec("slack:T1/U1", "updateUser", PhaseApprovalRequested, secretArgs)
	if err := s.CreateApproval(ctx, a, ar); err != nil {
		t.Fatal(err)
	}
	tr := rec("slack:T1/U2", "updateUser", PhaseApprovalDenied, secretArgs)
	tr.ErrorMessage = secretError
	if _, err := s.TransitionApproval(ctx, a.ID, StatePending, StateDenied, "slack:T1/U2", tr); err != nil {
		t.Fatal(err)
	}

	rows := db.dump(t)
	// The payload column is the gate's opaque, unredacted call by contract;
	// everything else must be clean.
	rows = strings.ReplaceAll(rows, "approvals.payload="+string(a.Payload), "")
	for _, where := range []struct{ name, text string }{{"stored rows", rows}, {"log output", logs.String()}} {
		for _, secret := range plantedSecrets {
			if strings.Contains(where.text, secret) {
				t.Errorf("%s contain secret %q", where.name, secret)
			}
		}
	}
	if strings.Contains(logs.String(), string(a.Payload)) {
		t.Errorf("log output contains the approval payload")
	}
	for _, keep := range []string{"alice@example.com", "Alice", "u1", "+8613800000000", "ping "} {
		if !strings.Contains(rows, keep) {
			t.Errorf("stored rows lost the safe value %q", keep)
		}
	}
	if n := strings.Count(logs.String(), `"event":"audit"`); n != 3 {
		t.Errorf("log mirror wrote %d audit lines, want 3:\n%s", n, logs.String())
	}
	mustVerifyOK(t, s, 3)
}
