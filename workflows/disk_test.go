package workflows

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/sign"
)

func TestPrepareDiskPartitionsOnlyASpareDisk(t *testing.T) {
	for name, tc := range map[string]struct {
		changed      bool
		irreversible []string
	}{
		"fresh disk":       {true, []string{storage0a + ": partition table written on /dev/xvdb"}},
		"already prepared": {false, nil},
	} {
		t.Run(name, func(t *testing.T) {
			var j journal
			env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
				watch(env, rec, &j, activities.PrepareDiskName, activities.DiskInput{}, activities.Change{Changed: tc.changed})
			})
			env.ExecuteWorkflow(PrepareDiskName, hostIn("storage0a", ""))
			res := resultOf[StepResult](t, env)
			if got, want := rec.list(), []string{storage0a + " PrepareDisk"}; !slices.Equal(got, want) {
				t.Errorf("steps:\n got %q\nwant %q", got, want)
			}
			if got, want := j.list(), []string{storage0a + ` PrepareDisk {"device":"/dev/xvdb","partition":"/dev/xvdb1"}`}; !slices.Equal(got, want) {
				t.Errorf("parted input:\n got %q\nwant %q", got, want)
			}
			if res.Host != storage0a || !slices.Equal(res.Irreversible, tc.irreversible) || len(res.Undo) != 0 {
				t.Errorf("result = %+v, want host %s, irreversible %q, no undo", res, storage0a, tc.irreversible)
			}
		})
	}
}

func TestPrepareDiskRetriesADiskNotReadyYet(t *testing.T) {
	attempts := 0
	env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		on(env, rec, activities.PrepareDiskName, func(string, activities.DiskInput) (activities.Change, error) {
			attempts++
			if attempts <= 2 {
				return activities.Change{}, notReady()
			}
			return activities.Change{Changed: true}, nil
		})
	})
	env.ExecuteWorkflow(PrepareDiskName, hostIn("storage1b", ""))
	res := resultOf[StepResult](t, env)
	if attempts != 3 {
		t.Errorf("PrepareDisk attempts = %d, want 3", attempts)
	}
	if want := []string{storage1b + ": partition table written on /dev/xvdb"}; !slices.Equal(res.Irreversible, want) {
		t.Errorf("irreversible = %q, want %q", res.Irreversible, want)
	}
}

func TestPrepareDiskStopsAtOnceOnADiskThatIsNotSpare(t *testing.T) {
	attempts := 0
	env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		on(env, rec, activities.PrepareDiskName, func(string, activities.DiskInput) (activities.Change, error) {
			attempts++
			return activities.Change{}, permanent(activities.ErrNotSpare)
		})
	})
	env.ExecuteWorkflow(PrepareDiskName, hostIn("storage0a", ""))
	wantErrType(t, env.GetWorkflowError(), activities.ErrNotSpare)
	if attempts != 1 {
		t.Errorf("PrepareDisk attempts = %d, want 1 (DiskNotSpare is not retryable)", attempts)
	}
}

// labelStorage0a is the approval to label storage0a's spare disk.
const labelStorage0a = "disk-label:" + storage0a + ":/dev/xvdb"

// noTable answers PrepareDisk as an agent does on a disk with no partition
// table: refused without the approval, partitioned with it. Each call's
// input is journaled.
func noTable(env *testsuite.TestWorkflowEnvironment, rec *recorder, j *journal) {
	on(env, rec, activities.PrepareDiskName, func(host string, in activities.DiskInput) (activities.Change, error) {
		data, err := json.Marshal(in)
		if err != nil {
			return activities.Change{}, err
		}
		j.mu.Lock()
		j.entries = append(j.entries, host+" "+activities.PrepareDiskName+" "+string(data))
		j.mu.Unlock()
		if !in.Label {
			return activities.Change{}, temporal.NewNonRetryableApplicationError(
				host+": "+in.Device+" has no partition table; labelling it needs an approval", activities.ErrUnlabelled, nil)
		}
		return activities.Change{Changed: true}, nil
	})
}

// The inputs PrepareDisk sends on storage0a: first without the approval to
// label, then with it.
const (
	unapprovedInput = storage0a + ` PrepareDisk {"device":"/dev/xvdb","partition":"/dev/xvdb1"}`
	approvedInput   = storage0a + ` PrepareDisk {"device":"/dev/xvdb","partition":"/dev/xvdb1","label":true}`
)

func TestPrepareDiskAsksBeforeLabellingADiskWithoutATable(t *testing.T) {
	var j journal
	env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) { noTable(env, rec, &j) })
	var waiting, before []string
	env.RegisterDelayedCallback(func() {
		waiting = pending(t, env)
		before = j.list()
	}, time.Hour)
	var answer error
	approveAt(env, 2*time.Hour, ApprovalRequest{Step: labelStorage0a, By: "alice", Approve: true}, &answer)
	env.ExecuteWorkflow(PrepareDiskName, hostIn("storage0a", ""))
	res := resultOf[StepResult](t, env)
	if !slices.Equal(waiting, []string{labelStorage0a}) {
		t.Errorf("pending while waiting = %q, want %q", waiting, labelStorage0a)
	}
	if want := []string{unapprovedInput}; !slices.Equal(before, want) {
		t.Errorf("PrepareDisk before the approval:\n got %q\nwant %q", before, want)
	}
	if answer != nil {
		t.Errorf("the approval was refused: %v", answer)
	}
	if got, want := j.list(), []string{unapprovedInput, approvedInput}; !slices.Equal(got, want) {
		t.Errorf("PrepareDisk:\n got %q\nwant %q", got, want)
	}
	if len(res.Approvals) != 1 || res.Approvals[0] != (Approval{Step: labelStorage0a, By: "alice", Approved: true, How: sign.Unsigned}) {
		t.Errorf("approvals: %+v", res.Approvals)
	}
	if want := []string{storage0a + ": partition table written on /dev/xvdb (approved by alice)"}; !slices.Equal(res.Irreversible, want) {
		t.Errorf("irreversible:\n got %q\nwant %q", res.Irreversible, want)
	}
}

func TestPrepareDiskRejectedLabelWritesNothing(t *testing.T) {
	var j journal
	env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) { noTable(env, rec, &j) })
	var answer error
	approveAt(env, time.Hour, ApprovalRequest{Step: labelStorage0a, By: "carol", Approve: false, Reason: "holds the old archive"}, &answer)
	env.ExecuteWorkflow(PrepareDiskName, hostIn("storage0a", ""))
	err := env.GetWorkflowError()
	wantErrType(t, err, activities.ErrRejected)
	if !strings.Contains(err.Error(), "carol") || !strings.Contains(err.Error(), "holds the old archive") {
		t.Errorf("error %v does not say who rejected and why", err)
	}
	if answer != nil {
		t.Errorf("the rejection was refused: %v", answer)
	}
	if got, want := j.list(), []string{unapprovedInput}; !slices.Equal(got, want) {
		t.Errorf("PrepareDisk after a rejection:\n got %q\nwant %q (never with the approval to label)", got, want)
	}
}

func TestPrepareDiskAsksNothingOfALabelledDisk(t *testing.T) {
	for name, changed := range map[string]bool{
		"already prepared":            false,
		"empty label of another type": true,
	} {
		t.Run(name, func(t *testing.T) {
			var j journal
			env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
				watch(env, rec, &j, activities.PrepareDiskName, activities.DiskInput{}, activities.Change{Changed: changed})
			})
			// A run that waited would never end: nobody approves here.
			env.ExecuteWorkflow(PrepareDiskName, hostIn("storage0a", ""))
			res := resultOf[StepResult](t, env)
			if len(res.Approvals) != 0 {
				t.Errorf("approvals %+v, want none", res.Approvals)
			}
			if got, want := j.list(), []string{unapprovedInput}; !slices.Equal(got, want) {
				t.Errorf("PrepareDisk:\n got %q\nwant %q", got, want)
			}
		})
	}
}

func TestPrepareDiskLabelsWithoutAPersonWhenTheRunbookAutoApproves(t *testing.T) {
	var j journal
	env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) { noTable(env, rec, &j) })
	in := inputOf[HostInput](request{YAML: autoYAML("scalable-storage", "disk-label"), Host: "storage0a"})
	env.ExecuteWorkflow(PrepareDiskName, in)
	res := resultOf[StepResult](t, env)
	if len(res.Approvals) != 1 || res.Approvals[0] != (Approval{Step: labelStorage0a, By: "runbook", Approved: true, Auto: true, How: sign.ByRunbook}) {
		t.Errorf("approvals: %+v", res.Approvals)
	}
	if got, want := j.list(), []string{unapprovedInput, approvedInput}; !slices.Equal(got, want) {
		t.Errorf("PrepareDisk:\n got %q\nwant %q", got, want)
	}
	if want := []string{storage0a + ": partition table written on /dev/xvdb (approved by runbook)"}; !slices.Equal(res.Irreversible, want) {
		t.Errorf("irreversible:\n got %q\nwant %q", res.Irreversible, want)
	}
}

// TestPrepareDiskAutoApprovesOnlyTheLabel: a runbook that lets other
// destructive steps through still asks a person for the label.
func TestPrepareDiskAutoApprovesOnlyTheLabel(t *testing.T) {
	var j journal
	env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) { noTable(env, rec, &j) })
	var waiting []string
	env.RegisterDelayedCallback(func() { waiting = pending(t, env) }, time.Hour)
	var answer error
	approveAt(env, 2*time.Hour, ApprovalRequest{Step: labelStorage0a, By: "alice", Approve: true}, &answer)
	in := inputOf[HostInput](request{YAML: autoYAML("scalable-storage", "drbd-overwrite", "pvcreate", "mkfs"), Host: "storage0a"})
	env.ExecuteWorkflow(PrepareDiskName, in)
	res := resultOf[StepResult](t, env)
	if !slices.Equal(waiting, []string{labelStorage0a}) {
		t.Errorf("pending = %q, want %q", waiting, labelStorage0a)
	}
	if len(res.Approvals) != 1 || res.Approvals[0].By != "alice" {
		t.Errorf("approvals: %+v", res.Approvals)
	}
}

// TestPrepareDiskOfAnOldRunLabelsAsBefore: a run from before disk-label
// approvals sends the approval with its first step, so it labels a disk
// with no partition table at once, as it did when it started.
func TestPrepareDiskOfAnOldRunLabelsAsBefore(t *testing.T) {
	var j journal
	env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) { noTable(env, rec, &j) })
	env.OnGetVersion(labelApproved, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	env.ExecuteWorkflow(PrepareDiskName, hostIn("storage0a", ""))
	res := resultOf[StepResult](t, env)
	if got, want := j.list(), []string{approvedInput}; !slices.Equal(got, want) {
		t.Errorf("PrepareDisk:\n got %q\nwant %q", got, want)
	}
	if len(res.Approvals) != 0 {
		t.Errorf("approvals: %+v, want none", res.Approvals)
	}
	if want := []string{storage0a + ": partition table written on /dev/xvdb"}; !slices.Equal(res.Irreversible, want) {
		t.Errorf("irreversible:\n got %q\nwant %q", res.Irreversible, want)
	}
}

// TestStorageLayerLabelsEveryDiskWithoutATableOnceApproved: in the layer,
// each storage host's disk with no partition table is labelled after its
// own approval, here the runbook's, and the layer's result lists them.
func TestStorageLayerLabelsEveryDiskWithoutATableOnceApproved(t *testing.T) {
	var j journal
	env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) { noTable(env, rec, &j) })
	env.ExecuteWorkflow(StorageLayerName, inputOf[StorageLayerInput](request{YAML: autoYAML("scalable-storage", "disk-label", "drbd-overwrite")}))
	res := resultOf[StorageLayerResult](t, env)
	var labels []string
	for _, a := range res.Approvals {
		if strings.HasPrefix(a.Step, "disk-label:") && a.Approved && a.Auto {
			labels = append(labels, a.Step)
		}
	}
	slices.Sort(labels)
	want := []string{"disk-label:" + storage0a + ":/dev/xvdb", "disk-label:" + storage0b + ":/dev/xvdb", "disk-label:" + storage1a + ":/dev/xvdb", "disk-label:" + storage1b + ":/dev/xvdb"}
	if !slices.Equal(labels, want) {
		t.Errorf("disk-label approvals:\n got %q\nwant %q", labels, want)
	}
	if n := len(j.list()); n != 8 {
		t.Errorf("PrepareDisk ran %d times, want 8: once refused and once approved on each disk", n)
	}
}
