package authing_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/seed-afc46a91/authingops/authing"
)

// TestRequestEncoding checks one operation of each wire shape.
func TestRequestEncoding(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name       string
		call       func(c *authing.Client) error
		method     string
		path       string
		query      string
		body       string // compared as JSON; "" means no body
		wantResult string
	}{
		{
			name: "GET query with arrays",
			call: func(c *authing.Client) error {
				_, err := c.ListSyncRiskOperations(ctx, &authing.ListSyncRiskOperationsRequest{
					SyncTaskID: 7, Page: authing.Ptr(2),
					Status: []authing.ListSyncRiskOperationsStatus{authing.ListSyncRiskOperationsStatusPending, authing.ListSyncRiskOperationsStatusFailed},
				})
				return err
			},
			method: "GET", path: "/api/v3/list-sync-risk-operations",
			query: "page=2&status=PENDING&status=FAILED&syncTaskId=7",
		},
		{
			name: "POST body with nested models",
			call: func(c *authing.Client) error {
				_, err := c.ListUsers(ctx, &authing.ListUsersRequest{
					Keywords: authing.Ptr("bob"),
					Options:  &authing.ListUsersOptions{Pagination: &authing.Pagination{Page: authing.Ptr(1), Limit: authing.Ptr(50)}, WithCustomData: authing.Ptr(false)},
				})
				return err
			},
			method: "POST", path: "/api/v3/list-users",
			body: `{"keywords":"bob","options":{"pagination":{"page":1,"limit":50},"withCustomData":false}}`,
		},
		{
			name: "DELETE with a query array",
			call: func(c *authing.Client) error {
				_, err := c.DeleteAuth(ctx, &authing.DeleteAuthRequest{AuthIDs: []string{"a1", "a2"}})
				return err
			},
			method: "DELETE", path: "/api/v3/batch-applications-auth", query: "authIds=a1&authIds=a2",
		},
		{
			name: "PUT body",
			call: func(c *authing.Client) error {
				_, err := c.ProcessApproval(ctx, &authing.ProcessApprovalRequest{Number: "n-1", IsAgreed: authing.Ptr(false)})
				return err
			},
			method: "PUT", path: "/api/v3/approval-process", body: `{"number":"n-1","isAgreed":false}`,
		},
		{
			name: "path parameter",
			call: func(c *authing.Client) error {
				_, err := c.DeleteByID(ctx, &authing.DeleteByIDRequest{ID: "ip/1"})
				return err
			},
			method: "DELETE", path: "/api/v3/ip-list/ip/1",
		},
		{
			name: "POST with only a query",
			call: func(c *authing.Client) error {
				_, err := c.Upload(ctx, &authing.UploadRequest{Private: true})
				return err
			},
			method: "POST", path: "/api/v3/invitation-invitee/upload", query: "private=true",
		},
		{
			name: "row batch outside /api/v3",
			call: func(c *authing.Client) error {
				_, err := c.GetRowBatch(ctx, &authing.GetRowBatchRequest{RowIDs: []string{"r1"}, ModelID: "m1"})
				return err
			},
			method: "POST", path: "/get-row-batch", body: `{"rowIds":["r1"],"modelId":"m1"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t)
			if err := tt.call(c); err != nil {
				t.Fatal(err)
			}
			got := f.recorded()
			if len(got) != 1 {
				t.Fatalf("requests = %d", len(got))
			}
			r := got[0]
			if r.Method != tt.method || r.Path != tt.path || r.RawQuery != tt.query {
				t.Fatalf("sent %s %s?%s, want %s %s?%s", r.Method, r.Path, r.RawQuery, tt.method, tt.path, tt.query)
			}
			if tt.body == "" {
				if len(r.Body) != 0 {
					t.Fatalf("unexpected body %s", r.Body)
				}
				return
			}
			var gotBody, wantBody any
			if err := json.Unmarshal(r.Body, &gotBody); err != nil {
				t.Fatal(err)
			}
			_ = json.Unmarshal([]byte(tt.body), &wantBody)
			if d := cmp.Diff(wantBody, gotBody); d != "" {
				t.Fatalf("body (-want +got):\n%s", d)
			}
		})
	}
}

func TestMissingPathParameterIsRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	_, err := c.DeleteByID(context.Background(), &authing.DeleteByIDRequest{})
	var ae *authing.ArgumentError
	if !asArg(err, &ae) || ae.Field != "id" || ae.Operation != "delete_by_id" {
		t.Fatalf("err = %v", err)
	}
	if len(f.recorded()) != 0 || f.tokenCalls.Load() != 0 {
		t.Fatal("something was sent")
	}
}
