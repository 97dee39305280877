package workflows

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

func TestExpandCapacityAsksBeforeWipingASignatureOnTheNewMap(t *testing.T) {
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		env.OnActivity(activities.SignaturesName, mock.Anything, mock.Anything).Return(func(ctx context.Context, in activities.SignatureInput) (activities.SignatureResult, error) {
			rec.note(ctx, activities.SignaturesName)
			// mpath0 and mpath1 are the volume's; mpath2 holds an old filesystem.
			return activities.SignatureResult{Signatures: []string{`TYPE="LVM2_member"`, `TYPE="LVM2_member"`, `TYPE="ext3"`}}, nil
		})
	})
	var wiped bool
	env.RegisterDelayedCallback(func() {
		wiped = slices.Contains(rec.list(), "client0.example.org PVCreate")
		env.SignalWorkflow(ApproveSignal, ApprovalRequest{Step: "pvcreate:/dev/mapper/mpath2", By: "erin", Approve: true})
	}, time.Hour)
	env.ExecuteWorkflow(ExpandName, ExpandCapacityInput{Ref: runbooks.Ref{YAML: autoYAML("scalable-storage-expand", "drbd-overwrite")}, Clusters: []string{"storage2"}})
	var res StorageLayerResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if wiped {
		t.Error("pvcreate wiped mpath2 before the approval")
	}
	if !slices.ContainsFunc(res.Approvals, func(a Approval) bool { return a.Step == "pvcreate:/dev/mapper/mpath2" && a.By == "erin" }) {
		t.Errorf("approvals: %+v", res.Approvals)
	}
	if n := len(slices.DeleteFunc(rec.list(), func(c string) bool { return c != "client0.example.org PVCreate" })); n != 1 {
		t.Errorf("pvcreate ran %d times, want once (only for the new map)", n)
	}
}
