package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/proto"

	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/lab/scale"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// BenchmarkCheck is the Check workflow (workflows/check.go: every host's
// Inspect, a hundred at once, on its own agent, then findings.Analyze;
// past 32 hosts, in CheckHosts children of 32 hosts each) on the real
// dev server, orchestrator and agents, from the start request to the
// result in this process. ns/op is one whole Check; ms/host divides it
// by the hosts checked.
//
//   - blog-built: the six hosts of the shipped runbook scalable-storage,
//     built first by a StorageBuild, so every host runs every command of
//     its inspection; the check finds nothing.
//   - hosts=100 and hosts=1000: the blog's stack grown (lab/scale) to 48
//     storage pairs with 4 clients, and to 996 clients of the blog's two
//     pairs in client clusters of 16, as the fan-out builds them, on
//     hosts that are NOT built: lab init's fresh CentOS 5 hosts. Building a thousand
//     emulated hosts through the real build would take far longer than
//     the check, so these measure a check of hosts whose roles' packages
//     are missing: each inspection queries every package with rpm, reads
//     the managed files, the kernel log and the mounts (fewer commands
//     than on a built host: a tool that is not installed is not run), and
//     the analysis finds what such hosts lack (unbuilt).
//   - At a thousand hosts those findings, about 2.5 KB a host, made the
//     check's result larger than the 2 MiB a Temporal payload may be,
//     and the server terminated the check (README, "Benchmarks"); a check
//     in children now lists only the worst and counts the rest. That
//     case's runbook still ignores the codes of unbuilt (checks.ignore): every
//     host is inspected and analysed as at a hundred, and the result
//     holds what is left, which must be nothing.
//
// Every iteration's result is checked: the hosts counted, the findings
// each case expects, and every host answering, but at a thousand. There a
// check does not get every host's inspection taken within the 30 s it
// waits for an agent (lookPickup) on this machine, where the dev server,
// the thousand agents and their tools share two cores, and on a busy
// machine some that were taken miss their heartbeats: those hosts are
// reported HOST_AGENT_UNREACHABLE and HOST_INSPECT_FAILED, as a check
// reports them, counted in the metrics unreachable and failed, and the
// check's time includes their wait (README, "Benchmarks"). pickup-ms is
// the median and longest wait of a host's inspection for its agent, in
// the last check.
func BenchmarkCheck(b *testing.B) {
	b.Run("blog-built", benchBlogBuilt)
	b.Run("hosts=100", func(b *testing.B) {
		benchScaled(b, "check100", scale.Options{Pairs: 48, Clients: 4, ClusterSize: 4}, nil, false)
	})
	b.Run("hosts=1000", func(b *testing.B) {
		benchScaled(b, "check1000", scale.Options{Pairs: 2, Clients: 996}, unbuilt, true)
	})
}

// unbuilt are the codes a check finds on hosts of scaled that lab init
// just made: every package of a role missing, so no service runs, no
// config file is written, nothing is exported, imported or mounted.
var unbuilt = []findings.Code{
	findings.PackageMissing,
	findings.CmanNotRunning, findings.ClusterConfGone,
	findings.DRBDDown, findings.DRBDConfDrift,
	findings.GNBDServDown, findings.GNBDExportMissing,
	findings.MultipathdDown, findings.MapMissing, findings.MultipathConfDrift,
	findings.ClvmdDown, findings.LockingNotCluster,
	findings.GFS2NotMounted,
}

func benchBlogBuilt(b *testing.B) {
	book := filepath.Join(repo, "runbooks", "scalable-storage.yaml")
	l := newLab(b, "check6", book, 6, nil)
	// The initial syncs of the two 1 GiB pairs at 200 times their 10M.
	l.run(b, "set", "--dir", l.dir, "drbd-speedup", "200")
	l.up(b)
	c := l.orchestrator(b)
	build(b, c, book)
	benchCheck(b, c, l, runbooks.Ref{Runbook: "scalable-storage"}, false, func(res workflows.CheckResult) error {
		if len(res.Findings) != 0 {
			return fmt.Errorf("the check of the built stack found %s", codes(res.Findings))
		}
		return nil
	})
}

// build runs the StorageBuild of the runbook file with every destructive
// step let through (approvals.auto), as the drift tests do, instead of a
// person approving each.
func build(b *testing.B, c client.Client, book string) {
	b.Helper()
	data, err := os.ReadFile(book)
	if err != nil {
		b.Fatal(err)
	}
	yaml := strings.Replace(string(data), "  auto: []", "  auto: [disk-label, drbd-overwrite, pvcreate, mkfs]", 1)
	if yaml == string(data) {
		b.Fatalf("%s: no \"auto: []\" to let the build's approvals through", book)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "build", TaskQueue: workflows.OrchestratorQueue},
		workflows.StorageBuildName, workflows.RunbookInput{Ref: runbooks.Ref{YAML: yaml, Source: "bench-build.yaml"}})
	if err != nil {
		b.Fatal(err)
	}
	var res workflows.StorageBuildResult
	if err := run.Get(ctx, &res); err != nil {
		b.Fatalf("the build: %v", err)
	}
	if len(res.Hosts) != 6 || res.SurveyError != "" {
		b.Fatalf("the build's end state: %d hosts, survey error %q", len(res.Hosts), res.SurveyError)
	}
}

// benchScaled checks the unbuilt hosts of lab/scale's runbook of opts,
// with the codes of ignore added to the runbook's checks.ignore; a host
// that does not answer fails it unless unansweredOK.
func benchScaled(b *testing.B, ns string, opts scale.Options, ignore []findings.Code, unansweredOK bool) {
	hosts := 2*opts.Pairs + opts.Clients
	opts.Name = fmt.Sprintf("scaled-%d", hosts)
	name := opts.Name
	data, err := scale.YAML(opts)
	if err != nil {
		b.Fatal(err)
	}
	yaml := string(data)
	if len(ignore) > 0 {
		list := []string{string(findings.NoFencing)}
		for _, c := range ignore {
			list = append(list, string(c))
		}
		yaml = strings.Replace(yaml, "  ignore: [CLUSTER_NO_FENCING]", "  ignore: ["+strings.Join(list, ", ")+"]", 1)
	}
	l := newLab(b, ns, name, hosts, map[string]string{name: yaml})
	l.up(b)
	c := l.orchestrator(b)
	benchCheck(b, c, l, runbooks.Ref{Runbook: name}, unansweredOK, func(res workflows.CheckResult) error {
		if len(ignore) > 0 {
			others := slices.DeleteFunc(slices.Clone(res.Findings), unanswered)
			if len(others) > 0 {
				return fmt.Errorf("%d findings besides those of unbuilt hosts: %s", len(others), codes(others))
			}
			return nil
		}
		// Unbuilt: every host lacks the packages of its roles, and what
		// follows from that is all there is.
		missing := map[string]bool{}
		found := map[findings.Code]bool{}
		for _, f := range res.Findings {
			found[f.Code] = true
			if f.Code == findings.PackageMissing {
				missing[f.Host] = true
			}
		}
		// A result that lists the worst findings counts them all: every
		// code counted, as many missing packages as hosts at least.
		counted := 0
		for _, n := range res.Counts {
			found[n.Code] = true
			if n.Code == findings.PackageMissing {
				counted += n.Count
			}
		}
		switch {
		case res.Total > len(res.Findings) && counted < hosts:
			return fmt.Errorf("%d missing packages counted on %d unbuilt hosts", counted, hosts)
		case res.Total == 0 && len(missing) != hosts:
			return fmt.Errorf("%d of the %d unbuilt hosts miss packages", len(missing), hosts)
		}
		for _, c := range unbuilt {
			if !found[c] {
				return fmt.Errorf("no %s on unbuilt hosts", c)
			}
			delete(found, c)
		}
		if len(found) > 0 {
			return fmt.Errorf("unbuilt hosts have other findings too: %v", found)
		}
		return nil
	})
}

// checkDeadline is the longest a check may take here. By its own bounds
// a check ends within about 4.5 minutes: a host's inspection waits 30 s
// for its agent and runs a minute, three times at most, with 3 s of
// backoff. A longer check is stuck.
const checkDeadline = 6 * time.Minute

// result waits for a run's result. An overloaded dev server sometimes
// answers the wait for it (a long poll of its history) with a deadline
// or unavailable error of its own: the run goes on, and so does the wait,
// until ctx ends.
func result(ctx context.Context, run client.WorkflowRun, out any) error {
	for {
		err := run.Get(ctx, out)
		var deadline *serviceerror.DeadlineExceeded
		var unavailable *serviceerror.Unavailable
		busy := errors.As(err, &deadline) || errors.As(err, &unavailable) || errors.Is(err, context.DeadlineExceeded)
		if err == nil || !busy || ctx.Err() != nil {
			return err
		}
		select { // ask again in a moment, or give up with ctx
		case <-ctx.Done():
			return err
		case <-time.After(time.Second):
		}
	}
}

// unanswered is a finding of a host whose agent did not take its
// inspection in time, or took it and did not finish it.
func unanswered(f findings.Finding) bool {
	return f.Code == findings.AgentUnreachable || f.Code == findings.InspectFailed
}

// benchCheck runs a first Check, untimed, which every host's agent must
// answer unless unansweredOK, and then as many as the benchmark wants.
func benchCheck(b *testing.B, c client.Client, l *lab, ref runbooks.Ref, unansweredOK bool, verify func(workflows.CheckResult) error) {
	b.Helper()
	runs, unreachable, failed := 0, 0, 0
	check := func() workflows.CheckResult {
		runs++
		id := fmt.Sprintf("check-%d", runs)
		ctx, cancel := context.WithTimeout(context.Background(), checkDeadline)
		defer cancel()
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.OrchestratorQueue},
			workflows.CheckName, workflows.RunbookInput{Ref: ref})
		if err != nil {
			b.Fatal(err)
		}
		var res workflows.CheckResult
		if err := result(ctx, run, &res); err != nil {
			b.Fatalf("%s: %v", id, err)
		}
		if res.Hosts != l.hosts {
			b.Fatalf("%s: checked %d hosts, want %d", id, res.Hosts, l.hosts)
		}
		for _, f := range res.Findings {
			switch {
			case !unanswered(f):
			case !unansweredOK:
				b.Fatalf("%s: %s on %s: %s", id, f.Code, f.Host, f.Summary)
			case res.Total > 0: // counted below
			case f.Code == findings.AgentUnreachable:
				unreachable++
			default:
				failed++
			}
		}
		// A check of many findings lists the worst and counts them all.
		for _, n := range res.Counts {
			switch n.Code {
			case findings.AgentUnreachable, findings.InspectFailed:
				if !unansweredOK {
					b.Fatalf("%s: %d hosts %s", id, n.Count, n.Code)
				}
			}
			switch n.Code {
			case findings.AgentUnreachable:
				unreachable += n.Count
			case findings.InspectFailed:
				failed += n.Count
			}
		}
		if err := verify(res); err != nil {
			b.Fatalf("%s: %v", id, err)
		}
		return res
	}

	res := check()
	unreachable, failed = 0, 0
	for b.Loop() {
		check()
	}
	b.ReportMetric(float64(b.Elapsed())/float64(time.Millisecond)/float64(b.N)/float64(l.hosts), "ms/host")
	b.ReportMetric(float64(unreachable)/float64(b.N), "unreachable")
	b.ReportMetric(float64(failed)/float64(b.N), "failed")
	b.ReportMetric(float64(max(len(res.Findings), res.Total)), "findings")
	// The result's size, which a Temporal payload bounds at 2 MiB.
	if data, err := json.Marshal(res); err == nil {
		b.ReportMetric(float64(len(data))/1024, "result-KiB")
	}
	h := history(b, c, fmt.Sprintf("check-%d", runs))
	b.ReportMetric(float64(h.events), "events")
	b.ReportMetric(float64(h.size)/1024, "history-KiB")
	// Past 32 hosts a check reads them in CheckHosts children: the
	// largest history and payload of the check and its children, which
	// issue #11 bounds at 2,000 events and 64 KiB.
	t := walkTree(b, c, fmt.Sprintf("check-%d", runs), "")
	b.ReportMetric(float64(t.events), "max-events")
	b.ReportMetric(float64(t.payload)/1024, "max-payload-KiB")
	b.Logf("%d hosts: largest history %d events (%s), largest payload %d B (%s)", l.hosts, t.events, t.eventsOf, t.payload, t.payloadOf)
	if len(h.pickups) > 0 {
		slices.Sort(h.pickups)
		b.ReportMetric(float64(h.pickups[len(h.pickups)/2].Milliseconds()), "pickup-p50-ms")
		b.ReportMetric(float64(h.pickups[len(h.pickups)-1].Milliseconds()), "pickup-max-ms")
	}
}

// runHistory is what a run's history says: its events and their encoded
// size, which the server's history limits count, and how long each
// started step waited for its agent.
type runHistory struct {
	events, size int
	pickups      []time.Duration
	// runs are how long each step ran on its agent, from its start to
	// its completion.
	runs []time.Duration
	// completions are when each step completed, in history order, and
	// schedules when each was scheduled.
	completions, schedules []time.Time
	// taskWaits are how long each workflow task waited for the
	// orchestrator to take it, and tasks how long it then took to answer.
	taskWaits, tasks []time.Duration
}

func history(b *testing.B, c client.Client, id string) runHistory {
	b.Helper()
	var h runHistory
	scheduled, started := map[int64]time.Time{}, map[int64]time.Time{}
	var taskScheduled, taskStarted time.Time
	for _, e := range historyEvents(b, c, id, "") {
		h.events++
		h.size += proto.Size(e)
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
			taskScheduled = e.GetEventTime().AsTime()
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED:
			taskStarted = e.GetEventTime().AsTime()
			h.taskWaits = append(h.taskWaits, taskStarted.Sub(taskScheduled))
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
			h.tasks = append(h.tasks, e.GetEventTime().AsTime().Sub(taskStarted))
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			scheduled[e.GetEventId()] = e.GetEventTime().AsTime()
			h.schedules = append(h.schedules, e.GetEventTime().AsTime())
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED:
			id := e.GetActivityTaskStartedEventAttributes().GetScheduledEventId()
			if at, ok := scheduled[id]; ok {
				h.pickups = append(h.pickups, e.GetEventTime().AsTime().Sub(at))
			}
			started[id] = e.GetEventTime().AsTime()
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
			h.completions = append(h.completions, e.GetEventTime().AsTime())
			if at, ok := started[e.GetActivityTaskCompletedEventAttributes().GetScheduledEventId()]; ok {
				h.runs = append(h.runs, e.GetEventTime().AsTime().Sub(at))
			}
		}
	}
	return h
}

// codes lists findings as host and code, for a failure message.
func codes(fs []findings.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Host+" "+string(f.Code))
	}
	slices.Sort(out)
	return strings.Join(slices.Compact(out), ", ")
}
