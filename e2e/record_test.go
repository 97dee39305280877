package e2e

import (
	"context"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"
)

// recorded is what this test process has written: one history for each
// workflow type and way of ending (completed, failed, ...).
var recorded struct {
	sync.Mutex
	kept map[string]string // "<type> <last event type>" -> the workflow ID kept
}

// record writes the histories of the given runs and of every child they
// started into $TETSUZUKI_RECORD/<workflow type>/<id>.json, the replay
// fixtures of one version of replaytests (replaytests/record gives it a
// fresh directory). Without the variable it does nothing: recording is a
// deliberate act, not a side effect of testing.
//
// Recording is lean: a history is written only when it is the first of its
// workflow type to end that way in this process, the last event's type
// (WorkflowExecutionCompleted, WorkflowExecutionFailed, ...) being the
// way. So a version holds one completed history per type, from the first
// test that runs it, plus the failure paths: the first failed run of each
// type, whose history has the undo. The other three of four alike
// GNBDExport children, say, are skipped. A file is never written over.
func record(t *testing.T, c client.Client, ids ...string) {
	t.Helper()
	dir := os.Getenv("TETSUZUKI_RECORD")
	if dir == "" {
		return
	}
	for len(ids) > 0 {
		id := ids[0]
		ids = ids[1:]
		var h historypb.History
		iter := c.GetWorkflowHistory(context.Background(), id, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for iter.HasNext() {
			ev, err := iter.Next()
			if err != nil {
				t.Fatal(err)
			}
			h.Events = append(h.Events, ev)
			if a := ev.GetChildWorkflowExecutionStartedEventAttributes(); a != nil {
				ids = append(ids, a.GetWorkflowExecution().GetWorkflowId())
			}
		}
		kind := h.Events[0].GetWorkflowExecutionStartedEventAttributes().GetWorkflowType().GetName()
		end := h.Events[len(h.Events)-1].GetEventType().String()
		if first, dup := keep(kind+" "+end, id); dup {
			t.Logf("skipped %s: a %s ending %s is recorded (%s)", id, kind, end, first)
			continue
		}
		// Fixtures are kept decrypted: the tests' codec key is thrown
		// away with the run, and replay reads plain payloads as they are.
		data, err := protojson.MarshalOptions{Indent: "  "}.Marshal(decrypted(t, &h))
		if err != nil {
			t.Fatal(err)
		}
		// The file is named for the workflow ID, which replay needs: a
		// parent derives its children's IDs from its own.
		path := filepath.Join(dir, kind, url.PathEscape(id)+".json")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			t.Fatalf("%s exists: fixtures are never written over; record into a new directory", path)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(append(data, '\n')); err != nil {
			f.Close()
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("recorded %s", path)
	}
}

// keep claims key for id and reports whether another ID had it first.
func keep(key, id string) (first string, dup bool) {
	recorded.Lock()
	defer recorded.Unlock()
	if first, dup := recorded.kept[key]; dup {
		return first, true
	}
	if recorded.kept == nil {
		recorded.kept = map[string]string{}
	}
	recorded.kept[key] = id
	return id, false
}
