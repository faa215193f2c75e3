package slackbot

import (
	"testing"

	"github.com/seed-afc46a91/authingops/policy"
)

// Slack identities map to principals the policy understands.
func TestIdentityCaller(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id   Identity
		want string
	}{
		{Identity{Team: "T1", User: "U1", Name: "alice"}, "slack:T1/U1"},
		{Identity{Enterprise: "E9", Team: "T1", User: "W7"}, "slack:E9/W7"},
	}
	for _, tt := range tests {
		got := tt.id.Caller()
		if got != tt.want {
			t.Errorf("%+v.Caller() = %q, want %q", tt.id, got, tt.want)
		}
		if _, err := policy.ParseCaller(got); err != nil {
			t.Errorf("the policy refuses %q: %v", got, err)
		}
		if u := slackUserOf(got); u != tt.id.User {
			t.Errorf("slackUserOf(%q) = %q", got, u)
		}
	}
}
