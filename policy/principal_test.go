package policy

import (
	"errors"
	"testing"

	"github.com/cedar-policy/cedar-go/types"
)

func TestParseCaller(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id   string
		want types.EntityUID
		err  bool
	}{
		{"slack:T1/U1", types.NewEntityUID(TypeSlackUser, "T1/U1"), false},
		{"mcp:claude-desktop", types.NewEntityUID(TypeMCPClient, "claude-desktop"), false},
		{"cli:alice", types.NewEntityUID(TypeCLIOperator, "alice"), false},
		{"cli:", types.EntityUID{}, true},
		{"alice", types.EntityUID{}, true},
		{"slack:U1", types.EntityUID{}, true},
		{"slack:T1/", types.EntityUID{}, true},
		{"slack:T1/U1/x", types.EntityUID{}, true},
		{"cli:al ice", types.EntityUID{}, true},
		{"SLACK:T1/U1", types.EntityUID{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			t.Parallel()
			got, err := ParseCaller(tt.id)
			if tt.err {
				if !errors.Is(err, ErrBadCaller) {
					t.Errorf("ParseCaller(%q) error = %v; want ErrBadCaller", tt.id, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseCaller(%q) = %v, %v; want %v", tt.id, got, err, tt.want)
			}
			if back, ok := CallerID(got); !ok || back != tt.id {
				t.Errorf("CallerID(%v) = %q, %v; want %q", got, back, ok, tt.id)
			}
		})
	}
}
