package e2e

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"
)

// record writes the histories of the given runs and of every child they
// started into $TETSUZUKI_RECORD/<workflow type>/<id>.json, the replay
// fixtures of replaytests. Without the variable it does nothing: recording
// is a deliberate act (replaytests/record), not a side effect of testing.
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
		data, err := protojson.MarshalOptions{Indent: "  "}.Marshal(&h)
		if err != nil {
			t.Fatal(err)
		}
		// The file is named for the workflow ID, which replay needs: a
		// parent derives its children's IDs from its own.
		path := filepath.Join(dir, kind, url.PathEscape(id)+".json")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("recorded %s", path)
	}
}
