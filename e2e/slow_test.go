package e2e

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/lab/drbd"
	"github.com/tetsuzuki/tetsuzuki/lab/emu"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// A real mkfs.gfs2 takes minutes. Slowed to a minute, six heartbeat
// timeouts (the workflows give a step 10 s between heartbeats), it must
// run once, in one attempt kept alive by the agent's heartbeats, and the
// build must go on to its end.
func TestSlowMkfsCompletesTheBuild(t *testing.T) {
	const slow = time.Minute
	c := dial(t, "slow")
	orchestrator(t, c)
	l := newLab(t, "slow", "scalable-storage")
	if err := drbd.SetSpeedup(l.dir, 200); err != nil {
		t.Fatal(err)
	}
	l.fault("--command", "mkfs.gfs2", "--slow", slow.String())
	l.up()

	run, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: "slow-build", TaskQueue: workflows.OrchestratorQueue},
		workflows.StorageBuildName, workflows.RunbookInput{Ref: runbooks.Ref{Runbook: "scalable-storage"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := approveAll(t, "slow", "slow-build", run); err != nil {
		t.Fatalf("the build with mkfs.gfs2 slowed %s: %v", slow, err)
	}
	var res workflows.StorageBuildResult
	if err := run.Get(context.Background(), &res); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(res.Checks, func(s string) bool {
		return strings.HasPrefix(s, "ieiri created on client0.example.org, listed on client1.example.org")
	}) {
		t.Errorf("the build's checks: %q", res.Checks)
	}

	// mkfs.gfs2 ran once, slowed, and succeeded: no attempt was given up
	// and no retry formatted the volume again.
	var mkfs []emu.Invocation
	for _, h := range append(slices.Clone(storageHosts), clientHosts...) {
		runs, err := emu.Invocations(l.dir, h)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			if filepath.Base(r.Argv[0]) == "mkfs.gfs2" {
				mkfs = append(mkfs, r)
			}
		}
	}
	if len(mkfs) != 1 || mkfs[0].Fault != emu.FaultSlow || mkfs[0].Exit != 0 {
		t.Errorf("mkfs.gfs2 invocations: %+v, want one, slowed, exit 0", mkfs)
	}
	// Its step completed in its first attempt.
	if attempts := attemptsOf(t, c, "slow-build", activities.MakeFilesystemName); !slices.Equal(attempts, []int32{1}) {
		t.Errorf("%s completed in attempts %v, want [1]", activities.MakeFilesystemName, attempts)
	}
}

// attemptsOf lists, for each completed activity of this type in the run id
// and its children, the attempt that completed it.
func attemptsOf(t *testing.T, c client.Client, id, activityType string) []int32 {
	t.Helper()
	var attempts []int32
	for ids := []string{id}; len(ids) > 0; ids = ids[1:] {
		scheduled := map[int64]bool{}
		attempt := map[int64]int32{}
		iter := c.GetWorkflowHistory(context.Background(), ids[0], "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for iter.HasNext() {
			ev, err := iter.Next()
			if err != nil {
				t.Fatal(err)
			}
			if a := ev.GetChildWorkflowExecutionStartedEventAttributes(); a != nil {
				ids = append(ids, a.GetWorkflowExecution().GetWorkflowId())
			}
			if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil && a.GetActivityType().GetName() == activityType {
				scheduled[ev.GetEventId()] = true
			}
			if a := ev.GetActivityTaskStartedEventAttributes(); a != nil && scheduled[a.GetScheduledEventId()] {
				attempt[a.GetScheduledEventId()] = a.GetAttempt()
			}
			if a := ev.GetActivityTaskCompletedEventAttributes(); a != nil && scheduled[a.GetScheduledEventId()] {
				attempts = append(attempts, attempt[a.GetScheduledEventId()])
			}
		}
	}
	return attempts
}
