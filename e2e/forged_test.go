package e2e

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/sign"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// This file is issue #8's "a rogue worker's forged result fails the step
// as Forged and the run undoes itself": a worker of the namespace that is
// not the host's agent polls the host's queue and answers its tasks.

// impostor serves host's queue as a rogue would: it takes every task and
// answers that it changed something, with no host key. It counts the
// tasks it answered.
func impostor(t *testing.T, c client.Client, host string) *atomic.Int32 {
	t.Helper()
	var answered atomic.Int32
	w := worker.New(c, activities.HostQueue(host), worker.Options{DisableWorkflowWorker: true})
	w.RegisterDynamicActivity(func(ctx context.Context, args converter.EncodedValues) (activities.Change, error) {
		answered.Add(1)
		return activities.Change{Changed: true}, nil
	}, activity.DynamicRegisterOptions{})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return &answered
}

// TestForgedResultFailsTheStepAndTheRunIsUndone: the first cluster node
// is bootstrapped by its real agent; the second node's queue is answered
// by an impostor. Its first answer fails the join as Forged, and the run
// undoes the bootstrap: every host ends as it began.
func TestForgedResultFailsTheStepAndTheRunIsUndone(t *testing.T) {
	c := dial(t, "signed")
	orchestrator(t, c)
	l := newLab(t, "signed", "scalable-storage")
	first, second := "storage0a.example.org", "storage0b.example.org"
	start(t, "lab", "up", "--runbook", l.book, "--dir", l.dir, "--namespace", l.ns, "--host", first)
	answered := impostor(t, c, second)
	before := l.snapshot()
	started := l.invocations(first)

	if out, err := runBin(t, "starter", "run", "--namespace", l.ns, "--runbook", "scalable-storage", "--cluster", "storage0", "--id", "forged-join"); err == nil {
		t.Fatalf("the run succeeded with an impostor answering for %s:\n%s", second, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := c.GetWorkflow(ctx, "forged-join", "").Get(ctx, nil)
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != workflows.ErrRunFailed {
		t.Fatalf("the run ended with %v, want %s", err, workflows.ErrRunFailed)
	}
	// The cause travels through the join child and the undo as text: the
	// step's error type is in it.
	if !strings.Contains(err.Error(), "forged result of Probe on host-"+second) || !strings.Contains(err.Error(), "type: "+sign.ErrForged) {
		t.Errorf("the failure does not name the forged result as %s: %v", sign.ErrForged, err)
	}
	if answered.Load() == 0 {
		t.Fatal("the impostor answered nothing: the run failed for another reason")
	}
	if l.invocations(first) == started {
		t.Fatal("the first node's agent ran nothing: there was no bootstrap to undo")
	}
	if d := diff(before, l.snapshot()); len(d) > 0 {
		t.Errorf("hosts changed by the failed run: %v", d)
	}
	if out, err := l.exec(first, "cman_tool", "status"); err == nil {
		t.Errorf("%s: cman still running after the undo:\n%s", first, out)
	}
	record(t, c, "forged-join")
}
