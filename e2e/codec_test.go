package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// rawHistories reads a run's history and every child's with a client that
// has no codec, as the server stores them and anyone with access to the
// namespace (or its database) reads them.
func rawHistories(t *testing.T, ns, id string) []*historypb.History {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: serverAddr, Namespace: ns, Logger: quiet{}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var all []*historypb.History
	for ids := []string{id}; len(ids) > 0; ids = ids[1:] {
		h := &historypb.History{}
		iter := c.GetWorkflowHistory(context.Background(), ids[0], "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for iter.HasNext() {
			ev, err := iter.Next()
			if err != nil {
				t.Fatalf("history of %s: %v", ids[0], err)
			}
			h.Events = append(h.Events, ev)
			if a := ev.GetChildWorkflowExecutionStartedEventAttributes(); a != nil {
				ids = append(ids, a.GetWorkflowExecution().GetWorkflowId())
			}
		}
		all = append(all, h)
	}
	return all
}

// decrypted is a copy of h with every payload decoded by the tests' codec.
func decrypted(t *testing.T, h *historypb.History) *historypb.History {
	t.Helper()
	d := proto.Clone(h).(*historypb.History)
	err := proxy.VisitPayloads(context.Background(), d, proxy.VisitPayloadsOptions{
		Visitor: func(_ *proxy.VisitPayloadsContext, ps []*common.Payload) ([]*common.Payload, error) {
			return codec.Decode(ps)
		},
	})
	if err != nil {
		t.Fatalf("decrypt a history: %v", err)
	}
	return d
}

// dump is everything a history holds, in both forms a reader meets it:
// the wire bytes (payload data as it is) and JSON (strings as they are,
// payload data in base64).
func dump(t *testing.T, h *historypb.History) []byte {
	t.Helper()
	bin, err := proto.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	js, err := protojson.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	return append(bin, js...)
}

// TestHistoriesHoldNoClearPayload runs a procedure with secrets planted in
// what it carries: a fence password in the runbook file (sent whole as the
// run's input, and on to each child), and stderr of a failed command (in
// the failure the retry records). Read as the server stores them, the
// histories of the run and its children hold neither secret, nor the
// runbook's name; decrypted with the codec's key, they hold both secrets,
// so the secrets were there to find, and a client with the codec reads the
// run's result.
func TestHistoriesHoldNoClearPayload(t *testing.T) {
	const (
		fencePassword = "fence-passwd-Xq7Zr2"
		stderrSecret  = "drbd-shared-secret-Wm4Kp9"
		runbookName   = "lab-three-node"
		id            = "codec-form"
	)
	c := dial(t, "codec")
	orchestrator(t, c)
	l := newLab(t, "codec", runbookName)
	l.up()
	yaml, err := os.ReadFile(l.book)
	if err != nil {
		t.Fatal(err)
	}
	planted := filepath.Join(t.TempDir(), "planted.yaml")
	if err := os.WriteFile(planted, append(yaml, "\n# fence_ipmilan passwd=\""+fencePassword+"\"\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	// The first yum fails with the secret on its stderr; the retry works.
	l.fault("--host", "node1.example.org", "--command", "yum", "--fail", "1", "--message", "yum: "+stderrSecret)

	out, err := runBin(t, "starter", "run", "--namespace", "codec", "--runbook", planted, "--procedure", "form-clusters", "--id", id)
	if err != nil {
		t.Fatalf("starter run: %v\n%s", err, out)
	}
	// The starter's own progress reads through the codec.
	if !strings.Contains(out, "ok  node1.example.org: yum -y install cman") {
		t.Errorf("the starter's progress lacks the install step's summary:\n%s", out)
	}

	histories := rawHistories(t, "codec", id)
	if len(histories) < 2 {
		t.Fatalf("%d histories, want the run's and its children's", len(histories))
	}
	var clear []byte
	for _, h := range histories {
		raw := dump(t, h)
		for _, s := range []string{fencePassword, stderrSecret, runbookName} {
			if bytes.Contains(raw, []byte(s)) {
				t.Errorf("the server's history of %s holds %q in clear", h.Events[0].GetWorkflowExecutionStartedEventAttributes().GetWorkflowId(), s)
			}
		}
		clear = append(clear, dump(t, decrypted(t, h))...)
	}
	for _, s := range []string{fencePassword, stderrSecret} {
		if !bytes.Contains(clear, []byte(s)) {
			t.Errorf("the decrypted histories lack %q: the test planted nothing it could find", s)
		}
	}

	var result any
	if err := c.GetWorkflow(context.Background(), id, "").Get(context.Background(), &result); err != nil {
		t.Fatalf("a client with the codec reads the run's result: %v", err)
	}
	checkFormed(t, l, "trio", []string{"node1.example.org", "node2.example.org", "node3.example.org"}, 3)
}
