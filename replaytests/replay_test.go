package replaytests

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// types are the registered workflow types; each must have a fixture.
var types = []string{
	workflows.FormClustersName, workflows.ClusterBootstrapName, workflows.NodeJoinName,
	workflows.StorageLayerName, workflows.PrepareDiskName, workflows.DRBDPairName,
	workflows.GNBDExportName, workflows.GNBDImportName, workflows.MultipathName,
	workflows.CLVMName, workflows.GFS2Name, workflows.StorageBuildName,
	workflows.ShutdownName, workflows.StartupName, workflows.ExpandName, workflows.TeardownName,
}

var quiet = log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))

func replayer(t *testing.T) worker.WorkflowReplayer {
	t.Helper()
	r := worker.NewWorkflowReplayer()
	workflows.Register(r)
	return r
}

// replay replays a history as the run the fixture's name records: the
// workflow ID matters, since a parent derives its children's IDs from it.
func replay(t *testing.T, file string, h *historypb.History) error {
	t.Helper()
	id, err := url.PathUnescape(strings.TrimSuffix(filepath.Base(file), ".json"))
	if err != nil {
		t.Fatal(err)
	}
	return replayer(t).ReplayWorkflowHistoryWithOptions(quiet, h, worker.ReplayWorkflowHistoryOptions{
		OriginalExecution: workflow.Execution{ID: id, RunID: h.Events[0].GetWorkflowExecutionStartedEventAttributes().GetOriginalExecutionRunId()},
	})
}

func open(t *testing.T, file string) *os.File {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func fixtures(t *testing.T, kind string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("histories", "*", kind, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestEveryWorkflowTypeHasAFixture(t *testing.T) {
	for _, kind := range types {
		if len(fixtures(t, kind)) == 0 {
			t.Errorf("no recorded history of %s in histories/*/%s: run ./record", kind, kind)
		}
	}
}

func TestReplayRecordedHistories(t *testing.T) {
	for _, kind := range types {
		for _, file := range fixtures(t, kind) {
			t.Run(file, func(t *testing.T) {
				h, err := client.HistoryFromJSON(open(t, file), client.HistoryJSONOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if err := replay(t, file, h); err != nil {
					t.Fatalf("the current code cannot replay %s: %v", file, err)
				}
			})
		}
	}
}

// TestReplayDetectsAChangedWorkflow proves the gate can fail: each fixture,
// with its first step renamed as if the code now scheduled another
// activity, must be refused as nondeterministic.
func TestReplayDetectsAChangedWorkflow(t *testing.T) {
	for _, kind := range types {
		for _, file := range fixtures(t, kind) {
			t.Run(file, func(t *testing.T) {
				data, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				var doc map[string]any
				if err := json.Unmarshal(data, &doc); err != nil {
					t.Fatal(err)
				}
				if !renameFirstStep(doc) {
					t.Skipf("%s schedules no activity or child to rename", file)
				}
				changed, _ := json.Marshal(doc)
				h, err := client.HistoryFromJSON(bytes.NewReader(changed), client.HistoryJSONOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if err := replay(t, file, h); err == nil {
					t.Fatalf("a history whose first step was renamed replayed without error")
				}
			})
		}
	}
}

// renameFirstStep renames the first scheduled activity or started child
// workflow in a protojson history.
func renameFirstStep(doc map[string]any) bool {
	events, _ := doc["events"].([]any)
	for _, e := range events {
		ev, _ := e.(map[string]any)
		for _, key := range []string{"activityTaskScheduledEventAttributes", "startChildWorkflowExecutionInitiatedEventAttributes"} {
			attrs, ok := ev[key].(map[string]any)
			if !ok {
				continue
			}
			for _, field := range []string{"activityType", "workflowType"} {
				if typ, ok := attrs[field].(map[string]any); ok {
					typ["name"] = "Renamed" + typ["name"].(string)
					return true
				}
			}
		}
	}
	return false
}
