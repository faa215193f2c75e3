package main

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"
	"github.com/seed-afc46a91/authingops/authing"
	"github.com/spf13/cobra"
)

// authingFlags are the flags of every command that talks to Authing. The
// access key secret is read from the environment only, so that it never
// shows in a process list or a shell history.
type authingFlags struct {
	host     string
	keyID    string
	lang     string
	tenantID string
	timeout  time.Duration
	insecure bool
}

func (a *authingFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&a.host, "host", envOr("AUTHING_HOST", authing.DefaultHost), "Authing API origin (env AUTHING_HOST)")
	f.StringVar(&a.keyID, "access-key-id", envOr("AUTHING_ACCESS_KEY_ID", ""), "user pool access key id (env AUTHING_ACCESS_KEY_ID); the secret comes from AUTHING_ACCESS_KEY_SECRET")
	f.StringVar(&a.lang, "lang", envOr("AUTHING_LANG", authing.DefaultLang), "language of Authing's messages: zh-CN or en-US (env AUTHING_LANG)")
	f.StringVar(&a.tenantID, "tenant-id", envOr("AUTHING_TENANT_ID", ""), "tenant id sent as x-authing-app-tenant-id (env AUTHING_TENANT_ID)")
	f.DurationVar(&a.timeout, "timeout", authing.DefaultTimeout, "timeout of each HTTP attempt")
	f.BoolVar(&a.insecure, "insecure-skip-verify", false, "skip TLS certificate verification (test deployments only)")
}

// client builds the Authing client from the flags and AUTHING_ACCESS_KEY_SECRET.
func (a *authingFlags) client(_ context.Context, log zerolog.Logger) (*authing.Client, error) {
	secret := envOr("AUTHING_ACCESS_KEY_SECRET", "")
	if a.keyID == "" || secret == "" {
		return nil, fmt.Errorf("no Authing credentials: set AUTHING_ACCESS_KEY_ID and AUTHING_ACCESS_KEY_SECRET (or --access-key-id)")
	}
	return authing.NewClient(authing.Options{
		AccessKeyID: a.keyID, AccessKeySecret: secret, Host: a.host, Lang: a.lang,
		TenantID: a.tenantID, Timeout: a.timeout, InsecureSkipVerify: a.insecure, Logger: &log,
	})
}
