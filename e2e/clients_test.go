package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/lab/drbd"
	"github.com/tetsuzuki/tetsuzuki/lab/scale"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/sign"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// manyClients is how many clients the batched build brings up: past one
// batch (workflows' clientBatch, 12), so the data path runs two batches.
const manyClients = 14

// The build of the blog's two pairs and 14 clients (lab/scale, no volume,
// client clusters of four), through the real server, orchestrator and
// agents: each cluster is formed by a FormClusters child of its own, the
// data path brings the clients up in two ClientBatch children, the build
// reads its eighteen hosts' end state in two Survey children, and every
// client ends with both pairs' maps, each of two paths.
func TestManyClientsBuildInBatches(t *testing.T) {
	// Client clusters of four: six clusters, past the four FormClusters
	// forms in its own history, so each is formed by a child of its own.
	l, c, yaml := manyLab(t, "clients", scale.Options{Name: "many", Clients: manyClients, ClusterSize: 4, NoVolume: true}, "disk-label, drbd-overwrite")

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "many", TaskQueue: workflows.OrchestratorQueue},
		workflows.StorageBuildName, workflows.RunbookInput{Ref: runbooks.Ref{YAML: yaml, Source: "many.yaml"}})
	if err != nil {
		t.Fatal(err)
	}
	var res workflows.StorageBuildResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatalf("the build of %d clients: %v", manyClients, err)
	}
	if len(res.Hosts) != manyClients+4 || res.SurveyError != "" {
		t.Errorf("the build's end state: %d hosts, survey error %q", len(res.Hosts), res.SurveyError)
	}
	var clients []string
	for j := range manyClients {
		clients = append(clients, fmt.Sprintf("client%d.example.org", j))
	}
	checkMultipathOf(t, l, clients...)
	completedAs(t, c, workflows.ClientBatchName, "many/clients-0", "many/clients-1")
	completedAs(t, c, workflows.FormClustersName, "many/storage0", "many/client3")
	completedAs(t, c, workflows.GNBDImportName, "many/clients-0/import-client0.example.org")
	for _, part := range []string{"many/layer", "many/clusters"} {
		if _, err := c.DescribeWorkflowExecution(ctx, part, ""); err == nil {
			t.Errorf("the build ran %s in a child, whose result would carry every host's undo", part)
		}
	}
	// Eighteen hosts, past the sixteen a build surveys in its own history:
	// two Survey children, of sixteen hosts and of two, and every host's
	// state in the build's result, in the runbook's order.
	completedAs(t, c, workflows.SurveyName, "many/survey-0", "many/survey-1")
	if _, err := c.DescribeWorkflowExecution(ctx, "many/survey-2", ""); err == nil {
		t.Error("a third Survey child of eighteen hosts")
	}
	// Eighteen hosts, past the sixteen a build loads whole: the build
	// recorded its outline, whose view holds the servers only (this
	// runbook has no volume), and its pair's children their servers' view.
	outline := loadedIn(t, "clients", "many", activities.LoadOutlineName)
	if outline.Roster == nil || len(outline.Roster.Hosts) != manyClients+4 || len(outline.Runbook.Hosts) != 4 {
		t.Errorf("the build's outline: roster %v, a view of %d hosts; want the roster of %d hosts and a view of the 4 servers", outline.Roster, len(outline.Runbook.Hosts), manyClients+4)
	}
	var pair workflows.DRBDPairInput
	startedWith(t, "clients", "many/drbd-storage0-r0", &pair)
	if want := []string{"storage0a.example.org", "storage0b.example.org"}; !slices.Equal(pair.Focus, want) {
		t.Errorf("the pair's child is focused on %v, want %v", pair.Focus, want)
	}
	for i, h := range res.Hosts {
		if want := fmt.Sprintf("client%d.example.org", i); i < manyClients && h.Host != want {
			t.Errorf("host %d of the end state: %s, want %s", i, h.Host, want)
		}
		if !h.CmanRunning {
			t.Errorf("%s: cman not running at the end of the build", h.Host)
		}
	}
	record(t, c, "many")
}

// manyLab is a lab of lab/scale's runbook of opts, in namespace ns, with
// approvals.auto set to auto, its agents up and an orchestrator running.
func manyLab(t *testing.T, ns string, opts scale.Options, auto string) (*lab, client.Client, string) {
	t.Helper()
	data, err := scale.YAML(opts)
	if err != nil {
		t.Fatal(err)
	}
	yaml := strings.Replace(string(data), "  auto: []", "  auto: ["+auto+"]", 1)
	if yaml == string(data) {
		t.Fatal(`no "auto: []" to let the build's approvals through`)
	}
	l := &lab{t: t, dir: t.TempDir(), book: filepath.Join(t.TempDir(), opts.Name+".yaml"), ns: ns}
	if err := os.WriteFile(l.book, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runBin(t, "lab", "init", "--runbook", l.book, "--dir", l.dir); err != nil {
		t.Fatalf("lab init: %v\n%s", err, out)
	}
	if err := drbd.SetSpeedup(l.dir, 200); err != nil {
		t.Fatal(err)
	}
	c := dial(t, ns)
	// lab init added the new clients' keys to the hosts' keyring: the
	// orchestrator reads it now, as a site's would after adding hosts.
	ring, err := sign.LoadKeyring(filepath.Join(hostKeys, "host-keys"))
	if err != nil {
		t.Fatal(err)
	}
	orchestratorOf(t, c, ring)
	l.up()
	return l, c, yaml
}

// A build of many clients in many clusters whose volume is refused after
// the data path is undone: each batch's clients and each cluster's nodes
// by an Undo child of the build, which keeps the batches' undo logs; no
// client keeps cman running, an import or a map.
func TestManyClientsBuildUndoneInBatches(t *testing.T) {
	l, c, yaml := manyLab(t, "clientsundo", scale.Options{Name: "undone", Clients: manyClients, ClusterSize: 4}, "disk-label, drbd-overwrite")
	var clients []string
	for j := range manyClients {
		clients = append(clients, fmt.Sprintf("client%d.example.org", j))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "undone", TaskQueue: workflows.OrchestratorQueue},
		workflows.StorageBuildName, workflows.RunbookInput{Ref: runbooks.Ref{YAML: yaml, Source: "undone.yaml"}})
	if err != nil {
		t.Fatal(err)
	}
	// The clustered volume's pvcreate waits for a person, who refuses it.
	eventually(t, 4*time.Minute, "the pvcreate approval refused", func() bool {
		out, err := runBin(t, "starter", "approve", "--namespace", "clientsundo", "--workflow-id", "undone", "--by", "carol", "--reject", "--reason", "wrong volume")
		return err == nil && strings.Contains(out, "rejected")
	})
	err = run.Get(ctx, nil)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != activities.ErrRejected {
		t.Fatalf("the build ended with %v, want Rejected", err)
	}
	completedAs(t, c, workflows.UndoName, "undone/clients-0/undo", "undone/clients-1/undo", "undone/client0/undo", "undone/storage1/undo")
	for _, h := range clients {
		if out, err := l.exec(h, "gnbd_import", "-l"); err == nil && strings.Contains(out, "Device name") {
			t.Errorf("%s: imports left after the undo:\n%s", h, out)
		}
		if out, err := l.exec(h, "cman_tool", "status"); err == nil {
			t.Errorf("%s: cman runs after the undo:\n%s", h, out)
		}
		if out, _ := l.exec(h, "multipath", "-l"); strings.Contains(out, "mpath") {
			t.Errorf("%s: maps left after the undo:\n%s", h, out)
		}
	}
	record(t, c, "undone")
}

// completedAs checks that each of ids is a completed run of kind.
func completedAs(t *testing.T, c client.Client, kind string, ids ...string) {
	t.Helper()
	for _, id := range ids {
		d, err := c.DescribeWorkflowExecution(context.Background(), id, "")
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		info := d.GetWorkflowExecutionInfo()
		if info.GetType().GetName() != kind || info.GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
			t.Errorf("%s: a %s, %s; want a completed %s", id, info.GetType().GetName(), info.GetStatus(), kind)
		}
	}
}

// history is the events of the run id in namespace ns, decrypted.
func history(t *testing.T, ns, id string) *historypb.History {
	t.Helper()
	c := dial(t, ns)
	h := &historypb.History{}
	iter := c.GetWorkflowHistory(context.Background(), id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", id, err)
		}
		h.Events = append(h.Events, ev)
	}
	return decrypted(t, h)
}

// startedWith decodes the input the run id started with into in.
func startedWith(t *testing.T, ns, id string, in any) {
	t.Helper()
	payloads := history(t, ns, id).Events[0].GetWorkflowExecutionStartedEventAttributes().GetInput().GetPayloads()
	if len(payloads) != 1 {
		t.Fatalf("%s started with %d payloads", id, len(payloads))
	}
	if err := converter.GetDefaultDataConverter().FromPayload(payloads[0], in); err != nil {
		t.Fatalf("the input of %s: %v", id, err)
	}
}

// loadedIn is what the run id recorded of its local activity kind, the
// runbook loader's: the first such marker in its history.
func loadedIn(t *testing.T, ns, id, kind string) runbooks.Loaded {
	t.Helper()
	for _, ev := range history(t, ns, id).Events {
		m := ev.GetMarkerRecordedEventAttributes()
		data, result := m.GetDetails()["data"].GetPayloads(), m.GetDetails()["result"].GetPayloads()
		if len(data) != 1 || len(result) != 1 || !strings.Contains(string(data[0].GetData()), `"`+kind+`"`) {
			continue // a version marker, or another local activity's
		}
		var loaded runbooks.Loaded
		if err := converter.GetDefaultDataConverter().FromPayload(result[0], &loaded); err != nil {
			t.Fatalf("the %s marker of %s: %v", kind, id, err)
		}
		return loaded
	}
	t.Fatalf("%s recorded no %s", id, kind)
	return runbooks.Loaded{}
}
