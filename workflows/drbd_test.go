package workflows

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/sign"
)

const step0 = "drbd-overwrite:storage0/r0"

func pairInput() DRBDPairInput {
	return DRBDPairInput{Ref: storage, Cluster: "storage0"}
}

// decide sends an approval Update at the given workflow time and records
// how the workflow answered it.
func decide(env *testsuite.TestWorkflowEnvironment, at time.Duration, req ApprovalRequest, answer *error) {
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(ApproveUpdate, fmt.Sprintf("update-%s-%s-%s", at, req.Step, req.By), &testsuite.TestUpdateCallback{
			OnAccept:   func() {},
			OnReject:   func(err error) { *answer = err },
			OnComplete: func(any, error) {},
		}, req)
	}, at)
}

func TestDRBDPairWaitsForApprovalBeforeOverwriting(t *testing.T) {
	env, rec := newEnv(t, nil)
	var wrongStep, noName, ok error
	env.RegisterDelayedCallback(func() {
		// While it waits, the query says what for, and nothing was overwritten.
		v, err := env.QueryWorkflow(ApprovalsQuery)
		var state ApprovalsState
		if err != nil || v.Get(&state) != nil || !slices.Equal(state.Pending, []string{step0}) {
			t.Errorf("approvals while waiting: %+v, %v", state, err)
		}
		if slices.Contains(rec.list(), "storage0a.example.org DRBDOverwritePeer") {
			t.Error("overwrote the peer before the approval")
		}
	}, time.Hour)
	decide(env, 2*time.Hour, ApprovalRequest{Step: "drbd-overwrite:storage9/r0", By: "alice", Approve: true}, &wrongStep)
	decide(env, 2*time.Hour, ApprovalRequest{Step: step0, By: "", Approve: true}, &noName)
	decide(env, 3*time.Hour, ApprovalRequest{Step: step0, By: "alice", Approve: true}, &ok)
	env.ExecuteWorkflow(DRBDPairName, pairInput())
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if wrongStep == nil || noName == nil || ok != nil {
		t.Errorf("validator answers: wrong step %v, no name %v, valid %v", wrongStep, noName, ok)
	}
	res := resultOf[StepResult](t, env)
	if len(res.Approvals) != 1 || res.Approvals[0] != (Approval{Step: step0, By: "alice", Approved: true, How: sign.Unsigned}) {
		t.Errorf("recorded approvals: %+v", res.Approvals)
	}
	calls := rec.list()
	over := slices.Index(calls, "storage0a.example.org DRBDOverwritePeer")
	prim := slices.Index(calls, "storage0b.example.org DRBDPrimary")
	if over < 0 || prim < over {
		t.Errorf("overwrite on the sync source, then primary on the peer: %q", calls)
	}
	if !slices.ContainsFunc(res.Irreversible, func(s string) bool { return strings.Contains(s, "storage0b.example.org: data overwritten") }) {
		t.Errorf("the result does not name the overwrite: %q", res.Irreversible)
	}
}

func TestDRBDPairTakesAnApprovalSignalFromTheWebUI(t *testing.T) {
	env, _ := newEnv(t, nil)
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(ApproveSignal, ApprovalRequest{Step: "bogus", By: "mallory", Approve: true}) // dropped
		env.SignalWorkflow(ApproveSignal, ApprovalRequest{Step: step0, By: "bob", Approve: true})
	}, time.Hour)
	env.ExecuteWorkflow(DRBDPairName, pairInput())
	res := resultOf[StepResult](t, env)
	if len(res.Approvals) != 1 || res.Approvals[0].By != "bob" {
		t.Errorf("approvals: %+v", res.Approvals)
	}
}

func TestDRBDPairRejectedIsUndoneWithoutOverwriting(t *testing.T) {
	env, rec := newEnv(t, nil)
	var answer error
	decide(env, time.Hour, ApprovalRequest{Step: step0, By: "carol", Approve: false, Reason: "wrong pair"}, &answer)
	env.ExecuteWorkflow(DRBDPairName, pairInput())
	err := env.GetWorkflowError()
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != activities.ErrRejected || !strings.Contains(err.Error(), "carol") {
		t.Fatalf("error = %v, want Rejected by carol", err)
	}
	calls := rec.list()
	if slices.Contains(calls, "storage0a.example.org DRBDOverwritePeer") {
		t.Error("a rejected overwrite ran")
	}
	for _, want := range []string{"storage0a.example.org DRBDDown", "storage0b.example.org DRBDDown", "storage0a.example.org RestoreFile", "storage0b.example.org RemovePackages"} {
		if !slices.Contains(calls, want) {
			t.Errorf("undo lacks %q: %q", want, calls)
		}
	}
}

func TestDRBDPairGoesOnWhenTheRunbookAutoApproves(t *testing.T) {
	data, err := os.ReadFile("../runbooks/scalable-storage.yaml")
	if err != nil {
		t.Fatal(err)
	}
	auto := strings.Replace(string(data), "  auto: []", "  auto: [drbd-overwrite]", 1)
	env, _ := newEnv(t, nil)
	env.ExecuteWorkflow(DRBDPairName, DRBDPairInput{Ref: runbooks.Ref{YAML: auto}, Cluster: "storage0"})
	res := resultOf[StepResult](t, env)
	if len(res.Approvals) != 1 || !res.Approvals[0].Auto || res.Approvals[0].By != "runbook" {
		t.Errorf("approvals: %+v", res.Approvals)
	}
}

// A pair already in sync (a build run again) asks for no approval and
// overwrites nothing; it still checks that both sides are primary.
func TestDRBDPairInSyncAsksNothing(t *testing.T) {
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		probeReturns(env, rec, activities.StorageProbeResult{
			Modules: []string{"drbd"},
			DRBD:    []activities.DRBDStatus{{Connection: "Connected", Role: "Primary", PeerRole: "Primary", Disk: "UpToDate", PeerDisk: "UpToDate"}},
		})
	})
	env.ExecuteWorkflow(DRBDPairName, pairInput())
	res := resultOf[StepResult](t, env)
	if len(res.Approvals) > 0 {
		t.Errorf("approvals on a pair in sync: %+v", res.Approvals)
	}
	calls := rec.list()
	if slices.Contains(calls, "storage0a.example.org DRBDOverwritePeer") || slices.Contains(calls, "storage0b.example.org DRBDOverwritePeer") {
		t.Errorf("overwrote a pair in sync: %q", calls)
	}
	if !slices.Contains(calls, "storage0b.example.org DRBDPrimary") {
		t.Errorf("did not make sure of the peer's role: %q", calls)
	}
}
