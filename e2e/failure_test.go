package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/lab/emu"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

func TestTransientFailuresAreRetried(t *testing.T) {
	c := dial(t, "faults")
	orchestrator(t, c)
	l := newLab(t, "faults", "scalable-storage")
	l.up()
	l.fault("--host", "storage1b.example.org", "--command", "yum", "--fail", "2")

	out, err := runBin(t, "starter", "run", "--namespace", "faults", "--runbook", "scalable-storage", "--cluster", "storage1", "--id", "retry-yum")
	if err != nil {
		t.Fatalf("starter run: %v\n%s", err, out)
	}
	if !strings.Contains(out, "ok  storage1b.example.org: yum -y install cman") {
		t.Errorf("no install step in the progress:\n%s", out)
	}
	// Two injected failures, then the install that worked.
	var yums []int
	runs, err := emu.Invocations(l.dir, "storage1b.example.org")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if filepath.Base(r.Argv[0]) == "yum" {
			yums = append(yums, r.Exit)
		}
	}
	if len(yums) != 3 || yums[0] == 0 || yums[1] == 0 || yums[2] != 0 {
		t.Errorf("yum exit statuses on storage1b: %v, want two failures then a success", yums)
	}
	checkFormed(t, l, "storage1", blog["storage1"], 2)
}

func TestAFailedJoinLeavesEveryHostAsItFoundIt(t *testing.T) {
	c := dial(t, "faults")
	orchestrator(t, c)
	l := newLab(t, "faults", "scalable-storage")
	l.up()
	before := l.snapshot()
	// The new node's cman never starts: the join fails after the member's
	// cluster.conf changed, and the whole run must be undone.
	l.fault("--host", "client1.example.org", "--command", "cman start", "--fail-always",
		"--message", "cman not started: Can't find local node name in cluster.conf /sbin/cman_tool: aisexec daemon didn't start")

	out, err := runBin(t, "starter", "run", "--namespace", "faults", "--runbook", "scalable-storage", "--cluster", "client", "--id", "undo-join")
	if err == nil {
		t.Fatalf("the run succeeded with cman failing:\n%s", out)
	}
	if !strings.Contains(out, "FAILED") {
		t.Errorf("starter did not say the run failed:\n%s", out)
	}
	if d := diff(before, l.snapshot()); len(d) > 0 {
		t.Errorf("hosts changed by a failed run: %v", d)
	}
	record(t, c, "undo-join")
	for _, h := range blog["client"] {
		if out, err := l.exec(h, "cman_tool", "status"); err == nil {
			t.Errorf("%s: cman still running after the undo:\n%s", h, out)
		}
	}
	// The member's file went to version 2 (join) and 3 (undo) before it
	// was removed with the cluster: its backup shows a version never fell.
	if bak, err := os.ReadFile(filepath.Join(l.root("client0.example.org"), "etc/cluster/cluster.conf"+activities.BackupSuffix)); err == nil {
		conf, err := activities.ParseClusterConf(string(bak))
		if err == nil && conf.Version < 2 {
			t.Errorf("backup holds version %d", conf.Version)
		}
	}
}

func TestBadStartRequestsChangeNothing(t *testing.T) {
	c := dial(t, "bad")
	orchestrator(t, c)
	l := newLab(t, "bad", "scalable-storage")
	l.up()
	before := l.snapshot()

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: bad\nhosts:\n  - name: a\n    fqdn: a.example.org\n    address: 10.0.0.1\nclusters:\n  - name: \"x;rm -rf /\"\n    nodes: [{host: a, nodeid: 1}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--runbook", bad}, "bad.yaml:7: clusters[0].name"},
		{[]string{"--runbook", "scalable-storage", "--procedure", "rm-rf"}, "unknown procedure"},
		{[]string{"--runbook", "scalable-storage", "--procedure", "node-join", "--cluster", "storage0"}, "needs --cluster and --node"},
	} {
		out, err := runBin(t, "starter", append([]string{"run", "--namespace", "bad"}, tc.args...)...)
		if err == nil || !strings.Contains(out, tc.want) {
			t.Errorf("starter run %v: err %v, output lacks %q:\n%s", tc.args, err, tc.want, out)
		}
		if strings.Contains(out, "workflow ID") {
			t.Errorf("starter run %v started a workflow", tc.args)
		}
	}

	// What the Web UI's Start Workflow form could send.
	ctx := context.Background()
	for i, in := range []workflows.NodeJoinInput{
		{Ref: runbooks.Ref{Runbook: "scalable-storage"}, Cluster: "storage0", Node: "storage0b;reboot"},
		{Ref: runbooks.Ref{Runbook: "../../etc/passwd"}, Cluster: "storage0", Node: "storage0b"},
		{Ref: runbooks.Ref{Runbook: "scalable-storage"}, Cluster: "$(reboot)", Node: "storage0b"},
	} {
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "bad-" + string(rune('a'+i)), TaskQueue: workflows.OrchestratorQueue}, workflows.NodeJoinName, in)
		if err != nil {
			t.Fatal(err)
		}
		err = run.Get(ctx, nil)
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || (appErr.Type() != activities.ErrBadInput && appErr.Type() != activities.ErrInvalidRunbook) {
			t.Errorf("input %+v: error %v, want a bad input", in, err)
		}
	}
	// A typo in a field name ("cluster" for FormClusters' "clusters") must
	// not widen the run to every cluster: it is refused, naming the field.
	typo := json.RawMessage(`{"runbook": "scalable-storage", "cluster": "storage0"}`)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "bad-typo", TaskQueue: workflows.OrchestratorQueue}, workflows.FormClustersName, typo)
	if err != nil {
		t.Fatal(err)
	}
	err = run.Get(ctx, nil)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != activities.ErrBadInput || !strings.Contains(err.Error(), `unknown field "cluster"`) {
		t.Errorf("FormClusters with a typo: %v, want BadInput naming the field", err)
	}
	if d := diff(before, l.snapshot()); len(d) > 0 {
		t.Errorf("bad requests changed hosts: %v", d)
	}
	for _, h := range []string{"storage0a.example.org", "storage0b.example.org"} {
		if data, _ := os.ReadFile(filepath.Join(l.dir, "log", h+".log")); len(data) > 0 {
			t.Errorf("%s ran commands for a bad request:\n%s", h, data)
		}
	}
}
