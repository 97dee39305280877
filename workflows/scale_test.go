package workflows

import (
	"os"
	"strconv"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/lab/scale"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// maxPayload is the most a workflow's input or result may carry: Temporal
// refuses 2 MiB, and warns well before; a run that grows with its hosts
// must not grow any one payload.
const maxPayload = 64 << 10

// A build of many clients, with the orchestrator keeping runbook pins as
// it does in production, hands no child an input and gets from no child a
// result past maxPayload. The host steps answer as on small fresh hosts,
// so this bounds what the workflows themselves carry; $TETSUZUKI_SCALE
// sets the clients: 500 by default, the fewest whose whole runbook, 73 KB,
// no longer fits in a payload, so that a run that records it anywhere
// fails here (a thousand pass too, in a minute and a half under -race).
func TestNoPayloadGrowsWithTheClients(t *testing.T) {
	n := 500 // 42 client batches past the window, 33 clusters, 504 hosts: every scale path
	if v := os.Getenv("TETSUZUKI_SCALE"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatalf("TETSUZUKI_SCALE=%q: %v", v, err)
		}
	}
	if testing.Short() {
		n = 40
	}
	env, _ := newEnvOf(t, runbooks.Catalog{Pins: t.TempDir()}, nil)
	// The environment's default bound, 3 s of real time, is for runs of a
	// few hosts; this one's thousands of children take longer, under -race
	// most.
	env.SetTestTimeout(10 * time.Minute)
	largest := map[string]int{} // by workflow type and direction
	where := map[string]string{}
	measure := func(what, kind, id string, v any) {
		p, err := converter.GetDefaultDataConverter().ToPayload(v)
		if err != nil {
			t.Errorf("%s %s: %v", what, id, err)
			return
		}
		key := what + " " + kind
		if size := len(p.GetData()); size > largest[key] {
			largest[key], where[key] = size, id
		}
	}
	env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, args converter.EncodedValues) {
		var in any
		if err := args.Get(&in); err != nil {
			t.Errorf("input of %s: %v", info.WorkflowExecution.ID, err)
		}
		measure("input of", info.WorkflowType.Name, info.WorkflowExecution.ID, in)
	})
	env.SetOnChildWorkflowCompletedListener(func(info *workflow.Info, result converter.EncodedValue, err error) {
		var out any
		if err == nil && result != nil && result.HasValue() {
			if err := result.Get(&out); err != nil {
				t.Errorf("result of %s: %v", info.WorkflowExecution.ID, err)
			}
		}
		measure("result of", info.WorkflowType.Name, info.WorkflowExecution.ID, out)
	})
	env.SetOnLocalActivityCompletedListener(func(info *activity.Info, result converter.EncodedValue, err error) {
		// The loader is the only local activity: a runbook, or the
		// build's outline of it.
		var out runbooks.Loaded
		if err == nil && result != nil && result.HasValue() {
			if err := result.Get(&out); err != nil {
				t.Errorf("result of a load in %s: %v", info.WorkflowExecution.ID, err)
			}
		}
		kind := "a runbook load"
		if out.Roster != nil {
			kind = "the build's outline load"
		}
		measure("result of", kind, info.WorkflowExecution.ID, out)
	})
	env.ExecuteWorkflow(StorageBuildName, RunbookInput{Ref: scaledWith(t, scale.Options{Name: "many", Clients: n}, "drbd-overwrite, pvcreate, mkfs")})
	var res StorageBuildResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	measure("result of", StorageBuildName, "the build", res)
	for key, size := range largest {
		t.Logf("%6d B  %s (%s)", size, key, where[key])
		if size > maxPayload {
			t.Errorf("%s: %d bytes (%s), past %d", key, size, where[key], maxPayload)
		}
	}
	if len(largest) < 10 {
		t.Errorf("measured %d kinds of payload, want every child's", len(largest))
	}
}
