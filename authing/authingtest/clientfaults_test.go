package authingtest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/seed-afc46a91/authingops/authing"
	"github.com/seed-afc46a91/authingops/authing/authingtest"
)

// The generated client against injected faults: what reliability tests of
// the rest of authingops build on.
func TestClientAgainstFaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name  string
		fault authingtest.Fault
		call  func(c *authing.Client) error
		check func(t *testing.T, srv *authingtest.Server, err error)
	}{
		{
			name:  "early token expiry is refreshed once",
			fault: authingtest.Fault{Kind: authingtest.FaultExpireToken, Operation: "list_roles", Count: 1},
			call: func(c *authing.Client) error {
				if _, err := c.ListRoles(ctx, &authing.ListRolesRequest{}); err != nil {
					return err
				}
				_, err := c.ListRoles(ctx, &authing.ListRolesRequest{})
				return err
			},
			check: func(t *testing.T, srv *authingtest.Server, err error) {
				if err != nil || srv.Calls("get_management_token") != 2 {
					t.Fatalf("err %v, tokens %d; want success after one refresh", err, srv.Calls("get_management_token"))
				}
			},
		},
		{
			name:  "a read is retried after a 503 envelope",
			fault: authingtest.Fault{Kind: authingtest.FaultEnvelope, StatusCode: 503, Operation: "list_groups", Count: 1},
			call: func(c *authing.Client) error {
				_, err := c.ListGroups(ctx, &authing.ListGroupsRequest{})
				return err
			},
			check: func(t *testing.T, srv *authingtest.Server, err error) {
				if err != nil || srv.Calls("list_groups") != 1 {
					t.Fatalf("err %v, calls %d; want one successful retry", err, srv.Calls("list_groups"))
				}
			},
		},
		{
			name:  "a write whose answer is lost is not sent twice",
			fault: authingtest.Fault{Kind: authingtest.FaultDrop, Operation: "create_role", Count: 1, AfterHandler: true},
			call: func(c *authing.Client) error {
				_, err := c.CreateRole(ctx, &authing.CreateRoleRequest{Code: "lost"})
				return err
			},
			check: func(t *testing.T, srv *authingtest.Server, err error) {
				if err == nil || srv.Calls("create_role") != 1 {
					t.Fatalf("err %v, calls %d; want an error and exactly one execution", err, srv.Calls("create_role"))
				}
			},
		},
		{
			name:  "HTTP 502 on a write surfaces as unavailable",
			fault: authingtest.Fault{Kind: authingtest.FaultHTTPStatus, StatusCode: 502, Operation: "create_group"},
			call: func(c *authing.Client) error {
				_, err := c.CreateGroup(ctx, &authing.CreateGroupRequest{Code: "g", Name: "G", Type: "static"})
				return err
			},
			check: func(t *testing.T, srv *authingtest.Server, err error) {
				if !errors.Is(err, authing.ErrUnavailable) || srv.Calls("create_group") != 0 {
					t.Fatalf("err %v, calls %d; want ErrUnavailable and no execution", err, srv.Calls("create_group"))
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newSandboxClient(t, authingtest.Options{Seed: authingtest.SeedDemo})
			if _, err := srv.Faults().Add(tt.fault); err != nil {
				t.Fatal(err)
			}
			tt.check(t, srv, tt.call(c))
		})
	}
}

func TestStartDemo(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	srv, cred, err := authingtest.StartDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cred.AccessKeyID != authingtest.DemoAccessKeyID || cred.Host != srv.URL() {
		t.Fatalf("credentials: %+v", cred)
	}
	c, err := authing.NewClient(authing.Options{AccessKeyID: cred.AccessKeyID, AccessKeySecret: cred.AccessKeySecret, Host: cred.Host, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	users, err := c.ListUsers(ctx, &authing.ListUsersRequest{})
	if err != nil || users.TotalCount != 5 {
		t.Fatalf("demo users: %+v, %v", users, err)
	}
	cancel()
	<-srv.Done()
	if _, err := c.ListUsers(context.Background(), &authing.ListUsersRequest{}); err == nil {
		t.Fatal("the demo sandbox still answers after its context ended")
	}
}
