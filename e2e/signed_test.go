package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/lab/emu"
	"github.com/tetsuzuki/tetsuzuki/sign"
)

// This file is issue #8's first line of "what must show": a client of the
// namespace that is not the orchestrator reaches no host. The rogue runs a
// workflow of its own, on a worker and queue of its own, that schedules
// host activities directly on a host's queue with well-formed inputs.

const (
	rogueQueue    = "rogue"
	rogueWorkflow = "RogueCall"
	victim        = "storage0a.example.org"
	bystander     = "storage0b.example.org"
)

// rogueCall is one activity the rogue schedules, and how its own
// interceptor alters the task after it was signed (see moved).
type rogueCall struct {
	Queue    string `json:"queue"`
	Activity string `json:"activity"`
	// Input is the activity's input as json.Marshal of its own type
	// makes it, so that it reaches the agent as the orchestrator would
	// have encoded it (see package sign on the input digest).
	Input json.RawMessage `json:"input"`
	// MoveTo and Swap, when set, are applied after signing: the signed
	// header travels onto another host's queue, or with another input.
	MoveTo string          `json:"move_to,omitempty"`
	Swap   json.RawMessage `json:"swap,omitempty"`
}

func raw(t *testing.T, v any) json.RawMessage {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// rogue schedules the call once, with no retry, and returns its error.
func rogue(ctx workflow.Context, call rogueCall) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:              call.Queue,
		ScheduleToStartTimeout: time.Minute,
		StartToCloseTimeout:    time.Minute,
		RetryPolicy:            &temporal.RetryPolicy{MaximumAttempts: 1},
	})
	ctx = workflow.WithValue(ctx, moveKey{}, call)
	return workflow.ExecuteActivity(ctx, call.Activity, call.Input).Get(ctx, nil)
}

type moveKey struct{}

// mover is a worker interceptor that, inside the signing interceptor,
// moves a signed task to another queue or swaps its input: what a rogue
// holding a header lifted from a history would send.
type mover struct {
	interceptor.WorkerInterceptorBase
}

func (m *mover) InterceptWorkflow(ctx workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	i := &moverInbound{}
	i.Next = next
	return i
}

type moverInbound struct {
	interceptor.WorkflowInboundInterceptorBase
}

func (i *moverInbound) Init(outbound interceptor.WorkflowOutboundInterceptor) error {
	o := &moverOutbound{}
	o.Next = outbound
	return i.Next.Init(o)
}

type moverOutbound struct {
	interceptor.WorkflowOutboundInterceptorBase
}

func (o *moverOutbound) ExecuteActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	call, _ := ctx.Value(moveKey{}).(rogueCall)
	if call.MoveTo == "" && call.Swap == nil {
		return o.Next.ExecuteActivity(ctx, activityType, args...)
	}
	if interceptor.WorkflowHeader(ctx)[sign.HeaderKey] == nil {
		f, set := workflow.NewFuture(ctx)
		set.SetError(errors.New("test harness: the task was not signed before it was moved"))
		return f
	}
	if call.MoveTo != "" {
		ctx = workflow.WithTaskQueue(ctx, call.MoveTo)
	}
	if call.Swap != nil {
		args = []any{call.Swap}
	}
	return o.Next.ExecuteActivity(ctx, activityType, args...)
}

// rogueWorker runs the rogue's workflow on its own queue; with a signer,
// it signs as the orchestrator does, and moves what it signed.
func rogueWorker(t *testing.T, c client.Client, signer *sign.Signer) {
	t.Helper()
	var opts worker.Options
	if signer != nil {
		// The first interceptor is the innermost on the outbound side:
		// the mover sees the task after the signer wrote its header.
		opts.Interceptors = []interceptor.WorkerInterceptor{&mover{}, sign.Orchestrator{Signer: signer}.Interceptor()}
	}
	w := worker.New(c, rogueQueue, opts)
	w.RegisterWorkflowWithOptions(rogue, workflow.RegisterOptions{Name: rogueWorkflow})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
}

// call runs one rogue call to its end and returns its failure.
func (l *lab) call(c client.Client, call rogueCall) error {
	l.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: rogueQueue}, rogueWorkflow, call)
	if err != nil {
		l.t.Fatal(err)
	}
	return run.Get(ctx, nil)
}

// unauthorized says why err is an Unauthorized refusal, or fails.
func unauthorized(t *testing.T, what string, err error) string {
	t.Helper()
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != activities.ErrUnauthorized {
		t.Fatalf("%s: got %v, want an %s refusal", what, err, activities.ErrUnauthorized)
	}
	if !app.NonRetryable() {
		t.Errorf("%s: refusal is retryable", what)
	}
	var reason string
	if err := app.Details(&reason); err != nil {
		t.Fatalf("%s: refusal without a reason: %v", what, err)
	}
	return reason
}

// untouched checks that no host ran a tool and no file changed since
// before: the lab's invocation logs and the hosts' files.
func (l *lab) untouched(before map[string]string, runs map[string]int) {
	l.t.Helper()
	if after := l.snapshot(); !maps.Equal(before, after) {
		for p, v := range after {
			if before[p] != v {
				l.t.Errorf("%s changed", p)
			}
		}
		for p := range before {
			if _, ok := after[p]; !ok {
				l.t.Errorf("%s removed", p)
			}
		}
	}
	for host, n := range runs {
		if got := l.invocations(host); got != n {
			l.t.Errorf("%s ran %d tools, want none", host, got-n)
		}
	}
}

func (l *lab) invocations(host string) int {
	runs, err := emu.Invocations(l.dir, host)
	if err != nil {
		l.t.Fatal(err)
	}
	return len(runs)
}

// TestUnsignedHostActivitiesAreRefused: with well-formed inputs, the file,
// package, module and file-check activities called directly on a host's
// queue are each refused as Unauthorized, no signature, and the host ran
// nothing and changed nothing.
func TestUnsignedHostActivitiesAreRefused(t *testing.T) {
	l := newLab(t, "signed", "scalable-storage")
	l.up()
	c := dial(t, "signed")
	rogueWorker(t, c, nil)
	before := l.snapshot()
	runs := map[string]int{victim: l.invocations(victim)}

	queue := activities.HostQueue(victim)
	for _, call := range []rogueCall{
		{Activity: activities.RestoreFileName, Input: raw(t, activities.RestoreFileInput{State: activities.FileState{
			Path: "/etc/cluster/cluster.conf", Exists: true, Mode: 0o644,
			Content: `<?xml version="1.0"?><cluster name="rogue" config_version="1"></cluster>`}})},
		{Activity: activities.RestoreFileName, Input: raw(t, activities.RestoreFileInput{State: activities.FileState{Path: "/etc/hosts"}})},
		{Activity: activities.RemovePackagesName, Input: raw(t, activities.PackagesInput{Packages: []string{"cman"}})},
		{Activity: activities.TouchFileName, Input: raw(t, activities.FileCheckInput{Mountpoint: "/mnt", Name: "rogue"})},
		{Activity: activities.LoadModuleName, Input: raw(t, activities.ModuleInput{Name: "drbd"})},
	} {
		call.Queue = queue
		if got := unauthorized(t, call.Activity, l.call(c, call)); got != sign.NoSignature {
			t.Errorf("%s: refused for %q, want %q", call.Activity, got, sign.NoSignature)
		}
	}
	l.untouched(before, runs)
}

// TestSignedTaskMovedIsRefused: a task validly signed for one host and one
// input is accepted as signed, and refused once its header travels onto
// another host's queue or with another input.
func TestSignedTaskMovedIsRefused(t *testing.T) {
	l := newLab(t, "signed", "scalable-storage")
	l.up()
	c := dial(t, "signed")
	// The rogue signs with the orchestrator's key only to hold a genuine
	// signature of a task of its own run; what it then alters is what a
	// header lifted from a history would be replayed with.
	rogueWorker(t, c, signer)

	// Signed and unaltered, a read-only probe runs: the refusals below
	// are the alterations, not the rogue's workflow or run.
	probe := rogueCall{Queue: activities.HostQueue(victim), Activity: activities.ProbeName, Input: raw(t, activities.ProbeInput{})}
	if err := l.call(c, probe); err != nil {
		t.Fatalf("a signed probe: %v", err)
	}

	before := l.snapshot()
	runs := map[string]int{victim: l.invocations(victim), bystander: l.invocations(bystander)}
	for _, tc := range []struct {
		name string
		call rogueCall
		want string
	}{
		{"to another host", rogueCall{Queue: activities.HostQueue(victim), Activity: activities.LoadModuleName,
			Input: raw(t, activities.ModuleInput{Name: "drbd"}), MoveTo: activities.HostQueue(bystander)}, sign.WrongQueue},
		{"with another input", rogueCall{Queue: activities.HostQueue(victim), Activity: activities.RemovePackagesName,
			Input: raw(t, activities.PackagesInput{Packages: []string{"gnbd"}}), Swap: raw(t, activities.PackagesInput{Packages: []string{"cman"}})}, sign.WrongInput},
		{"a file to restore, with another file", rogueCall{Queue: activities.HostQueue(victim), Activity: activities.RestoreFileName,
			Input: raw(t, activities.RestoreFileInput{State: activities.FileState{Path: "/etc/drbd.conf"}}),
			Swap:  raw(t, activities.RestoreFileInput{State: activities.FileState{Path: "/etc/hosts"}})}, sign.WrongInput},
		// Signed by the orchestrator's key but with no approval signed
		// for it, a step that destroys data is refused: what a workflow
		// that skipped its approval gate would send.
		{"mkfs without an approval", rogueCall{Queue: activities.HostQueue(victim), Activity: activities.MakeFilesystemName,
			Input: raw(t, activities.FilesystemInput{Device: "/dev/VG0/LV0", LockTable: "client:gfs", Journals: 3, Mountpoint: "/mnt/gfs"})}, sign.NoApproval},
		{"pvcreate wiping without an approval", rogueCall{Queue: activities.HostQueue(victim), Activity: activities.PVCreateName,
			Input: raw(t, activities.PVInput{Device: "/dev/mapper/storage0", Wipe: true})}, sign.NoApproval},
		{"volume removal without an approval", rogueCall{Queue: activities.HostQueue(victim), Activity: activities.RemoveVolumeName,
			Input: raw(t, activities.VolumeInput{VG: "VG0", LV: "LV0"})}, sign.NoApproval},
		{"overwriting the DRBD peer without an approval", rogueCall{Queue: activities.HostQueue(victim), Activity: activities.DRBDOverwritePeerName,
			Input: raw(t, activities.DRBDInput{})}, sign.NoApproval},
	} {
		if got := unauthorized(t, tc.name, l.call(c, tc.call)); got != tc.want {
			t.Errorf("%s: refused for %q, want %q", tc.name, got, tc.want)
		}
	}
	l.untouched(before, runs)
}
