package workflows

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// A start request is decoded strictly: what the Web UI's Start Workflow
// form or a script could get wrong is a BadInput naming the field, and no
// host is touched.
func TestStartRequestsAreDecodedStrictly(t *testing.T) {
	big := `"` + strings.Repeat("x", 70<<10) + `"`
	for name, tc := range map[string]struct {
		workflow, input, want string
	}{
		"a typo widens nothing":     {FormClustersName, `{"runbook": "scalable-storage", "cluster": "storage0"}`, `unknown field "cluster"`},
		"a string for a list":       {FormClustersName, `{"runbook": "scalable-storage", "clusters": "storage0"}`, "clusters: a string where an array of strings belongs"},
		"a cluster named twice":     {FormClustersName, `{"runbook": "scalable-storage", "clusters": ["storage0", "storage1", "storage0"]}`, `clusters: "storage0" named twice`},
		"a number for a name":       {NodeJoinName, `{"runbook": "scalable-storage", "cluster": "storage0", "node": 2}`, "node: a number where a string belongs"},
		"an unknown host field":     {PrepareDiskName, `{"runbook": "scalable-storage", "host": "storage0a", "force": true}`, `unknown field "force"`},
		"overrides past the bound":  {StorageBuildName, `{"runbook": "scalable-storage", "overrides": {"description": ` + big + `}}`, "overrides: "},
		"overrides widen approvals": {GFS2Name, `{"runbook": "scalable-storage", "overrides": {"approvals": {"auto": ["mkfs"]}}}`, `approvals.auto: "mkfs" is not let through by the runbook`},
		"not an object":             {ShutdownName, `["scalable-storage"]`, "the input: an array where an object belongs"},
		"expand twice the same":     {ExpandName, `{"runbook": "scalable-storage-expand", "clusters": ["storage2", "storage2"]}`, "named twice"},
	} {
		t.Run(name, func(t *testing.T) {
			env, rec := newEnv(t, nil)
			env.ExecuteWorkflow(tc.workflow, json.RawMessage(tc.input))
			err := env.GetWorkflowError()
			wantErrType(t, err, activities.ErrBadInput)
			if err != nil && !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if calls := rec.list(); len(calls) > 0 {
				t.Errorf("a bad request reached hosts: %q", calls)
			}
		})
	}
}

// The same request written well runs: strictness refuses only what is
// wrong.
func TestAWellFormedRequestStillRuns(t *testing.T) {
	env, _ := newEnv(t, nil)
	env.ExecuteWorkflow(FormClustersName, json.RawMessage(`{"runbook": "scalable-storage", "clusters": ["storage0"]}`))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
}

// An approval with a field the workflow does not know is refused by the
// Update's validator, and the step stays waiting.
func TestApprovalsAreDecodedStrictly(t *testing.T) {
	env, _ := newEnv(t, nil)
	var refused error
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(ApproveUpdate, "strict", &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(err error) { refused = err }, OnComplete: func(any, error) {},
		}, json.RawMessage(`{"step": "drbd-overwrite:storage0/r0", "by": "alice", "approve": true, "force": true}`))
	}, time.Hour)
	decide(env, 2*time.Hour, ApprovalRequest{Step: step0, By: "bob", Approve: true}, new(error))
	env.ExecuteWorkflow(DRBDPairName, pairInput())
	res := resultOf[StepResult](t, env)
	if refused == nil || !strings.Contains(refused.Error(), `unknown field "force"`) {
		t.Errorf("approval with an unknown field: %v, want it refused naming the field", refused)
	}
	if len(res.Approvals) != 1 || res.Approvals[0].By != "bob" {
		t.Errorf("approvals %+v, want bob's only", res.Approvals)
	}
}
