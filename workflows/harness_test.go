package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// The hosts of the blog's runbook, as the recorder names them.
const (
	client0   = "client0.example.org"
	client1   = "client1.example.org"
	storage0a = "storage0a.example.org"
	storage0b = "storage0b.example.org"
	storage1a = "storage1a.example.org"
	storage1b = "storage1b.example.org"
)

// request is a run's input as the Web UI and the starter send it. Every
// input of the tests in this package's newer files is decoded from one, so
// that the Go types of the inputs (which embed the runbook reference) can
// change under the tests while the JSON stays.
type request struct {
	Runbook   string          `json:"runbook,omitempty"`
	YAML      string          `json:"runbook_yaml,omitempty"`
	Overrides json.RawMessage `json:"overrides,omitempty"`
	Host      string          `json:"host,omitempty"`
}

// inputOf decodes a request into a workflow's input type.
func inputOf[T any](r request) T {
	data, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	var in T
	if err := json.Unmarshal(data, &in); err != nil {
		panic(err)
	}
	return in
}

// blog is the request for the blog's runbook, patched by overrides (a JSON
// merge patch, "" for none).
func blog(overrides string) request {
	r := request{Runbook: "scalable-storage"}
	if overrides != "" {
		r.Overrides = json.RawMessage(overrides)
	}
	return r
}

// hostIn is the input of a one-host procedure (PrepareDisk, GNBDExport,
// GNBDImport, Multipath) on the blog's runbook.
func hostIn(host, overrides string) HostInput {
	r := blog(overrides)
	r.Host = host
	return inputOf[HostInput](r)
}

// autoYAML is a shipped runbook whose file lets the given destructive
// steps through: only a runbook file may, overrides never widen it.
func autoYAML(name string, steps ...string) string {
	_, data, err := runbooks.Open(name)
	if err != nil {
		panic(err)
	}
	return strings.Replace(string(data), "  auto: []", "  auto: ["+strings.Join(steps, ", ")+"]", 1)
}

// stackAuto is stackIn on the blog's runbook with steps let through.
func stackAuto(steps ...string) RunbookInput {
	return inputOf[RunbookInput](request{YAML: autoYAML("scalable-storage", steps...)})
}

// stackIn is the input of a procedure over the whole runbook (CLVM, GFS2,
// Shutdown, Startup, Teardown).
func stackIn(overrides string) RunbookInput {
	return inputOf[RunbookInput](blog(overrides))
}

// on replaces a host activity for one test: fn gets the FQDN of the host it
// runs on and the input. Calls of one replacement are serialized, so fn may
// count without locks; the call is noted in the recorder first.
func on[In, Out any](env *testsuite.TestWorkflowEnvironment, rec *recorder, name string, fn func(host string, in In) (Out, error)) {
	var mu sync.Mutex
	env.OnActivity(name, mock.Anything, mock.Anything).Return(func(ctx context.Context, in In) (Out, error) {
		rec.note(ctx, name)
		mu.Lock()
		defer mu.Unlock()
		return fn(activity.GetInfo(ctx).TaskQueue[len(activities.HostQueuePrefix):], in)
	})
}

// journal notes chosen host activities with their inputs, as
// "host activity {json}", in the order they ran.
type journal struct {
	mu      sync.Mutex
	entries []string
}

func (j *journal) list() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.entries)
}

// watch makes an activity succeed with out and notes it, with its input,
// in the recorder and the journal.
func watch[In, Out any](env *testsuite.TestWorkflowEnvironment, rec *recorder, j *journal, name string, _ In, out Out) {
	on(env, rec, name, func(host string, in In) (Out, error) {
		data, err := json.Marshal(in)
		if err != nil {
			panic(err)
		}
		j.mu.Lock()
		defer j.mu.Unlock()
		j.entries = append(j.entries, host+" "+name+" "+string(data))
		return out, nil
	})
}

// permanent is a failure no retry fixes, of one of the types of
// activities.NonRetryable. It is not marked non-retryable itself: the
// workflow's retry policy must know the type, so a step that loses the
// policy is caught.
func permanent(kind string) error {
	return temporal.NewApplicationError("permanent failure for the test", kind)
}

// notReady is a failure that settles: retried with backoff.
func notReady() error {
	return temporal.NewApplicationError("not ready yet", activities.ErrNotReady)
}

// stepsOn lists the activities one host ran, in order.
func stepsOn(calls []string, host string) []string {
	var out []string
	for _, c := range calls {
		if h, name, _ := strings.Cut(c, " "); h == host {
			out = append(out, name)
		}
	}
	return out
}

// callsAfter returns the calls after the first one equal to call, nil when
// there is none.
func callsAfter(calls []string, call string) []string {
	i := slices.Index(calls, call)
	if i < 0 {
		return nil
	}
	return calls[i+1:]
}

// count is how often call was made.
func count(calls []string, call string) int {
	n := 0
	for _, c := range calls {
		if c == call {
			n++
		}
	}
	return n
}

// wantErrType fails the test unless err has an application error of the
// given type in its chain.
func wantErrType(t *testing.T, err error, kind string) {
	t.Helper()
	for e := err; e != nil; e = errors.Unwrap(e) {
		if appErr, ok := e.(*temporal.ApplicationError); ok && appErr.Type() == kind {
			return
		}
	}
	t.Fatalf("error = %v, want a %s", err, kind)
}

// approveAt decides a pending step by Update at the given workflow time;
// answer receives the validator's refusal, if any.
func approveAt(env *testsuite.TestWorkflowEnvironment, at time.Duration, req ApprovalRequest, answer *error) {
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(ApproveUpdate, "approve-"+req.Step+"-"+req.By+"-"+at.String(), &testsuite.TestUpdateCallback{
			OnAccept:   func() {},
			OnReject:   func(err error) { *answer = err },
			OnComplete: func(any, error) {},
		}, req)
	}, at)
}

// pending asks a running workflow which approvals it waits for.
func pending(t *testing.T, env *testsuite.TestWorkflowEnvironment) []string {
	t.Helper()
	v, err := env.QueryWorkflow(ApprovalsQuery)
	if err != nil {
		t.Errorf("approvals query: %v", err)
		return nil
	}
	var state ApprovalsState
	if err := v.Get(&state); err != nil {
		t.Errorf("approvals query: %v", err)
	}
	return state.Pending
}

// staged is one host activity and the stage of a lifecycle it belongs to.
type staged struct {
	stage    int
	activity string
}

// checkStages checks that each host ran exactly its plan, and that across
// hosts no activity of a stage ran before every activity of the stages
// before it had: the barrier between stages.
func checkStages(t *testing.T, calls []string, plan map[string][]staged) {
	t.Helper()
	for host, want := range plan {
		var names []string
		for _, s := range want {
			names = append(names, s.activity)
		}
		if got := stepsOn(calls, host); !slices.Equal(got, names) {
			t.Errorf("%s:\n got %q\nwant %q", host, got, names)
			return
		}
	}
	next := map[string]int{}
	highest, at := 0, ""
	for _, c := range calls {
		host, name, _ := strings.Cut(c, " ")
		steps, ok := plan[host]
		if !ok {
			t.Errorf("%q ran on a host outside the plan", c)
			continue
		}
		s := steps[next[host]]
		next[host]++
		if s.stage < highest {
			t.Errorf("%q (stage %d) ran after %q of stage %d had started", host+" "+name, s.stage, at, highest)
		}
		if s.stage > highest {
			highest, at = s.stage, c
		}
	}
}

// undoLines renders an undo log as "host activity {json}", the form of a
// journal entry, so a recorded log and the undos that ran compare equal.
func undoLines(steps []UndoStep) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Host+" "+s.Activity+" "+string(s.Input))
	}
	return out
}

// reversed returns a reversed copy.
func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

// watchUndos journals every activity that undoes a data-path or part #5
// change, with its input.
func watchUndos(env *testsuite.TestWorkflowEnvironment, rec *recorder, j *journal) {
	watch(env, rec, j, activities.RemovePackagesName, activities.PackagesInput{}, activities.PackagesResult{})
	watch(env, rec, j, activities.GNBDStopServeName, activities.ServerInput{}, activities.Change{Changed: true})
	watch(env, rec, j, activities.GNBDUnexportName, activities.UnexportInput{}, activities.Change{Changed: true})
	watch(env, rec, j, activities.GNBDUnimportName, activities.UnimportInput{}, activities.Change{Changed: true})
	watch(env, rec, j, activities.UnloadModuleName, activities.ModuleInput{}, activities.Change{Changed: true})
	watch(env, rec, j, activities.UndoMultipathName, activities.UndoMultipathInput{}, activities.Change{Changed: true})
	watch(env, rec, j, activities.RestoreFileName, activities.RestoreFileInput{}, activities.Change{Changed: true})
	watch(env, rec, j, activities.StopServiceName, activities.ServiceInput{}, activities.Change{Changed: true})
	watch(env, rec, j, activities.RemoveVolumeName, activities.VolumeInput{}, activities.Change{Changed: true})
	watch(env, rec, j, activities.UnmountFilesystemName, activities.FilesystemInput{}, activities.Change{Changed: true})
}

// probeReturns makes every storage probe answer p.
func probeReturns(env *testsuite.TestWorkflowEnvironment, rec *recorder, p activities.StorageProbeResult) {
	on(env, rec, activities.ProbeStorageName, func(string, activities.StorageProbeInput) (activities.StorageProbeResult, error) { return p, nil })
}

// resultOf is the result of a workflow that must have completed.
func resultOf[T any](t *testing.T, env *testsuite.TestWorkflowEnvironment) T {
	t.Helper()
	var res T
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	return res
}
