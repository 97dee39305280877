package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/lab/drbd"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// This file is issue #11's "the whole build, with one history process
// killed and restarted mid-run, ending in the same state as on the dev
// server", on make cluster's production shape.

// clusterOffset moves the test's cluster off make cluster's ports.
const clusterOffset = 100

// cluster runs scripts/cluster with the test's directory and ports.
func cluster(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(repo, "scripts", "cluster"), args...)
	cmd.Env = append(os.Environ(), "CLUSTER_DIR="+dir, "CLUSTER_OFFSET="+strconv.Itoa(clusterOffset))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/cluster %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestBuildOnTheClusterSurvivesAKilledHistoryProcess: on PostgreSQL and
// three server processes, the whole build runs while one of the two
// history processes is killed and, later, started again: its shards move
// to the other, the run goes on, and the stack it leaves is the one a
// check of the runbook finds nothing wrong with, the file check of part
// #5 included.
func TestBuildOnTheClusterSurvivesAKilledHistoryProcess(t *testing.T) {
	// PostgreSQL runs as its own user, which must reach the data
	// directory: t.TempDir's are private.
	base, err := os.MkdirTemp("", "tetsuzuki-cluster-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "cluster")
	t.Cleanup(func() {
		cluster(t, dir, "down")
		os.RemoveAll(base)
	})
	t.Logf("%s", cluster(t, dir, "up"))
	addr := fmt.Sprintf("127.0.0.1:%d", 7633+clusterOffset)

	c, closeClient, err := connect.Dial(context.Background(), connect.Options{Address: addr, Namespace: "default", Quiet: true, CodecKeyFile: codecKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeClient)
	orchestrator(t, c)
	l := newLab(t, "default", "scalable-storage")
	if err := drbd.SetSpeedup(l.dir, 200); err != nil {
		t.Fatal(err)
	}
	start(t, "lab", "up", "--runbook", l.book, "--dir", l.dir, "--namespace", "default", "--address", addr)
	yaml := driftRunbook(t, l)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "cluster-build", TaskQueue: workflows.OrchestratorQueue},
		workflows.StorageBuildName, workflows.RunbookInput{Ref: runbooks.Ref{YAML: yaml, Source: "cluster.yaml"}})
	if err != nil {
		t.Fatal(err)
	}
	// Mid-run: once the data path's children are under way.
	eventually(t, 3*time.Minute, "the build's storage layer to start", func() bool {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: "default",
			Query: `RootWorkflowId = "cluster-build" AND WorkflowType = "DRBDPair"`})
		return err == nil && len(resp.Executions) > 0
	})
	pidFile := filepath.Join(dir, "run", "history1.pid")
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	t.Logf("killed history process 1 (pid %d) mid-run", pid)
	// Its shards go to the other history process, and the run goes on
	// there; then it comes back and takes its share again.
	eventually(t, 5*time.Minute, "the build to go on without history process 1", func() bool {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: "default",
			Query: `RootWorkflowId = "cluster-build" AND WorkflowType = "Multipath"`})
		return err == nil && len(resp.Executions) > 0
	})
	cluster(t, dir, "up")
	t.Logf("history process 1 started again")

	var res workflows.StorageBuildResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatalf("the build on the cluster: %v\n%s", err, tailOf(filepath.Join(dir, "logs", "history2.log")))
	}
	var check workflows.CheckResult
	crun, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "cluster-check", TaskQueue: workflows.OrchestratorQueue},
		workflows.CheckName, workflows.RunbookInput{Ref: runbooks.Ref{YAML: yaml, Source: "cluster.yaml"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := crun.Get(ctx, &check); err != nil {
		t.Fatal(err)
	}
	if check.Hosts != 6 || len(check.Findings) != 0 {
		t.Errorf("the check of the stack built on the cluster: %d hosts, findings %+v", check.Hosts, check.Findings)
	}
	if out, err := l.exec("client1.example.org", "ls", "/mnt"); err != nil || !strings.Contains(out, "ieiri") {
		t.Errorf("the file check: ls /mnt on client1: %v %q", err, out)
	}
}

// tailOf is the end of a log, for a failure message.
func tailOf(path string) string {
	data, _ := os.ReadFile(path)
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}
