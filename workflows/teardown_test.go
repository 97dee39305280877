package workflows

import (
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/sign"
)

const teardownStep = "teardown:/dev/VG0/LV0"

// teardownPlan is Shutdown's plan with the volume removed on the creator
// after the unmount: every later stage moves one down.
func teardownPlan() map[string][]staged {
	plan := map[string][]staged{}
	for host, steps := range shutdownPlan() {
		var out []staged
		for _, s := range steps {
			if s.stage > 1 {
				s.stage++
			}
			out = append(out, s)
			if host == client0 && s.stage == 1 && s.activity == "ProbeStorage" {
				out = append(out, staged{2, "RemoveVolume"})
			}
		}
		plan[host] = out
	}
	return plan
}

func TestTeardownRemovesTheVolumeOnlyAfterApproval(t *testing.T) {
	var j, vol journal
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		watchRemovals(env, rec, &j)
		watch(env, rec, &vol, activities.RemoveVolumeName, activities.VolumeInput{}, activities.Change{Changed: true})
	})
	var waiting, before []string
	env.RegisterDelayedCallback(func() { waiting, before = pending(t, env), rec.list() }, time.Hour)
	var ok error
	approveAt(env, 2*time.Hour, ApprovalRequest{Step: teardownStep, By: "alice", Approve: true}, &ok)
	env.ExecuteWorkflow(TeardownName, stackIn(""))
	var res TeardownResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if ok != nil || !slices.Equal(waiting, []string{teardownStep}) {
		t.Errorf("pending while waiting %q, approval answered %v", waiting, ok)
	}
	if got := stepsOn(before, client0); !slices.Equal(got, []string{"UnmountFilesystem", "ProbeStorage"}) || len(before) != 4 {
		t.Errorf("before the approval, want only the unmount on both clients: %q", before)
	}
	checkStages(t, rec.list(), teardownPlan())
	wantRemovals(t, &j)
	if got, want := vol.list(), []string{client0 + ` RemoveVolume {"vg":"VG0","lv":"LV0","pvs":["/dev/mapper/mpath0","/dev/mapper/mpath1"],"extents":0}`}; !slices.Equal(got, want) {
		t.Errorf("volume removal:\n got %q\nwant %q", got, want)
	}
	stages := slices.Insert(slices.Clone(shutdownStageNames), 1, "remove the volume (after approval)")
	if !slices.Equal(res.Stages, stages) {
		t.Errorf("stages:\n got %q\nwant %q", res.Stages, stages)
	}
	if len(res.Approvals) != 1 || res.Approvals[0] != (Approval{Step: teardownStep, By: "alice", Approved: true, How: sign.Unsigned}) {
		t.Errorf("approvals: %+v", res.Approvals)
	}
	if want := []string{client0 + ": /dev/VG0/LV0, its filesystem and VG0 removed (approved by alice)"}; !slices.Equal(res.Irreversible, want) {
		t.Errorf("irreversible:\n got %q\nwant %q", res.Irreversible, want)
	}
}

// A rejected teardown ends with the volume and everything under it in
// place. The unmount that came first is not undone: the run stops there.
func TestTeardownRejectedRemovesNothing(t *testing.T) {
	env, rec := newEnv(t, nil)
	var answer error
	approveAt(env, time.Hour, ApprovalRequest{Step: teardownStep, By: "bob", Approve: false, Reason: "still in use"}, &answer)
	env.ExecuteWorkflow(TeardownName, stackIn(""))
	err := env.GetWorkflowError()
	wantErrType(t, err, activities.ErrRejected)
	if !strings.Contains(err.Error(), "bob") || answer != nil {
		t.Errorf("error %v, update answer %v: want a rejection by bob, accepted", err, answer)
	}
	calls := rec.list()
	slices.Sort(calls)
	want := []string{
		client0 + " ProbeStorage", client0 + " UnmountFilesystem",
		client1 + " ProbeStorage", client1 + " UnmountFilesystem",
	}
	if !slices.Equal(calls, want) {
		t.Errorf("calls:\n got %q\nwant %q (the unmount stage only)", calls, want)
	}
}

// No runbook lets the teardown through on its own: even a run that
// auto-approves every destructive step of the build waits for a person.
func TestTeardownWaitsEvenWhenTheRunAutoApprovesEverything(t *testing.T) {
	env, rec := newEnv(t, nil)
	var waiting []string
	var removed bool
	env.RegisterDelayedCallback(func() {
		waiting, removed = pending(t, env), slices.Contains(rec.list(), client0+" RemoveVolume")
		env.SignalWorkflow(ApproveSignal, ApprovalRequest{Step: teardownStep, By: "carol", Approve: true})
	}, time.Hour)
	env.ExecuteWorkflow(TeardownName, stackAuto("drbd-overwrite", "pvcreate", "mkfs"))
	var res TeardownResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(waiting, []string{teardownStep}) || removed {
		t.Errorf("after an hour: pending %q, volume removed %v; want waiting, not removed", waiting, removed)
	}
	if len(res.Approvals) != 1 || res.Approvals[0] != (Approval{Step: teardownStep, By: "carol", Approved: true, How: sign.Unsigned}) {
		t.Errorf("approvals: %+v", res.Approvals)
	}
}

func TestTeardownWithoutAVolumeNeedsNoApproval(t *testing.T) {
	env, rec := newEnv(t, nil)
	env.ExecuteWorkflow(TeardownName, stackIn(`{"clvm": null, "gfs2": null}`))
	var res TeardownResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Stages, shutdownStageNames[2:]) || len(res.Approvals) != 0 {
		t.Errorf("stages %q, approvals %+v; want %q and none", res.Stages, res.Approvals, shutdownStageNames[2:])
	}
	for _, c := range rec.list() {
		if strings.HasSuffix(c, " RemoveVolume") || strings.HasSuffix(c, " UnmountFilesystem") || strings.HasSuffix(c, " StopService") {
			t.Errorf("%q ran for a runbook without a volume", c)
		}
	}
}

func TestTeardownStopsAtOnceWhenTheRemovalFails(t *testing.T) {
	attempts := 0
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		on(env, rec, activities.RemoveVolumeName, func(string, activities.VolumeInput) (activities.Change, error) {
			attempts++
			return activities.Change{}, permanent(activities.ErrBadInput)
		})
	})
	approveAt(env, time.Hour, ApprovalRequest{Step: teardownStep, By: "dana", Approve: true}, new(error))
	env.ExecuteWorkflow(TeardownName, stackIn(""))
	wantErrType(t, env.GetWorkflowError(), activities.ErrBadInput)
	if attempts != 1 {
		t.Errorf("RemoveVolume ran %d times, want 1", attempts)
	}
	if got := callsAfter(rec.list(), client0+" RemoveVolume"); len(got) != 0 {
		t.Errorf("the teardown went on after the failed removal: %q", got)
	}
}
