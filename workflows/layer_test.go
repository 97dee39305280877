package workflows

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// autoApproved is the blog's runbook with the overwrite let through, so the
// layer runs without a person.
func autoApproved(t *testing.T) runbooks.Ref {
	t.Helper()
	data, err := os.ReadFile("../runbooks/scalable-storage.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return runbooks.Ref{YAML: strings.Replace(string(data), "  auto: []", "  auto: [drbd-overwrite]", 1)}
}

func TestStorageLayerRunsInDependencyOrder(t *testing.T) {
	env, rec := newEnv(t, nil)
	env.ExecuteWorkflow(StorageLayerName, StorageLayerInput{Ref: autoApproved(t)})
	var res StorageLayerResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	calls := rec.list()
	first := func(call string) int { return slices.Index(calls, call) }
	for _, pair := range [][2]string{
		{"storage0a.example.org PrepareDisk", "storage0a.example.org DRBDUp"},
		{"storage0b.example.org DRBDPrimary", "storage0a.example.org GNBDExport"},
		{"storage1b.example.org GNBDExport", "client0.example.org GNBDImport"},
		{"client0.example.org GNBDImport", "client0.example.org ConfigureMultipath"},
	} {
		if a, b := first(pair[0]), first(pair[1]); a < 0 || b < 0 || a > b {
			t.Errorf("%q (at %d) must come before %q (at %d)", pair[0], a, pair[1], b)
		}
	}
	if len(res.Done) != 4+2+4+2+2 {
		t.Errorf("done: %q", res.Done)
	}
	if len(res.Irreversible) == 0 {
		t.Error("the result names no irreversible step (partitions, metadata, overwrite)")
	}
}

func TestStorageLayerUndoesEverythingWhenTheLastStepFails(t *testing.T) {
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		env.OnActivity(activities.MultipathMapsName, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.MultipathInput) (activities.MultipathResult, error) {
			rec.note(ctx, activities.MultipathMapsName)
			if activity.GetInfo(ctx).TaskQueue == activities.HostQueue("client1.example.org") {
				return activities.MultipathResult{}, temporal.NewNonRetryableApplicationError("no maps", activities.ErrBadConfig, nil)
			}
			return activities.MultipathResult{}, nil
		})
	})
	env.ExecuteWorkflow(StorageLayerName, StorageLayerInput{Ref: autoApproved(t)})
	if err := env.GetWorkflowError(); err == nil {
		t.Fatal("the layer succeeded with a failed multipath")
	}
	calls := rec.list()
	for _, want := range []string{
		"client0.example.org UndoMultipath", "client1.example.org UndoMultipath",
		"client0.example.org GNBDUnimport", "client1.example.org GNBDUnimport",
		"storage0a.example.org GNBDUnexport", "storage1b.example.org GNBDUnexport",
		"storage0a.example.org DRBDDown", "storage1b.example.org DRBDDown",
	} {
		if !slices.Contains(calls, want) {
			t.Errorf("undo lacks %q", want)
		}
	}
	// The last change is undone first: imports go before the exports they use.
	unimport := slices.Index(calls, "client0.example.org GNBDUnimport")
	unexport := slices.Index(calls, "storage0a.example.org GNBDUnexport")
	down := slices.Index(calls, "storage0a.example.org DRBDDown")
	if !(unimport < unexport && unexport < down) {
		t.Errorf("undo order: unimport %d, unexport %d, drbd down %d", unimport, unexport, down)
	}
}
