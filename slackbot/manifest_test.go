package slackbot

import (
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type manifest struct {
	Features struct {
		SlashCommands []struct {
			Command string `yaml:"command"`
			URL     string `yaml:"url"`
		} `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuth struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		Interactivity struct {
			Enabled    bool   `yaml:"is_enabled"`
			RequestURL string `yaml:"request_url"`
		} `yaml:"interactivity"`
		SocketMode bool `yaml:"socket_mode_enabled"`
	} `yaml:"settings"`
}

// The manifests declare what the bot serves: the command at its path, the
// interactivity endpoint, and the scopes it uses.
func TestManifests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file       string
		socketMode bool
	}{{"manifest.yaml", false}, {"manifest-socket-mode.yaml", true}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			var m manifest
			if err := yaml.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != DefaultCommand {
				t.Fatalf("slash commands %+v", m.Features.SlashCommands)
			}
			if !m.Settings.Interactivity.Enabled || m.Settings.SocketMode != tt.socketMode {
				t.Errorf("settings %+v", m.Settings)
			}
			if !tt.socketMode && (!strings.HasSuffix(m.Features.SlashCommands[0].URL, PathCommands) || !strings.HasSuffix(m.Settings.Interactivity.RequestURL, PathInteractions)) {
				t.Errorf("URLs do not match the mounted paths: %+v", m)
			}
			for _, s := range []string{"commands", "chat:write"} {
				if !slices.Contains(m.OAuth.Scopes.Bot, s) {
					t.Errorf("bot scopes %v lack %s", m.OAuth.Scopes.Bot, s)
				}
			}
		})
	}
}
