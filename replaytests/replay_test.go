package replaytests

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/proto"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/sign"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// histories is the directory of every version's fixtures and the manifest.
const histories = "histories"

var quiet = log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))

// registered collects the names workflows.Register gives, so that a
// workflow type added to the code is known to need a fixture.
type registered []string

func (r *registered) RegisterWorkflowWithOptions(_ any, o workflow.RegisterOptions) {
	*r = append(*r, o.Name)
}

// codec is the payload codec the workers run with (connect/codec.go), with
// a key of the tests' own: the fixtures were recorded without it and pass
// through, and TestReplayEncryptedHistories encrypts copies with it.
var codec = func() *connect.Codec {
	c, err := connect.NewCodec(bytes.Repeat([]byte("replay-test-key!"), 2))
	if err != nil {
		panic(err)
	}
	return c
}()

// replayer replays with the converters of a worker that has the codec on,
// as every worker of the product has once a key is given, and with the
// orchestrator's interceptor, which routes host results through a check
// (package sign): without keys, for the route is what replays, and the
// keys of the lab that recorded a fixture are long gone.
func replayer(t *testing.T) worker.WorkflowReplayer {
	t.Helper()
	dc, fc := connect.Converters(codec)
	r, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{
		DataConverter: dc, FailureConverter: fc,
		Interceptors: []interceptor.WorkerInterceptor{sign.Orchestrator{}.Interceptor()},
	})
	if err != nil {
		t.Fatal(err)
	}
	workflows.Register(r)
	return r
}

// replay replays a history as the run the fixture's name records: the
// workflow ID matters, since a parent derives its children's IDs from it.
func replay(t *testing.T, file string, h *historypb.History) error {
	t.Helper()
	id, err := url.PathUnescape(strings.TrimSuffix(path.Base(file), ".json"))
	if err != nil {
		t.Fatal(err)
	}
	return replayer(t).ReplayWorkflowHistoryWithOptions(quiet, h, worker.ReplayWorkflowHistoryOptions{
		OriginalExecution: workflow.Execution{ID: id, RunID: h.Events[0].GetWorkflowExecutionStartedEventAttributes().GetOriginalExecutionRunId()},
	})
}

// manifest is every fixture the gate keeps, of every version.
func manifest(t *testing.T) []Entry {
	t.Helper()
	entries, err := ReadManifest(histories)
	if err != nil {
		t.Fatalf("the fixture manifest: %v", err)
	}
	return entries
}

func read(t *testing.T, e Entry) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(histories, filepath.FromSlash(e.Path)))
	if err != nil {
		t.Fatalf("%v (fixtures are never deleted: restore it with git checkout)", err)
	}
	return data
}

// problems runs the manifest check on the checked-in histories and keeps
// the problems of one kind.
func problems(t *testing.T, kind ProblemKind) []Problem {
	t.Helper()
	all, err := CheckFixtures(histories)
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(all, func(p Problem) bool { return p.Kind != kind })
}

// TestListedFixturesAreKeptUnchanged: every fixture in the manifest is on
// disk with the SHA-256 it was recorded with, so a fixture deleted or
// re-recorded in place fails CI.
func TestListedFixturesAreKeptUnchanged(t *testing.T) {
	if len(manifest(t)) == 0 {
		t.Fatalf("%s/%s lists no fixture", histories, ManifestName)
	}
	for _, kind := range []ProblemKind{Missing, Changed} {
		for _, p := range problems(t, kind) {
			t.Error(p)
		}
	}
}

// TestEveryFixtureIsInTheManifest: a file under histories/ that the
// manifest does not list fails, so a fixture is added knowingly.
func TestEveryFixtureIsInTheManifest(t *testing.T) {
	for _, p := range problems(t, Unlisted) {
		t.Error(p)
	}
}

// TestEveryWorkflowTypeHasAFixture: each type the code registers has at
// least one fixture, in some version.
func TestEveryWorkflowTypeHasAFixture(t *testing.T) {
	var types registered
	workflows.Register(&types)
	recorded := map[string]bool{}
	for _, e := range manifest(t) {
		recorded[e.WorkflowType()] = true
	}
	for _, kind := range types {
		if !recorded[kind] {
			t.Errorf("no fixture of %s in any version: record a new version with replaytests/record", kind)
		}
	}
}

// TestReplayRecordedHistories: every fixture of every version replays
// against the current code.
func TestReplayRecordedHistories(t *testing.T) {
	for _, e := range manifest(t) {
		t.Run(e.Path, func(t *testing.T) {
			h, err := client.HistoryFromJSON(bytes.NewReader(read(t, e)), client.HistoryJSONOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := h.Events[0].GetWorkflowExecutionStartedEventAttributes().GetWorkflowType().GetName(); got != e.WorkflowType() {
				t.Fatalf("%s is a history of %s, not of %s", e.Path, got, e.WorkflowType())
			}
			if err := replay(t, e.Path, h); err != nil {
				t.Fatalf("the current code cannot replay %s: %v\n"+
					"A change to what a workflow commands must be replay-safe: workflow.GetVersion "+
					"or a new workflow type (README, Changing a workflow safely)", e.Path, err)
			}
		})
	}
}

// TestReplayEncryptedHistories: every fixture, with each of its payloads
// encrypted as a worker with the codec writes them, replays too; the
// encrypted copy holds none of the plain one's payload bytes.
func TestReplayEncryptedHistories(t *testing.T) {
	for _, e := range manifest(t) {
		t.Run(e.Path, func(t *testing.T) {
			h, err := client.HistoryFromJSON(bytes.NewReader(read(t, e)), client.HistoryJSONOptions{})
			if err != nil {
				t.Fatal(err)
			}
			input := h.Events[0].GetWorkflowExecutionStartedEventAttributes().GetInput().GetPayloads()
			if len(input) == 0 {
				t.Fatalf("%s: the run has no input to prove encryption with", e.Path)
			}
			plain := input[0].GetData()
			err = proxy.VisitPayloads(context.Background(), h, proxy.VisitPayloadsOptions{
				Visitor: func(_ *proxy.VisitPayloadsContext, ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
					return codec.Encode(ps)
				},
				SkipSearchAttributes: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := proto.Marshal(h)
			if bytes.Contains(raw, plain) {
				t.Fatalf("the encrypted copy still holds the run's input in clear")
			}
			if err := replay(t, e.Path, h); err != nil {
				t.Fatalf("the current code cannot replay %s with its payloads encrypted: %v", e.Path, err)
			}
		})
	}
}

// TestReplayDetectsAChangedWorkflow proves the gate can fail: each fixture,
// with its first step renamed as if the code now scheduled another
// activity or child, must be refused as nondeterministic, naming the step.
func TestReplayDetectsAChangedWorkflow(t *testing.T) {
	for _, e := range manifest(t) {
		t.Run(e.Path, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(read(t, e), &doc); err != nil {
				t.Fatal(err)
			}
			renamed, ok := renameFirstStep(doc)
			if !ok {
				t.Skipf("%s schedules no activity or child to rename", e.Path)
			}
			changed, _ := json.Marshal(doc)
			h, err := client.HistoryFromJSON(bytes.NewReader(changed), client.HistoryJSONOptions{})
			if err != nil {
				t.Fatal(err)
			}
			err = replay(t, e.Path, h)
			if err == nil {
				t.Fatalf("a history whose first step was renamed replayed without error")
			}
			if msg := err.Error(); !strings.Contains(msg, "[TMPRL1100] nondeterministic workflow") || !strings.Contains(msg, renamed) {
				t.Fatalf("want a nondeterminism error naming %s, got: %v", renamed, err)
			}
		})
	}
}

// renameFirstStep renames the first scheduled activity or started child
// workflow in a protojson history and returns the new name.
func renameFirstStep(doc map[string]any) (string, bool) {
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
					name := "Renamed" + typ["name"].(string)
					typ["name"] = name
					return name, true
				}
			}
		}
	}
	return "", false
}

// TestTheGateFailsWhenAFixtureIsRemoved runs the manifest check on copies
// of the checked-in histories: untouched, it finds nothing; with one listed
// fixture deleted, rewritten in place, or one file added, it reports
// exactly that file, as missing, changed or unlisted.
func TestTheGateFailsWhenAFixtureIsRemoved(t *testing.T) {
	entries := manifest(t)
	victim := entries[len(entries)/2].Path
	for _, c := range []struct {
		name   string
		change func(t *testing.T, dir string)
		want   []Problem
	}{
		{"untouched", func(*testing.T, string) {}, nil},
		{"removed", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, victim)); err != nil {
				t.Fatal(err)
			}
		}, []Problem{{Kind: Missing, Path: victim}}},
		{"rewritten", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, victim), []byte("{}\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []Problem{{Kind: Changed, Path: victim,
			Want: entries[len(entries)/2].SHA256,
			Got:  "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356"}}},
		{"added", func(t *testing.T, dir string) {
			if err := os.MkdirAll(filepath.Join(dir, "v99", "NodeJoin"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "v99", "NodeJoin", "new.json"), []byte("{}\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []Problem{{Kind: Unlisted, Path: "v99/NodeJoin/new.json"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(histories)); err != nil {
				t.Fatal(err)
			}
			c.change(t, dir)
			got, err := CheckFixtures(dir)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("the check of a copy %s: got %v, want %v", c.name, got, c.want)
			}
		})
	}
}

// TestReadManifestRefusesWhatItCannotTrust: a malformed line, a path
// outside the layout, or a path listed twice is an error, not a skip.
func TestReadManifestRefusesWhatItCannotTrust(t *testing.T) {
	sum := strings.Repeat("ab", 32)
	for name, text := range map[string]string{
		"short hash":   "abc  v2/NodeJoin/x.json\n",
		"one space":    sum + " v2/NodeJoin/x.json\n",
		"too deep":     sum + "  v2/more/NodeJoin/x.json\n",
		"no type":      sum + "  x.json\n",
		"dot dot":      sum + "  ../NodeJoin/x.json\n",
		"not json":     sum + "  v2/NodeJoin/x.txt\n",
		"listed twice": sum + "  NodeJoin/x.json\n" + sum + "  NodeJoin/x.json\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, ManifestName), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := ReadManifest(dir); err == nil {
				t.Fatalf("ReadManifest accepted %q", text)
			}
		})
	}
}

// The fixtures recorded before versions existed stay where they were
// recorded, and are version 1; later ones name their version directory.
func TestEntryVersionAndType(t *testing.T) {
	for path, want := range map[string][2]string{
		"NodeJoin/x.json":            {FirstVersion, "NodeJoin"},
		"v2/StorageBuild/build.json": {"v2", "StorageBuild"},
	} {
		e := Entry{Path: path}
		if got := [2]string{e.Version(), e.WorkflowType()}; got != want {
			t.Errorf("%s: version, type = %v, want %v", path, got, want)
		}
	}
}
