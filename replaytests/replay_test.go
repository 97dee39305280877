package replaytests

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// types are the registered workflow types; each must have a fixture.
var types = []string{workflows.FormClustersName, workflows.ClusterBootstrapName, workflows.NodeJoinName}

var quiet = log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))

func replayer(t *testing.T) worker.WorkflowReplayer {
	t.Helper()
	r := worker.NewWorkflowReplayer()
	workflows.Register(r)
	return r
}

func fixtures(t *testing.T, kind string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("histories", kind, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestEveryWorkflowTypeHasAFixture(t *testing.T) {
	for _, kind := range types {
		if len(fixtures(t, kind)) == 0 {
			t.Errorf("no recorded history of %s in histories/%s: run ./record", kind, kind)
		}
	}
}

func TestReplayRecordedHistories(t *testing.T) {
	for _, kind := range types {
		for _, file := range fixtures(t, kind) {
			t.Run(file, func(t *testing.T) {
				if err := replayer(t).ReplayWorkflowHistoryFromJSONFile(quiet, file); err != nil {
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
				if err := replayer(t).ReplayWorkflowHistory(quiet, h); err == nil {
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
