package main

import (
	"context"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-afc46a91/authingops/audit"
	"github.com/seed-afc46a91/authingops/authing/authingtest"
)

// Two `authingops serve` replicas share one PostgreSQL audit log, one
// secret key, the same policies and one Authing (a standalone sandbox
// process), with the settings deploy/compose.yaml documents. An approval
// requested through one replica and approved through the other runs once;
// two admins approving at the same moment on different replicas run it
// once; the audit log stays one hash chain.

// replicaSecretKey is the deployment's AUTHINGOPS_SECRET_KEY in the test.
const replicaSecretKey = "replica-test-secret-key-0123456789abcdef"

// Demo users of the sandbox the tests delete.
const (
	deletedBySlack = "5a4d00000000000000000002"
	deletedInRace  = "5a4d00000000000000000003"
)

type deployment struct {
	host  string // the sandbox (Authing)
	dsn   string
	env   map[string]string
	slack *fakeSlackServer
	a, b  string // base URLs of the replicas
}

// newDeployment starts the sandbox and two replicas.
func newDeployment(t *testing.T) *deployment {
	t.Helper()
	dsn := postgresSchema(t)
	_, host := startSandboxProc(t)
	d := &deployment{host: host, dsn: dsn, slack: newFakeSlackServer(t)}
	d.env = map[string]string{
		"AUTHINGOPS_AUDIT_DSN":    dsn,
		"AUTHINGOPS_SECRET_KEY":   replicaSecretKey,
		"AUTHINGOPS_POLICIES":     repoPath(t, "examples/policies"),
		"SLACK_SIGNING_SECRET":    fakeSigningSecret,
		"SLACK_BOT_TOKEN":         fakeBotToken,
		"SLACK_APPROVALS_CHANNEL": fakeApprovals,
		"SLACK_API_URL":           d.slack.apiURL(),
	}
	// One after the other: the first creates the schema's tables.
	_, d.a = startServe(t, "replica A", d.host, d.env)
	_, d.b = startServe(t, "replica B", d.host, d.env)
	return d
}

// cli runs a one-shot authingops command against the deployment's store,
// key, policies and Authing, as an operator's third process would.
func (d *deployment) cli(t *testing.T, extraEnv map[string]string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	env := map[string]string{
		"AUTHING_HOST": d.host, "AUTHING_ACCESS_KEY_ID": authingtest.DemoAccessKeyID, "AUTHING_ACCESS_KEY_SECRET": authingtest.DemoAccessKeySecret,
		"AUTHINGOPS_AUDIT_DSN": d.dsn, "AUTHINGOPS_SECRET_KEY": replicaSecretKey, "AUTHINGOPS_POLICIES": d.env["AUTHINGOPS_POLICIES"],
	}
	for k, v := range extraEnv {
		env[k] = v
	}
	cmd.Env = childEnv(env)
	ctx, cancel := context.WithTimeout(context.Background(), procTimeout)
	defer cancel()
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			_ = cmd.Process.Kill()
		case <-done:
		}
	}()
	out, err := cmd.CombinedOutput()
	close(done)
	if err != nil {
		t.Fatalf("authingops %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// executions counts the executing records of an approval's call.
func executions(t *testing.T, st audit.Store, approvalID string) int {
	t.Helper()
	recs, err := st.Query(context.Background(), audit.Filter{ApprovalID: approvalID, Phase: audit.PhaseExecuting})
	if err != nil {
		t.Fatal(err)
	}
	return len(recs)
}

// waitFor polls cond until it holds or procTimeout passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(procTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

const alreadyDecided = "This approval was already decided."

func TestReplicasShareApprovals(t *testing.T) {
	d := newDeployment(t)
	st, err := audit.Open(context.Background(), d.dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })

	t.Run("requested on A, approved on B, runs once", func(t *testing.T) {
		d.slack.slashCommand(t, d.a, "U2", `delete_users_batch userIds='["`+deletedBySlack+`"]'`)
		id, ts := d.slack.approvalPosted(t)
		if n := sandboxCalls(t, d.host, "delete_users_batch"); n != 0 {
			t.Fatalf("the deletion ran %d times before approval", n)
		}
		d.slack.click(t, d.b, "U1", id, ts)
		waitFor(t, "the approved deletion", func() bool { return sandboxCalls(t, d.host, "delete_users_batch") == 1 })
		waitFor(t, "the outcome record", func() bool {
			recs, err := st.Query(context.Background(), audit.Filter{ApprovalID: id, Phase: audit.PhaseSucceeded})
			return err == nil && len(recs) == 1
		})

		hook := d.slack.click(t, d.a, "U1", id, ts)
		refusal := d.slack.waitPost(t, "the refusal of the second click", func(p slackPost) bool { return p.Kind == "hook" && p.Hook == hook })
		if !strings.Contains(refusal.Body, alreadyDecided) {
			t.Fatalf("second click answered %s", refusal.Body)
		}
		if n := sandboxCalls(t, d.host, "delete_users_batch"); n != 1 {
			t.Fatalf("delete_users_batch reached Authing %d times, want 1", n)
		}
		if n := executions(t, st, id); n != 1 {
			t.Fatalf("%d executing records, want 1", n)
		}
	})

	t.Run("two admins approve at once on different replicas, runs once", func(t *testing.T) {
		before := sandboxCalls(t, d.host, "delete_users_batch")
		out := d.cli(t, map[string]string{callerOverrideEnv: "1"}, "call", "--caller", "cli:alice", "delete_users_batch", "userIds="+deletedInRace)
		m := regexp.MustCompile(`approval id ([0-9a-f-]{36})`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no approval id in:\n%s", out)
		}
		id := m[1]
		var (
			wg    sync.WaitGroup
			hooks [2]string
			ready = make(chan struct{})
		)
		for i, c := range []struct{ base, user string }{{d.a, "U1"}, {d.b, "U2"}} {
			wg.Go(func() {
				<-ready
				hooks[i] = d.slack.click(t, c.base, c.user, id, "1700000099.000001")
			})
		}
		close(ready)
		wg.Wait()
		// The loser is told the approval was decided; only after that are
		// both decisions over.
		refused := d.slack.waitPost(t, "the losing click's refusal", func(p slackPost) bool {
			return p.Kind == "hook" && (p.Hook == hooks[0] || p.Hook == hooks[1]) && strings.Contains(p.Body, alreadyDecided)
		})
		waitFor(t, "the winner's outcome record", func() bool {
			recs, err := st.Query(context.Background(), audit.Filter{ApprovalID: id, Phase: audit.PhaseSucceeded})
			return err == nil && len(recs) == 1
		})
		if n := sandboxCalls(t, d.host, "delete_users_batch") - before; n != 1 {
			t.Fatalf("delete_users_batch reached Authing %d times, want 1", n)
		}
		if n := executions(t, st, id); n != 1 {
			t.Fatalf("%d executing records, want 1", n)
		}
		for _, h := range hooks {
			if h != refused.Hook && len(d.slack.hookPosts(h)) != 0 {
				t.Errorf("the winning clicker got %d answers; the approval message update should be the only one", len(d.slack.hookPosts(h)))
			}
		}
	})

	t.Run("one audit chain without a fork", func(t *testing.T) {
		out := d.cli(t, nil, "audit", "verify")
		if !strings.Contains(out, "audit chain OK") {
			t.Fatalf("audit verify:\n%s", out)
		}
		rep, err := st.Verify(context.Background())
		if err != nil || !rep.OK {
			t.Fatalf("verify: %v %+v", err, rep)
		}
	})
}
