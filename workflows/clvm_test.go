package workflows

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/sign"
)

// lvmConf is lvm.conf as a client had it before part #5.
var lvmConf = activities.FileState{Path: activities.LVMConfPath, Exists: true, Content: "locking_type = 1\n"}

const blogVolume = `{"vg":"VG0","lv":"LV0","pvs":["/dev/mapper/mpath0","/dev/mapper/mpath1"],"extents":510}`

// lvBefore answers lvdisplay: before the run (no extents asked) as the
// host had it, and in the final check as the volume every client shares.
func lvBefore(env *testsuite.TestWorkflowEnvironment, rec *recorder, existed bool) {
	on(env, rec, activities.LogicalVolumeName, func(_ string, in activities.VolumeInput) (activities.LVStatus, error) {
		if in.Extents == 0 && !existed {
			return activities.LVStatus{}, nil
		}
		return activities.LVStatus{UUID: "s1RcrS", Status: "available", Extents: 510}, nil
	})
}

func restoreLVMConf(host string) string {
	data, _ := json.Marshal(activities.RestoreFileInput{State: lvmConf})
	return host + " RestoreFile " + string(data)
}

// clvmFreshUndo is the undo log of CLVM on fresh clients: each client's
// preparation in client order, then the volume.
var clvmFreshUndo = []string{
	client0 + ` RemovePackages {"packages":["lvm2-cluster"]}`, restoreLVMConf(client0), client0 + ` StopService {"name":"clvmd"}`,
	client1 + ` RemovePackages {"packages":["lvm2-cluster"]}`, restoreLVMConf(client1), client1 + ` StopService {"name":"clvmd"}`,
	client0 + ` RemoveVolume ` + blogVolume,
}

func TestCLVMPreparesEveryClientThenCreatesTheVolumeOnce(t *testing.T) {
	var pvs journal
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		probeReturns(env, rec, activities.StorageProbeResult{LVMConf: lvmConf})
		lvBefore(env, rec, false)
		watch(env, rec, &pvs, activities.PVCreateName, activities.PVInput{}, activities.Change{Changed: true})
		watch(env, rec, &pvs, activities.VGCreateName, activities.VolumeInput{}, activities.Change{Changed: true})
		watch(env, rec, &pvs, activities.LVCreateName, activities.VolumeInput{}, activities.Change{Changed: true})
	})
	env.ExecuteWorkflow(CLVMName, stackIn(""))
	res := resultOf[StepResult](t, env)
	// Stage 1 on every client at once, stage 2 on the creator, stage 3 the
	// check on every client in turn.
	prep := []staged{{1, "ProbeStorage"}, {1, "EnsurePackages"}, {1, "EnableClusterLocking"}, {1, "StartService"}}
	checkStages(t, rec.list(), map[string][]staged{
		client0: append(slices.Clone(prep), staged{2, "LogicalVolume"}, staged{2, "Signatures"}, staged{2, "PVCreate"}, staged{2, "PVCreate"},
			staged{2, "VGCreate"}, staged{2, "LVCreate"}, staged{3, "LogicalVolume"}),
		client1: append(slices.Clone(prep), staged{3, "LogicalVolume"}),
	})
	want := []string{
		client0 + ` PVCreate {"device":"/dev/mapper/mpath0"}`,
		client0 + ` PVCreate {"device":"/dev/mapper/mpath1"}`,
		client0 + ` VGCreate ` + blogVolume,
		client0 + ` LVCreate ` + blogVolume,
	}
	if got := pvs.list(); !slices.Equal(got, want) {
		t.Errorf("volume:\n got %q\nwant %q", got, want)
	}
	if got := undoLines(res.Undo); !slices.Equal(got, clvmFreshUndo) {
		t.Errorf("undo log:\n got %q\nwant %q", got, clvmFreshUndo)
	}
	if len(res.Approvals) != 0 || len(res.Irreversible) != 0 {
		t.Errorf("blank maps need no approval and lose nothing: %+v", res)
	}
}

func TestCLVMUndoesOnlyWhatItDid(t *testing.T) {
	done := activities.StorageProbeResult{Installed: []string{"lvm2-cluster"}, ClvmdRunning: true, LVMConf: lvmConf}
	for name, tc := range map[string]struct {
		probe   activities.StorageProbeResult
		existed bool
		sig     string
		creator []string
		undo    []string
	}{
		"fresh clients": {
			activities.StorageProbeResult{LVMConf: lvmConf}, false, "",
			[]string{"ProbeStorage", "EnsurePackages", "EnableClusterLocking", "StartService", "LogicalVolume", "Signatures", "PVCreate", "PVCreate", "VGCreate", "LVCreate"},
			clvmFreshUndo,
		},
		// lvm.conf is put back in any case: to what it was, so a no-op
		// when the run found it set.
		"volume there before": {
			done, true, `TYPE="LVM2_member"`,
			[]string{"ProbeStorage", "EnableClusterLocking", "StartService", "LogicalVolume", "Signatures", "PVCreate", "PVCreate", "VGCreate", "LVCreate"},
			[]string{restoreLVMConf(client0), restoreLVMConf(client1)},
		},
	} {
		stubs := func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
			probeReturns(env, rec, tc.probe)
			lvBefore(env, rec, tc.existed)
			on(env, rec, activities.SignaturesName, func(_ string, in activities.SignatureInput) (activities.SignatureResult, error) {
				return activities.SignatureResult{Signatures: []string{tc.sig, tc.sig}}, nil
			})
		}
		t.Run(name+": done", func(t *testing.T) {
			env, rec := newEnv(t, stubs)
			env.ExecuteWorkflow(CLVMName, stackIn(""))
			res := resultOf[StepResult](t, env)
			want := append(slices.Clone(tc.creator), "LogicalVolume")
			if got := stepsOn(rec.list(), client0); !slices.Equal(got, want) {
				t.Errorf("client0:\n got %q\nwant %q", got, want)
			}
			if got := undoLines(res.Undo); !slices.Equal(got, tc.undo) {
				t.Errorf("undo log:\n got %q\nwant %q", got, tc.undo)
			}
			if len(res.Approvals) != 0 {
				t.Errorf("approvals %+v: a PV signature needs none", res.Approvals)
			}
		})
		t.Run(name+": lvcreate fails", func(t *testing.T) {
			var undos journal
			env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
				stubs(env, rec)
				on(env, rec, activities.LVCreateName, func(string, activities.VolumeInput) (activities.Change, error) {
					return activities.Change{}, permanent(activities.ErrBadInput)
				})
				watchUndos(env, rec, &undos)
			})
			env.ExecuteWorkflow(CLVMName, stackIn(""))
			wantErrType(t, env.GetWorkflowError(), activities.ErrBadInput)
			if got, want := undos.list(), reversed(tc.undo); !slices.Equal(got, want) {
				t.Errorf("undo:\n got %q\nwant %q", got, want)
			}
			if got := stepsOn(rec.list(), client0); !slices.Equal(got[:len(tc.creator)], tc.creator) {
				t.Errorf("client0 before the undo:\n got %q\nwant %q", got, tc.creator)
			}
		})
	}
}

// CLVM's pvcreate on a map that carries a signature.
const pvStep = "pvcreate:/dev/mapper/mpath1"

func ext3OnMpath1(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
	probeReturns(env, rec, activities.StorageProbeResult{LVMConf: lvmConf})
	lvBefore(env, rec, false)
	on(env, rec, activities.SignaturesName, func(string, activities.SignatureInput) (activities.SignatureResult, error) {
		return activities.SignatureResult{Signatures: []string{"", `TYPE="ext3"`}}, nil
	})
}

func TestCLVMAsksBeforeWipingASignature(t *testing.T) {
	var pvs journal
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		ext3OnMpath1(env, rec)
		watch(env, rec, &pvs, activities.PVCreateName, activities.PVInput{}, activities.Change{Changed: true})
	})
	var waiting []string
	var before []string
	env.RegisterDelayedCallback(func() {
		waiting = pending(t, env)
		before = pvs.list()
	}, time.Hour)
	var wrongName, ok error
	approveAt(env, 2*time.Hour, ApprovalRequest{Step: pvStep, By: "", Approve: true}, &wrongName)
	approveAt(env, 3*time.Hour, ApprovalRequest{Step: pvStep, By: "alice", Approve: true}, &ok)
	env.ExecuteWorkflow(CLVMName, stackIn(""))
	res := resultOf[StepResult](t, env)
	if !slices.Equal(waiting, []string{pvStep}) {
		t.Errorf("pending while waiting = %q, want %q", waiting, pvStep)
	}
	if want := []string{client0 + ` PVCreate {"device":"/dev/mapper/mpath0"}`}; !slices.Equal(before, want) {
		t.Errorf("pvcreate before the approval:\n got %q\nwant %q (the blank map only)", before, want)
	}
	if wrongName == nil || ok != nil {
		t.Errorf("validator: no name %v, valid %v", wrongName, ok)
	}
	want := []string{client0 + ` PVCreate {"device":"/dev/mapper/mpath0"}`, client0 + ` PVCreate {"device":"/dev/mapper/mpath1","wipe":true}`}
	if got := pvs.list(); !slices.Equal(got, want) {
		t.Errorf("pvcreate:\n got %q\nwant %q", got, want)
	}
	if len(res.Approvals) != 1 || res.Approvals[0] != (Approval{Step: pvStep, By: "alice", Approved: true, How: sign.Unsigned}) {
		t.Errorf("approvals: %+v", res.Approvals)
	}
	if want := []string{client0 + `: /dev/mapper/mpath1 wiped by pvcreate (it carried TYPE="ext3") (approved by alice)`}; !slices.Equal(res.Irreversible, want) {
		t.Errorf("irreversible:\n got %q\nwant %q", res.Irreversible, want)
	}
	if got := count(rec.list(), client0+" VGCreate"); got != 1 {
		t.Errorf("vgcreate ran %d times, want 1", got)
	}
}

func TestCLVMRejectedWipeIsUndone(t *testing.T) {
	var undos journal
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		ext3OnMpath1(env, rec)
		watchUndos(env, rec, &undos)
	})
	var answer error
	approveAt(env, time.Hour, ApprovalRequest{Step: pvStep, By: "carol", Approve: false, Reason: "holds the old home"}, &answer)
	env.ExecuteWorkflow(CLVMName, stackIn(""))
	err := env.GetWorkflowError()
	wantErrType(t, err, activities.ErrRejected)
	if !strings.Contains(err.Error(), "carol") || !strings.Contains(err.Error(), "holds the old home") {
		t.Errorf("error %v does not say who rejected and why", err)
	}
	if answer != nil {
		t.Errorf("the rejection was refused: %v", answer)
	}
	calls := rec.list()
	if got := count(calls, client0+" PVCreate"); got != 1 {
		t.Errorf("pvcreate ran %d times, want once, on the blank map", got)
	}
	if slices.Contains(calls, client0+" VGCreate") {
		t.Error("vgcreate ran after a rejection")
	}
	if got, want := undos.list(), reversed(clvmFreshUndo); !slices.Equal(got, want) {
		t.Errorf("undo:\n got %q\nwant %q", got, want)
	}
}

func TestCLVMWipesWithoutAPersonWhenTheRunAutoApproves(t *testing.T) {
	env, rec := newEnv(t, ext3OnMpath1)
	env.ExecuteWorkflow(CLVMName, stackAuto("pvcreate"))
	res := resultOf[StepResult](t, env)
	if len(res.Approvals) != 1 || res.Approvals[0] != (Approval{Step: pvStep, By: "runbook", Approved: true, Auto: true, How: sign.ByRunbook}) {
		t.Errorf("approvals: %+v", res.Approvals)
	}
	if got := count(rec.list(), client0+" PVCreate"); got != 2 {
		t.Errorf("pvcreate ran %d times, want 2", got)
	}
}

func TestCLVMStopsAtOnceOnAMissingPackage(t *testing.T) {
	attempts := 0
	var undos journal
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		probeReturns(env, rec, activities.StorageProbeResult{LVMConf: lvmConf})
		on(env, rec, activities.EnsurePackagesName, func(host string, in activities.PackagesInput) (activities.PackagesResult, error) {
			if host == client1 {
				attempts++
				return activities.PackagesResult{}, permanent(activities.ErrPackageMissing)
			}
			return activities.PackagesResult{Changed: in.Packages}, nil
		})
		watchUndos(env, rec, &undos)
	})
	env.ExecuteWorkflow(CLVMName, stackIn(""))
	wantErrType(t, env.GetWorkflowError(), activities.ErrPackageMissing)
	if attempts != 1 {
		t.Errorf("EnsurePackages on client1 ran %d times, want 1", attempts)
	}
	if calls := rec.list(); slices.Contains(calls, client0+" Signatures") || slices.Contains(calls, client0+" PVCreate") {
		t.Errorf("the volume was started with a client unprepared: %q", calls)
	}
	// client0 finished its preparation meanwhile; client1 got as far as yum.
	want := []string{
		client1 + ` RemovePackages {"packages":["lvm2-cluster"]}`,
		client0 + ` StopService {"name":"clvmd"}`, restoreLVMConf(client0), client0 + ` RemovePackages {"packages":["lvm2-cluster"]}`,
	}
	if got := undos.list(); !slices.Equal(got, want) {
		t.Errorf("undo:\n got %q\nwant %q", got, want)
	}
}

func TestCLVMWaitsForTheOtherClientToSeeTheVolume(t *testing.T) {
	attempts := 0
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		on(env, rec, activities.LogicalVolumeName, func(host string, in activities.VolumeInput) (activities.LVStatus, error) {
			if in.Extents == 0 {
				return activities.LVStatus{}, nil
			}
			if host == client1 {
				if attempts++; attempts <= 2 {
					return activities.LVStatus{}, notReady()
				}
			}
			return activities.LVStatus{UUID: "s1RcrS", Status: "available", Extents: 510}, nil
		})
	})
	env.ExecuteWorkflow(CLVMName, stackIn(""))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if attempts != 3 {
		t.Errorf("lvdisplay on client1 ran %d times, want 3", attempts)
	}
	if slices.Contains(rec.list(), client0+" RemoveVolume") {
		t.Error("a run that succeeded after retries removed its volume")
	}
}

func TestCLVMFailsAndUndoesWhenTheClientsSeeDifferentVolumes(t *testing.T) {
	var undos journal
	env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		probeReturns(env, rec, activities.StorageProbeResult{LVMConf: lvmConf})
		on(env, rec, activities.LogicalVolumeName, func(host string, in activities.VolumeInput) (activities.LVStatus, error) {
			switch {
			case in.Extents == 0:
				return activities.LVStatus{}, nil
			case host == client1:
				return activities.LVStatus{UUID: "other", Status: "available", Extents: 510}, nil
			}
			return activities.LVStatus{UUID: "s1RcrS", Status: "available", Extents: 510}, nil
		})
		watchUndos(env, rec, &undos)
	})
	env.ExecuteWorkflow(CLVMName, stackIn(""))
	err := env.GetWorkflowError()
	wantErrType(t, err, activities.ErrBadInput)
	if !strings.Contains(err.Error(), "do not share LVM metadata") {
		t.Errorf("error = %v, want it to say the metadata is not shared", err)
	}
	if got, want := undos.list(), reversed(clvmFreshUndo); !slices.Equal(got, want) {
		t.Errorf("undo:\n got %q\nwant %q", got, want)
	}
}

// An agent that answers blkid for fewer devices than asked is not acted
// on: the run stops, undone, before any pvcreate.
func TestCLVMRefusesAShortSignatureAnswer(t *testing.T) {
	var pvs journal
	env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		probeReturns(env, rec, activities.StorageProbeResult{LVMConf: lvmConf})
		lvBefore(env, rec, false)
		on(env, rec, activities.SignaturesName, func(string, activities.SignatureInput) (activities.SignatureResult, error) {
			return activities.SignatureResult{Signatures: []string{""}}, nil
		})
		watch(env, rec, &pvs, activities.PVCreateName, activities.PVInput{}, activities.Change{Changed: true})
	})
	env.ExecuteWorkflow(CLVMName, stackIn(""))
	wantErrType(t, env.GetWorkflowError(), ErrBadAnswer)
	if got := pvs.list(); len(got) > 0 {
		t.Errorf("pvcreate ran on a short answer: %q", got)
	}
}
