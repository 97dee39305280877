package workflows

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestStorageBuildRunsTheSeriesAndAsksBeforeMkfs(t *testing.T) {
	env, rec := newEnv(t, nil)
	var mkfsBefore bool
	env.RegisterDelayedCallback(func() {
		mkfsBefore = slices.Contains(rec.list(), "client0.example.org MakeFilesystem")
		// Everything else the series needs was approved by the runbook
		// (drbd-overwrite); the filesystem waits for a person.
		env.SignalWorkflowByID("default-test-workflow-id/gfs2", ApproveSignal, ApprovalRequest{Step: "mkfs:/dev/VG0/LV0", By: "dana", Approve: true})
	}, time.Hour)
	ref := autoApproved(t)
	env.ExecuteWorkflow(StorageBuildName, RunbookInput{Ref: ref})
	var res StorageBuildResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if mkfsBefore {
		t.Error("mkfs.gfs2 ran before its approval")
	}
	if !slices.Equal(res.Done, []string{"clusters", "layer", "clvm", "gfs2"}) {
		t.Errorf("done: %q", res.Done)
	}
	calls := rec.list()
	order := []string{"client0.example.org StartCman", "client0.example.org GNBDImport", "client0.example.org VGCreate", "client0.example.org MakeFilesystem", "client1.example.org ListFiles"}
	for i := 1; i < len(order); i++ {
		if a, b := slices.Index(calls, order[i-1]), slices.Index(calls, order[i]); a < 0 || b < 0 || a > b {
			t.Errorf("%q (at %d) must come before %q (at %d)", order[i-1], a, order[i], b)
		}
	}
	if !slices.ContainsFunc(res.Checks, func(s string) bool {
		return strings.HasPrefix(s, "ieiri created on client0.example.org, listed on client1.example.org")
	}) {
		t.Errorf("checks: %q", res.Checks)
	}
	if !slices.ContainsFunc(res.Approvals, func(a Approval) bool { return a.Step == "mkfs:/dev/VG0/LV0" && a.By == "dana" }) {
		t.Errorf("approvals: %+v", res.Approvals)
	}
}
