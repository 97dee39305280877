package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// This file is issue #9's schedules: `starter schedule create` makes a
// Temporal Schedule whose runs start on their own, carry the runbook's
// search attribute, and stop while it is paused. The runs are the real
// Check, of a lab that was never built: it completes with its findings.

const scheduleNS = "schedule"

// checking runs the orchestrator and the agents of a fresh lab in the
// namespace, so that a schedule's runs are real checks that end.
func checking(t *testing.T, c client.Client) {
	t.Helper()
	orchestrator(t, c)
	newLab(t, scheduleNS, "scalable-storage").up()
}

// schedule runs `starter schedule CMD ARGS` in the test namespace, and
// fails the test if it fails.
func schedule(t *testing.T, cmd string, args ...string) string {
	t.Helper()
	out, err := runBin(t, "starter", append([]string{"schedule", cmd, "--namespace", scheduleNS}, args...)...)
	if err != nil {
		t.Fatalf("starter schedule %s %q: %v\n%s", cmd, args, err, out)
	}
	return out
}

// newSchedule creates a schedule that checks scalable-storage, and deletes
// it at the end of the test.
func newSchedule(t *testing.T, id string, args ...string) {
	t.Helper()
	schedule(t, "create", append([]string{"--id", id, "--procedure", "check", "--runbook", "scalable-storage"}, args...)...)
	t.Cleanup(func() {
		if out, err := runBin(t, "starter", "schedule", "delete", "--namespace", scheduleNS, "--id", id); err != nil {
			t.Errorf("delete schedule %s: %v\n%s", id, err, out)
		}
	})
}

var actionsRE = regexp.MustCompile(`(?m)^  actions: +(\d+) taken`)

// actionsTaken is how many actions describe says the schedule took.
func actionsTaken(t *testing.T, describe string) int {
	t.Helper()
	m := actionsRE.FindStringSubmatch(describe)
	if m == nil {
		t.Fatalf("describe says no actions count:\n%s", describe)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// latestRun is the workflow ID of the newest run describe lists, "" when
// it lists none; the server names a run by the schedule's ID and the time.
func latestRun(id, describe string) string {
	m := regexp.MustCompile(`(?m)^    \S+  (` + regexp.QuoteMeta(id) + `-\S+)  `).FindStringSubmatch(describe)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestScheduleRunsAreFoundByRunbook: a schedule of an hourly check is
// triggered; describe lists the run it started, which the query on
// TetsuzukiRunbook finds and which got the runbook's input; paused, the
// schedule says so in describe and in list.
func TestScheduleRunsAreFoundByRunbook(t *testing.T) {
	ctx := context.Background()
	c := dial(t, scheduleNS)
	checking(t, c)
	const id = "e2e-check"
	newSchedule(t, id, "--every", "1h", "--note", "e2e: made by the schedule test")

	schedule(t, "trigger", "--id", id)
	var run string
	eventually(t, time.Minute, "describe to list the triggered run", func() bool {
		run = latestRun(id, schedule(t, "describe", "--id", id))
		return run != ""
	})

	query := fmt.Sprintf("%s=%q", workflows.RunbookAttr.GetName(), "scalable-storage")
	var typ string
	eventually(t, time.Minute, "the run to be listed by "+query, func() bool {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: scheduleNS, Query: query})
		if err != nil {
			t.Fatalf("list %s: %v", query, err)
		}
		for _, e := range resp.Executions {
			if e.GetExecution().GetWorkflowId() == run {
				typ = e.GetType().GetName()
				return true
			}
		}
		return false
	})
	if typ != "Check" {
		t.Errorf("run %s is a %s, want Check", run, typ)
	}
	// Through the codec both ways: the starter encoded the input when it
	// made the schedule, the orchestrator decoded it and checked the lab.
	var res workflows.CheckResult
	if err := c.GetWorkflow(ctx, run, "").Get(ctx, &res); err != nil {
		t.Fatalf("run %s: %v", run, err)
	}
	if res.Runbook != "scalable-storage" || res.Hosts != 6 || len(res.Findings) == 0 {
		t.Errorf("run %s: a check of %q over %d hosts with %d findings, want scalable-storage, 6 hosts, and the findings of a lab never built", run, res.Runbook, res.Hosts, len(res.Findings))
	}

	// The run's findings are in the list too, from its search attributes.
	listed := regexp.MustCompile(`(?m)^` + id + ` +check +scalable-storage +every 1h +no +\S+Z +\S+Z Completed, ` + fmt.Sprint(len(res.Findings)) + ` findings, worst ` + string(res.Worst) + `$`)
	eventually(t, time.Minute, "list to show the schedule and its completed run with its findings", func() bool {
		return listed.MatchString(schedule(t, "list"))
	})

	schedule(t, "pause", "--id", id, "--note", "e2e: paused")
	out := schedule(t, "describe", "--id", id)
	if !strings.Contains(out, "\n  state:      paused\n") || !strings.Contains(out, "\n  note:       \"e2e: paused\"\n") {
		t.Errorf("describe after pause:\n%s\nwant state paused and the note", out)
	}
	paused := regexp.MustCompile(`(?m)^` + id + ` +check +scalable-storage +every 1h +yes +- `)
	eventually(t, time.Minute, "list to show the schedule paused", func() bool {
		return paused.MatchString(schedule(t, "list", "--runbook", "scalable-storage"))
	})
}

// TestSchedulePausedTakesNoAction: a schedule of a check every second
// takes actions; paused, it takes none over several of its intervals;
// unpaused, it takes them again, so the quiet was the pause.
func TestSchedulePausedTakesNoAction(t *testing.T) {
	c := dial(t, scheduleNS)
	checking(t, c)
	const id, every = "e2e-pause", time.Second
	newSchedule(t, id, "--every", every.String())

	eventually(t, time.Minute, "two actions", func() bool {
		return actionsTaken(t, schedule(t, "describe", "--id", id)) >= 2
	})

	schedule(t, "pause", "--id", id)
	// The pause is a signal to the schedule: describe may answer before
	// the schedule has taken it. Once it says paused, no action follows.
	var out string
	eventually(t, 30*time.Second, "describe to say paused", func() bool {
		out = schedule(t, "describe", "--id", id)
		return strings.Contains(out, "\n  state:      paused\n")
	})
	taken := actionsTaken(t, out)
	// list reads visibility, which follows the schedule a little late.
	paused := regexp.MustCompile(`(?m)^` + id + ` +check +scalable-storage +every 1s +yes +- `)
	eventually(t, 30*time.Second, "list to show the schedule paused", func() bool {
		return paused.MatchString(schedule(t, "list"))
	})

	// Not a wait for something to happen but a watch that nothing does:
	// five polls, one an interval, each of which would have seen an
	// action of the running schedule.
	for i := range 5 {
		time.Sleep(every)
		if n := actionsTaken(t, schedule(t, "describe", "--id", id)); n != taken {
			t.Fatalf("poll %d: the paused schedule took %d actions, had taken %d when paused", i+1, n, taken)
		}
	}

	schedule(t, "unpause", "--id", id)
	eventually(t, time.Minute, "an action once unpaused", func() bool {
		return actionsTaken(t, schedule(t, "describe", "--id", id)) > taken
	})
}
