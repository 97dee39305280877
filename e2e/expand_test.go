package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/lab/drbd"
	"github.com/tetsuzuki/tetsuzuki/plan"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// fsBlocks is the size of the filesystem mounted at /mnt on host, in
// 1K-blocks, as df reports it; 0 when nothing is mounted there.
func fsBlocks(t *testing.T, l *lab, host string) int {
	t.Helper()
	out, err := l.exec(host, "df", "/mnt")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 6 && f[5] == "/mnt" && strings.HasPrefix(f[0], "/dev/") {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	return 0
}

func TestExpandCapacityGrowsAMountedFilesystem(t *testing.T) {
	c := dial(t, "expand")
	orchestrator(t, c)
	// The lab has the eight hosts of the grown runbook; the build uses six.
	l := newLab(t, "expand", "scalable-storage-expand")
	if err := drbd.SetSpeedup(l.dir, 200); err != nil {
		t.Fatal(err)
	}
	l.up()
	start := func(id, workflow string, in any) client.WorkflowRun {
		run, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: id, TaskQueue: workflows.OrchestratorQueue}, workflow, in)
		if err != nil {
			t.Fatal(err)
		}
		return run
	}
	build := start("build", workflows.StorageBuildName, workflows.RunbookInput{Ref: runbooks.Ref{Runbook: "scalable-storage"}})
	if err := approveAll(t, "expand", "build", build); err != nil {
		t.Fatal(err)
	}
	before := map[string]int{}
	for _, h := range clientHosts {
		if before[h] = fsBlocks(t, l, h); before[h] == 0 {
			t.Fatalf("%s: /mnt not mounted after the build", h)
		}
	}

	// The expansion is planned first, and held to its plan: on every
	// host, what it runs is what the plan listed.
	grow := workflows.ExpandCapacityInput{Ref: runbooks.Ref{Runbook: "scalable-storage-expand"}, Clusters: []string{"storage2"}}
	grow.Plan = true
	var p plan.Plan
	if err := start("expand-plan", workflows.ExpandName, grow).Get(context.Background(), &p); err != nil {
		t.Fatalf("plan of the expansion: %v", err)
	}
	marks := marksOf(t, l, p)
	grow.Plan, grow.ApplyPlan = false, &workflows.Applying{ID: "expand-plan"}
	for _, h := range p.Hosts {
		grow.ApplyPlan.States = append(grow.ApplyPlan.States, workflows.HostDigest{Host: h.Host, State: h.State})
	}
	expand := start("expand", workflows.ExpandName, grow)
	if err := approveAll(t, "expand", "expand", expand); err != nil {
		t.Fatal(err)
	}
	heldTo(t, l, "the expansion", p, marks)
	for _, h := range clientHosts {
		after := fsBlocks(t, l, h)
		if after <= before[h] {
			t.Errorf("%s: /mnt is %d blocks after the expansion, %d before: it did not grow (or is not mounted)", h, after, before[h])
		}
		if out, _ := l.exec(h, "ls", "/mnt"); !strings.Contains(out, "ieiri") {
			t.Errorf("%s: the build's file is gone: ls /mnt = %q", h, out)
		}
		m, _ := l.exec(h, "multipath", "-l")
		if maps, _ := activities.ParseMultipath(m); len(maps) != 3 {
			t.Errorf("%s: %d multipath maps after adding a pair, want 3:\n%s", h, len(maps), m)
		}
		lv, _ := l.exec(h, "lvdisplay", "/dev/VG0/LV0")
		if blocks, err := activities.ParseDisplay(lv); err != nil || blocks[0]["Current LE"] != "765" {
			t.Errorf("%s: lvdisplay after the expansion:\n%s", h, lv)
		}
	}
	checkFormed(t, l, "storage2", []string{"storage2a.example.org", "storage2b.example.org"}, 2)
	record(t, c, "expand")
}
