package main

import (
	"context"
	"encoding/hex"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/tetsuzuki/tetsuzuki/sign"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

const buildRun = "storage-build-20261129-211000"

// buildTree is a StorageBuild run whose two DRBD pairs wait for the
// overwrite, listed over two pages as the server lists them: the run
// itself among its descendants, a child that waits for nothing, one that
// has no approvals at all, and one that has closed.
func buildTree() *fakeClient {
	return &fakeClient{
		root: buildRun,
		pages: map[string]*workflowservice.ListWorkflowExecutionsResponse{
			"": {
				Executions: []*workflow.WorkflowExecutionInfo{
					execution(buildRun, enums.WORKFLOW_EXECUTION_STATUS_RUNNING),
					execution(buildRun+"/storage-layer", enums.WORKFLOW_EXECUTION_STATUS_RUNNING),
					execution(buildRun+"/storage-layer/drbd-storage0-r0", enums.WORKFLOW_EXECUTION_STATUS_RUNNING),
				},
				NextPageToken: []byte("page 2"),
			},
			"page 2": {
				Executions: []*workflow.WorkflowExecutionInfo{
					execution(buildRun+"/form-clusters", enums.WORKFLOW_EXECUTION_STATUS_COMPLETED),
					execution(buildRun+"/storage-layer/drbd-storage1-r0", enums.WORKFLOW_EXECUTION_STATUS_RUNNING),
					execution(buildRun+"/storage-layer/gnbd-export-storage0a", enums.WORKFLOW_EXECUTION_STATUS_RUNNING),
				},
			},
		},
		approvals: map[string]workflows.ApprovalsState{
			buildRun:                    {},
			buildRun + "/storage-layer": {Decisions: []workflows.Approval{{Step: "earlier", By: "bob", Approved: true}}},
			buildRun + "/storage-layer/drbd-storage0-r0": {Pending: []string{"drbd-overwrite:storage0/r0"}},
			buildRun + "/storage-layer/drbd-storage1-r0": {Pending: []string{"drbd-overwrite:storage1/r0"}},
			buildRun + "/form-clusters":                  {Pending: []string{"closed, never asked"}},
		},
	}
}

func execution(id string, status enums.WorkflowExecutionStatus) *workflow.WorkflowExecutionInfo {
	return &workflow.WorkflowExecutionInfo{Execution: &common.WorkflowExecution{WorkflowId: id, RunId: "r"}, Status: status}
}

// update is what an approve Update asked of which workflow.
type update struct {
	workflowID string
	request    workflows.ApprovalRequest
}

func updatesOf(t *testing.T, f *fakeClient) []update {
	t.Helper()
	var got []update
	for _, u := range f.updates {
		if u.UpdateName != "approve" {
			t.Errorf("update %q, want approve", u.UpdateName)
		}
		if u.WaitForStage != client.WorkflowUpdateStageCompleted {
			t.Errorf("update waits for stage %v, want completed: the decision is recorded before approve says so", u.WaitForStage)
		}
		req, _ := u.Args[0].(workflows.ApprovalRequest)
		got = append(got, update{u.WorkflowID, req})
	}
	return got
}

// TestApproveFindsTheWaitingChildren checks that approve, given the run,
// looks through the run and its running descendants, page after page,
// and decides every step that waits, where it waits.
func TestApproveFindsTheWaitingChildren(t *testing.T) {
	f := buildTree()
	h := newHarness(f)
	if err := h.m.Run(context.Background(), []string{"approve", "--workflow-id", buildRun, "--by", "alice", "--namespace", "storage"}); err != nil {
		t.Fatalf("approve: %v", err)
	}
	want := []update{
		{buildRun + "/storage-layer/drbd-storage0-r0", workflows.ApprovalRequest{Step: "drbd-overwrite:storage0/r0", By: "alice", Approve: true}},
		{buildRun + "/storage-layer/drbd-storage1-r0", workflows.ApprovalRequest{Step: "drbd-overwrite:storage1/r0", By: "alice", Approve: true}},
	}
	if got := updatesOf(t, f); !slices.Equal(got, want) {
		t.Errorf("updates %+v, want %+v", got, want)
	}
	wantOut := "approved drbd-overwrite:storage0/r0 in " + buildRun + "/storage-layer/drbd-storage0-r0 (by alice)\n" +
		"approved drbd-overwrite:storage1/r0 in " + buildRun + "/storage-layer/drbd-storage1-r0 (by alice)\n"
	if got := h.out.String(); got != wantOut {
		t.Errorf("output:\n%s\nwant:\n%s", got, wantOut)
	}

	if len(f.lists) != 2 {
		t.Fatalf("listed %d pages, want 2", len(f.lists))
	}
	for i, req := range f.lists {
		if req.Namespace != "storage" {
			t.Errorf("page %d: namespace %q, want storage (--namespace)", i+1, req.Namespace)
		}
		if want := `RootWorkflowId = "` + buildRun + `" AND ExecutionStatus = 'Running'`; req.Query != want {
			t.Errorf("page %d: query %s, want %s", i+1, req.Query, want)
		}
	}
	if string(f.lists[1].NextPageToken) != "page 2" {
		t.Errorf("second page asked with token %q, want the first page's", f.lists[1].NextPageToken)
	}
	wantQueried := []string{buildRun, buildRun + "/storage-layer", buildRun + "/storage-layer/drbd-storage0-r0",
		buildRun + "/storage-layer/drbd-storage1-r0", buildRun + "/storage-layer/gnbd-export-storage0a"}
	if !slices.Equal(f.queried, wantQueried) {
		t.Errorf("asked %v what they wait for, want the run first, then each running descendant once: %v", f.queried, wantQueried)
	}
}

// TestApproveOneStep checks --step: only that step is decided.
func TestApproveOneStep(t *testing.T) {
	f := buildTree()
	h := newHarness(f)
	if err := h.m.Run(context.Background(), []string{"approve", "--workflow-id", buildRun, "--by", "alice", "--step", "drbd-overwrite:storage1/r0"}); err != nil {
		t.Fatalf("approve: %v", err)
	}
	want := []update{{buildRun + "/storage-layer/drbd-storage1-r0", workflows.ApprovalRequest{Step: "drbd-overwrite:storage1/r0", By: "alice", Approve: true}}}
	if got := updatesOf(t, f); !slices.Equal(got, want) {
		t.Errorf("updates %+v, want %+v", got, want)
	}
}

// TestApproveReject checks --reject with --reason, given the workflow that
// waits rather than its run: the decision sent is a rejection that carries
// the reason, to that workflow only, and the output says rejected.
func TestApproveReject(t *testing.T) {
	f := buildTree()
	h := newHarness(f)
	args := []string{"approve", "--workflow-id", buildRun + "/storage-layer/drbd-storage0-r0", "--by", "alice", "--reject", "--reason", "wrong disks"}
	if err := h.m.Run(context.Background(), args); err != nil {
		t.Fatalf("approve: %v", err)
	}
	want := []update{{buildRun + "/storage-layer/drbd-storage0-r0", workflows.ApprovalRequest{Step: "drbd-overwrite:storage0/r0", By: "alice", Approve: false, Reason: "wrong disks"}}}
	if got := updatesOf(t, f); !slices.Equal(got, want) {
		t.Errorf("updates %+v, want %+v", got, want)
	}
	wantOut := "rejected drbd-overwrite:storage0/r0 in " + buildRun + "/storage-layer/drbd-storage0-r0 (by alice)\n"
	if got := h.out.String(); got != wantOut {
		t.Errorf("output:\n%s\nwant:\n%s", got, wantOut)
	}
}

// TestApproveNothingWaits checks that an approve that decides nothing
// fails, saying so, so that a script knows.
func TestApproveNothingWaits(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no step waits", nil, "no workflow of run " + buildRun + " waits for an approval"},
		{"not that step", []string{"--step", "mkfs"}, "no workflow of run " + buildRun + ` waits for step "mkfs"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := buildTree()
			for id, s := range f.approvals {
				if tt.args == nil {
					s.Pending = nil
				}
				f.approvals[id] = s
			}
			h := newHarness(f)
			err := h.m.Run(context.Background(), append([]string{"approve", "--workflow-id", buildRun, "--by", "alice"}, tt.args...))
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
			if len(f.updates) != 0 {
				t.Errorf("sent %d updates, want none", len(f.updates))
			}
		})
	}
}

// TestApproveRefused checks that a decision the workflow refuses (its
// validator: the step no longer waits, say) fails approve with where.
func TestApproveRefused(t *testing.T) {
	f := buildTree()
	f.updateErr = errors.New("step drbd-overwrite:storage0/r0 is not waiting")
	h := newHarness(f)
	err := h.m.Run(context.Background(), []string{"approve", "--workflow-id", buildRun, "--by", "alice"})
	want := "decide drbd-overwrite:storage0/r0 in " + buildRun + "/storage-layer/drbd-storage0-r0: step drbd-overwrite:storage0/r0 is not waiting"
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}

// TestApproveBadFlags checks that approve without a run, or with more
// than flags, fails before it dials.
func TestApproveBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--by", "alice"},
		{"--workflow-id", buildRun, "yes"},
		{"--workflow-id", buildRun, "--approve"},
	} {
		h := newHarness(buildTree())
		err := h.m.Run(context.Background(), append([]string{"approve"}, args...))
		if err == nil {
			t.Errorf("approve %s: no error", strings.Join(args, " "))
		}
		if len(h.dialed) != 0 {
			t.Errorf("approve %s: dialed, want nothing done", strings.Join(args, " "))
		}
	}
}

// TestApproveWithKey checks --key: the decision carries the key and its
// signature of this very decision in the workflow that waits, and no name.
func TestApproveWithKey(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "alice.key")
	if err := sign.GenerateKeyFiles(keyFile); err != nil {
		t.Fatal(err)
	}
	key, err := sign.LoadSigner(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	f := buildTree()
	h := newHarness(f)
	if err := h.m.Run(context.Background(), []string{"approve", "--workflow-id", buildRun, "--key", keyFile, "--step", "drbd-overwrite:storage1/r0", "--reason", "ticket OPS-1"}); err != nil {
		t.Fatalf("approve: %v", err)
	}
	got := updatesOf(t, f)
	if len(got) != 1 {
		t.Fatalf("updates %+v, want one", got)
	}
	wid, req := got[0].workflowID, got[0].request
	if req.By != "" || req.Key != hex.EncodeToString(key.Public()) {
		t.Errorf("request %+v: want alice's key and no name", req)
	}
	sig, err := hex.DecodeString(req.Signature)
	if err != nil || !sign.VerifyDecision(key.Public(), sig, wid, "drbd-overwrite:storage1/r0", true, "ticket OPS-1") {
		t.Errorf("the signature is not alice's of this decision in %s: %+v", wid, req)
	}
	if sign.VerifyDecision(key.Public(), sig, buildRun, "drbd-overwrite:storage1/r0", true, "ticket OPS-1") {
		t.Error("the signature holds for another workflow too")
	}
}
