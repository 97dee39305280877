package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

var blog = map[string][]string{
	"storage0": {"storage0a.example.org", "storage0b.example.org"},
	"storage1": {"storage1a.example.org", "storage1b.example.org"},
	"client":   {"client0.example.org", "client1.example.org"},
}

// checkFormed checks what each host's own files and tools say: the same
// cluster.conf at version 2 on both nodes, both nodes M, quorate.
func checkFormed(t *testing.T, l *lab, cluster string, hosts []string, version int) {
	t.Helper()
	for _, h := range hosts {
		conf := l.conf(h)
		if conf.Name != cluster || conf.Version != version || len(conf.Nodes) != len(hosts) {
			t.Errorf("%s cluster.conf: name %q version %d nodes %v, want %q version %d with %v", h, conf.Name, conf.Version, conf.Nodes, cluster, version, hosts)
		}
		for _, n := range l.nodes(h) {
			if !n.Member() {
				t.Errorf("%s: cman_tool nodes shows %s as %q, want M", h, n.Name, n.Status)
			}
		}
		if s := l.status(h); !s.Quorate || s.ConfigVersion != version {
			t.Errorf("%s: cman_tool status: quorate %v config version %d, want quorate at %d", h, s.Quorate, s.ConfigVersion, version)
		}
	}
}

func TestStarterFormsTheBlogsThreeClusters(t *testing.T) {
	c := dial(t, "form")
	orchestrator(t, c)
	l := newLab(t, "form", "scalable-storage")
	l.up()

	out, err := runBin(t, "starter", "run", "--namespace", "form", "--runbook", l.book, "--procedure", "form-clusters", "--id", "form-blog")
	if err != nil {
		t.Fatalf("starter run: %v\n%s", err, out)
	}
	for _, want := range []string{"workflow ID: form-blog", "/namespaces/form/workflows/form-blog/", "ok  storage0b.example.org: /etc/init.d/cman start", "completed FormClusters"} {
		if !strings.Contains(out, want) {
			t.Errorf("starter output lacks %q:\n%s", want, out)
		}
	}
	for cluster, hosts := range blog {
		checkFormed(t, l, cluster, hosts, 2)
	}
	record(t, c, "form-blog")

	// Run again: every step finds its work done, and no version is spent.
	if out, err := runBin(t, "starter", "run", "--namespace", "form", "--runbook", l.book, "--id", "form-blog-again"); err != nil {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	for cluster, hosts := range blog {
		checkFormed(t, l, cluster, hosts, 2)
	}
}

func TestConcurrentJoinsLandAsVersionsTwoAndThree(t *testing.T) {
	c := dial(t, "concurrent")
	orchestrator(t, c)
	l := newLab(t, "concurrent", "lab-three-node")
	l.up()
	ctx := context.Background()
	ref := runbooks.Ref{Runbook: "lab-three-node"}

	boot, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "trio-bootstrap", TaskQueue: workflows.OrchestratorQueue},
		workflows.ClusterBootstrapName, workflows.ClusterBootstrapInput{Ref: ref, Cluster: "trio"})
	if err != nil {
		t.Fatal(err)
	}
	if err := boot.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// Both joins are requested at once; each must land, one version each.
	var runs []client.WorkflowRun
	for _, node := range []string{"node2", "node3"} {
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "trio-join-" + node, TaskQueue: workflows.OrchestratorQueue},
			workflows.NodeJoinName, workflows.NodeJoinInput{Ref: ref, Cluster: "trio", Node: node})
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run)
	}
	for _, run := range runs {
		if err := run.Get(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	// Version 1 from the bootstrap, one more per join: 3 holding both
	// nodes means both landed and neither overwrote the other.
	checkFormed(t, l, "trio", []string{"node1.example.org", "node2.example.org", "node3.example.org"}, 3)
	record(t, c, "trio-bootstrap", "trio-join-node2")
}

func TestAgentKilledMidJoinResumesAtVersionTwo(t *testing.T) {
	c := dial(t, "kill")
	orchestrator(t, c)
	l := newLab(t, "kill", "scalable-storage")
	a, b := "storage0a.example.org", "storage0b.example.org"
	agentA := l.agent(a)
	l.agent(b)
	// The member's push hangs once: the agent is killed while it runs.
	l.fault("--host", a, "--command", "ccs_tool update", "--hang", "1")

	ctx := context.Background()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "kill-mid-join", TaskQueue: workflows.OrchestratorQueue},
		workflows.FormClustersName, workflows.FormClustersInput{Ref: runbooks.Ref{Runbook: "scalable-storage"}, Clusters: []string{"storage0"}})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Minute, "the join's ccs_tool update on "+a, func() bool { return l.invoked(a, "ccs_tool", "update") })
	agentA.kill()
	l.agent(a)

	if err := run.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	checkFormed(t, l, "storage0", blog["storage0"], 2)
	record(t, c, "kill-mid-join")
}

func TestOrchestratorKilledMidRunFinishesTheRun(t *testing.T) {
	c := dial(t, "kill")
	l := newLab(t, "kill", "scalable-storage")
	l.up()
	orch := start(t, "worker", "-role", "orchestrator", "-namespace", "kill")
	// The join's membership check is slow, so the orchestrator dies after
	// cman started on storage1b and before the run could have finished.
	l.fault("--host", "storage1b.example.org", "--command", "cman_tool nodes", "--slow", "3s", "--times", "1")

	ctx := context.Background()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "kill-orchestrator", TaskQueue: workflows.OrchestratorQueue},
		workflows.FormClustersName, workflows.FormClustersInput{Ref: runbooks.Ref{Runbook: "scalable-storage"}, Clusters: []string{"storage1"}})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Minute, "cman start on storage1b", func() bool { return l.invoked("storage1b.example.org", "cman", "start") })
	orch.kill()
	desc, err := c.DescribeWorkflowExecution(ctx, "kill-orchestrator", "")
	if err != nil {
		t.Fatal(err)
	}
	if s := desc.GetWorkflowExecutionInfo().GetStatus(); s != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("the run was %s when the orchestrator died; the test needs it running", s)
	}
	start(t, "worker", "-role", "orchestrator", "-namespace", "kill")

	if err := run.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	checkFormed(t, l, "storage1", blog["storage1"], 2)
}
