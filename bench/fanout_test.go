package bench

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/tetsuzuki/tetsuzuki/lab/scale"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// BenchmarkFanout is the build of the blog's two storage pairs with n
// clients (lab/scale: every client imports both pairs' exports and
// multipaths them, as a node of a client cluster of at most 16; no volume,
// which is one cluster's whatever n is), on fresh lab hosts, through the
// real server, orchestrator and agents.
//
//   - import-multipath-s: from the data path's first client's (or batch
//     of clients') child started to the last one's end, the part that
//     grows with the clients;
//   - build-s: the whole build, clusters formed first;
//   - max-events, max-history-KiB: the largest history of the build's
//     runs (the build, its children and theirs);
//   - max-payload-KiB: the largest single payload in any of them;
//   - x-tenth: import-multipath-s against that of a tenth of the clients
//     measured in the same run: time(1000)/time(100) for the thousand;
//   - cpu-ms/client and each part's: the CPU of the dev server, the
//     orchestrator, the agents and the tools over the clients' part,
//     a client; busy-%: how much of the cores that was;
//   - tool-runs/client: the tools the hosts ran over it, a client.
func BenchmarkFanout(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) { benchFanout(b, n) })
	}
}

// fanoutRuns are the builds measured so far, by clients: a build of a
// hundred clients takes minutes, so one build is measured however many
// times the framework calls the benchmark (once with b.N = 1, then with
// -benchtime's count), and the later calls report it again.
var fanoutRuns = map[int]fanoutRun{}

type fanoutRun struct {
	fanout, build time.Duration
	worst         treeStats
	// cpu is what each part used during the clients' part, and busy the
	// share of the machine's cores that was.
	cpu  cpuUse
	busy float64
	// toolRuns are the tools the hosts ran during the clients' part.
	toolRuns int
}

func benchFanout(b *testing.B, clients int) {
	r, ok := fanoutRuns[clients]
	if !ok {
		r = measureFanout(b, clients)
		fanoutRuns[clients] = r
	}
	b.ReportMetric(r.fanout.Seconds(), "import-multipath-s")
	b.ReportMetric(r.build.Seconds(), "build-s")
	b.ReportMetric(float64(r.worst.events), "max-events")
	b.ReportMetric(float64(r.worst.bytes)/1024, "max-history-KiB")
	b.ReportMetric(float64(r.worst.payload)/1024, "max-payload-KiB")
	perClient := func(d time.Duration) float64 { return float64(d.Milliseconds()) / float64(clients) }
	b.ReportMetric(perClient(r.cpu.total()), "cpu-ms/client")
	b.ReportMetric(perClient(r.cpu.server), "server-cpu-ms/client")
	b.ReportMetric(perClient(r.cpu.orch), "orch-cpu-ms/client")
	b.ReportMetric(perClient(r.cpu.agents), "agents-cpu-ms/client")
	b.ReportMetric(perClient(r.cpu.tools), "tools-cpu-ms/client")
	b.ReportMetric(100*r.busy, "busy-%")
	b.ReportMetric(float64(r.toolRuns)/float64(clients), "tool-runs/client")
	// The scaling ratio, time(n)/time(n/10), when the smaller
	// case ran in the same run (BenchmarkFanout runs them in order).
	if tenth, ok := fanoutRuns[clients/10]; ok && clients >= 100 && tenth.fanout > 0 {
		b.ReportMetric(r.fanout.Seconds()/tenth.fanout.Seconds(), "x-tenth")
	}
	b.ReportMetric(0, "ns/op") // one build, reported as its metrics
}

func measureFanout(b *testing.B, clients int) fanoutRun {
	name := fmt.Sprintf("fanout-%d", clients)
	data, err := scale.YAML(scale.Options{Name: name, Clients: clients, NoVolume: true})
	if err != nil {
		b.Fatal(err)
	}
	yaml := string(data)
	auto := strings.Replace(yaml, "  auto: []", "  auto: [disk-label, drbd-overwrite, pvcreate, mkfs]", 1)
	if auto == yaml {
		b.Fatalf("%s: no \"auto: []\" to let the build's approvals through", name)
	}
	l := newLab(b, fmt.Sprintf("fanout%d", clients), name, clients+4, map[string]string{name: auto})
	l.run(b, "set", "--dir", l.dir, "drbd-speedup", "200")
	l.up(b)
	c := l.orchestrator(b)
	cpu := traceCPU(server.pid, l.pid, time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "build", TaskQueue: workflows.OrchestratorQueue},
		workflows.StorageBuildName, workflows.RunbookInput{Ref: runbooks.Ref{Runbook: name}})
	if err != nil {
		b.Fatal(err)
	}
	var res workflows.StorageBuildResult
	err = result(ctx, run, &res)
	cancel()
	cpu.stop(b)
	if err != nil {
		b.Fatalf("the build of %d clients: %v", clients, err)
	}
	if surveyed := len(res.Hosts) + res.Surveyed; surveyed != clients+4 || res.SurveyError != "" {
		b.Fatalf("the build's end state: %d hosts, survey error %q", surveyed, res.SurveyError)
	}
	t := walkTree(b, c, "build", "")
	b.Logf("%d clients: build %s, import and multipath %s; largest history %d events, %d KiB (%s); largest payload %d KiB (%s)",
		clients, t.wall.Round(time.Millisecond), t.fanout.Round(time.Millisecond), t.events, t.bytes>>10, t.eventsOf, t.payload>>10, t.payloadOf)
	b.Logf("the largest history's bytes by event: %v", t.kinds)
	use, wall := cpu.between(t.fanoutFrom, t.fanoutTo)
	busy := float64(use.total()) / float64(wall) / float64(runtime.NumCPU())
	b.Logf("CPU over the clients' part (%s of samples): %s; %.0f%% of %d cores", wall.Round(time.Second), use, 100*busy, runtime.NumCPU())
	runs := l.toolRuns(b, t.fanoutFrom, t.fanoutTo)
	b.Logf("tools run over the clients' part: %d, %.1f a client", runs, float64(runs)/float64(clients))
	l.close()
	return fanoutRun{fanout: t.fanout, build: t.wall, worst: t, cpu: use, busy: busy, toolRuns: runs}
}

// treeStats is what the histories of a run and its children say: the
// largest history and payload among them, and, of the data path, how
// long its client steps took.
type treeStats struct {
	wall, fanout         time.Duration
	fanoutFrom, fanoutTo time.Time // the data path's first client started, last ended
	events, bytes        int
	payload              int
	eventsOf, payloadOf  string
	// kinds are the largest history's bytes by event type.
	kinds map[string]int
}

func (t treeStats) max(o treeStats) treeStats {
	if o.events > t.events {
		t.events, t.bytes, t.eventsOf, t.kinds = o.events, o.bytes, o.eventsOf, o.kinds
	}
	if o.payload > t.payload {
		t.payload, t.payloadOf = o.payload, o.payloadOf
	}
	return t
}

// walkTree reads the history of id and of every child it started, and
// theirs.
func walkTree(b *testing.B, c client.Client, id, runID string) treeStats {
	b.Helper()
	events := historyEvents(b, c, id, runID)
	t := treeStats{events: len(events), eventsOf: id, payloadOf: id, kinds: map[string]int{}}
	t.wall = events[len(events)-1].GetEventTime().AsTime().Sub(events[0].GetEventTime().AsTime())
	// The clients' part: from the first client's (or batch's) child
	// started to the last one's end, in the history that runs them.
	var firstClient, lastClient time.Time
	for _, e := range events {
		t.bytes += proto.Size(e)
		t.kinds[e.GetEventType().String()] += proto.Size(e)
		if p := largestPayload(e.ProtoReflect()); p > t.payload {
			t.payload, t.payloadOf = p, id+" "+e.GetEventType().String()
		}
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
			if clientKind(e.GetStartChildWorkflowExecutionInitiatedEventAttributes().GetWorkflowType().GetName()) && firstClient.IsZero() {
				firstClient = e.GetEventTime().AsTime()
			}
		case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
			if clientKind(e.GetChildWorkflowExecutionCompletedEventAttributes().GetWorkflowType().GetName()) {
				lastClient = e.GetEventTime().AsTime()
			}
		}
	}
	if !firstClient.IsZero() && lastClient.After(firstClient) {
		t.fanout, t.fanoutFrom, t.fanoutTo = lastClient.Sub(firstClient), firstClient, lastClient
	}
	for _, e := range events {
		if e.GetEventType() != enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED {
			continue
		}
		run := e.GetChildWorkflowExecutionStartedEventAttributes().GetWorkflowExecution()
		sub := walkTree(b, c, run.GetWorkflowId(), run.GetRunId())
		if t.fanout == 0 && sub.fanout > 0 {
			// the data path's, for the build that ran it
			t.fanout, t.fanoutFrom, t.fanoutTo = sub.fanout, sub.fanoutFrom, sub.fanoutTo
		}
		keep := t
		t = t.max(sub)
		t.wall, t.fanout, t.fanoutFrom, t.fanoutTo = keep.wall, keep.fanout, keep.fanoutFrom, keep.fanoutTo
	}
	return t
}

// largestPayload is the size of the largest Payload anywhere in m.
func largestPayload(m protoreflect.Message) int {
	if p, ok := m.Interface().(*commonpb.Payload); ok {
		return proto.Size(p)
	}
	largest := 0
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Kind() == protoreflect.MessageKind:
			for i := range v.List().Len() {
				largest = max(largest, largestPayload(v.List().Get(i).Message()))
			}
		case fd.IsMap() && fd.MapValue().Kind() == protoreflect.MessageKind:
			v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
				largest = max(largest, largestPayload(mv.Message()))
				return true
			})
		case !fd.IsList() && !fd.IsMap() && fd.Kind() == protoreflect.MessageKind:
			largest = max(largest, largestPayload(v.Message()))
		}
		return true
	})
	return largest
}

// clientKind is a child that brings clients up: a client's import or
// multipath, or a batch of clients.
func clientKind(kind string) bool {
	return kind == workflows.GNBDImportName || kind == workflows.MultipathName || kind == workflows.ClientBatchName
}
