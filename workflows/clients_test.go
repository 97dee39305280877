package workflows

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/lab/scale"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// manyClients is lab/scale's runbook of the blog's pairs and n clients,
// its overwrite let through.
func manyClients(t *testing.T, n int) runbooks.Ref {
	t.Helper()
	return scaled(t, scale.Options{Name: "many", Clients: n, NoVolume: true})
}

// scaled is lab/scale's runbook of opts, its overwrite let through.
func scaled(t *testing.T, opts scale.Options) runbooks.Ref {
	return scaledWith(t, opts, "drbd-overwrite")
}

// scaledWith is lab/scale's runbook of opts with approvals.auto set to
// auto.
func scaledWith(t *testing.T, opts scale.Options, auto string) runbooks.Ref {
	t.Helper()
	data, err := scale.YAML(opts)
	if err != nil {
		t.Fatal(err)
	}
	yaml := strings.Replace(string(data), "  auto: []", "  auto: ["+auto+"]", 1)
	if yaml == string(data) {
		t.Fatal(`no "auto: []" to let the overwrite through`)
	}
	return runbooks.Ref{YAML: yaml}
}

func clientN(j int) string { return fmt.Sprintf("client%d.example.org", j) }

// Past clientBatch clients, the data path brings them up in ClientBatch
// children, and every client still imports and multipaths.
func TestManyClientsComeUpInBatches(t *testing.T) {
	const n = clientBatch + 2
	env, rec := newEnv(t, nil)
	env.ExecuteWorkflow(StorageLayerName, StorageLayerInput{Ref: manyClients(t, n)})
	var res StorageLayerResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	calls := rec.list()
	for j := range n {
		for _, step := range []string{"GNBDImport", "ConfigureMultipath"} {
			if !slices.Contains(calls, clientN(j)+" "+step) {
				t.Errorf("%s never ran %s", clientN(j), step)
			}
		}
	}
	for _, want := range []string{"clients-0", "clients-1"} {
		if !slices.Contains(res.Done, want) {
			t.Errorf("done %q: no batch %s", res.Done, want)
		}
	}
	if slices.Contains(res.Done, "import-"+clientN(0)) {
		t.Errorf("done %q: a client's import in the data path's own history", res.Done)
	}
	// The batches' undo logs stay with the run, which has no parent to
	// hand them to; the pairs' undo is in the result.
	for _, u := range res.Undo {
		if strings.HasPrefix(u.Host, "client") {
			t.Errorf("the result carries a client's undo: %+v", u)
		}
	}
	if !slices.ContainsFunc(res.Undo, func(u UndoStep) bool { return u.Activity == activities.DRBDDownName }) {
		t.Errorf("the result's undo %v has no pair's", res.Undo)
	}
}

// undoneIn checks that call ran, and only in the run whose ID ends with
// suffix.
func undoneIn(t *testing.T, rec *recorder, call, suffix string) {
	t.Helper()
	ids := rec.ranIn(call)
	if len(ids) == 0 || slices.ContainsFunc(ids, func(id string) bool { return !strings.HasSuffix(id, suffix) }) {
		t.Errorf("%s ran in %q, want only in the run ending %s", call, ids, suffix)
	}
}

// A batch whose client fails undoes what its other clients did and fails;
// the data path then undoes the rest, the other batch's clients included.
func TestAFailedBatchIsUndone(t *testing.T) {
	const n = clientBatch + 2
	failing := clientN(3)
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		failsOn(env, rec, activities.MultipathMapsName, failing, activities.MultipathInput{}, activities.MultipathResult{})
	})
	env.ExecuteWorkflow(StorageLayerName, StorageLayerInput{Ref: manyClients(t, n)})
	err := env.GetWorkflowError()
	if err == nil || !strings.Contains(err.Error(), "clients-0") {
		t.Fatalf("the data path: %v, want the failure of batch clients-0", err)
	}
	calls := rec.list()
	for _, j := range []int{0, 3, clientBatch - 1, clientBatch + 1} {
		if !slices.Contains(calls, clientN(j)+" GNBDUnimport") {
			t.Errorf("%s's imports were not undone", clientN(j))
		}
	}
	if !slices.Contains(calls, "storage0a.example.org DRBDDown") {
		t.Error("the pairs were not undone after the batch failed")
	}
	// The failed batch undid its own clients; the data path had the other
	// batch's log run by an Undo child.
	undoneIn(t, rec, clientN(0)+" GNBDUnimport", "/clients-0")
	undoneIn(t, rec, clientN(clientBatch+1)+" GNBDUnimport", "/clients-1/undo")
}

// A build of many clients runs its data path itself and keeps each batch's
// undo log: when a later part fails, an Undo child a batch undoes its
// clients, and the build its own part of the data path and the clusters.
func TestABuildUndoesItsBatchesInUndoChildren(t *testing.T) {
	const n = clientBatch + 2
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		env.OnActivity(activities.PVCreateName, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.PVInput) (activities.Change, error) {
			rec.note(ctx, activities.PVCreateName)
			return activities.Change{}, temporal.NewNonRetryableApplicationError("pvcreate failed", activities.ErrBadConfig, nil)
		})
	})
	var layers []string
	env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, _ converter.EncodedValues) {
		if info.WorkflowType.Name == StorageLayerName || strings.HasSuffix(info.WorkflowExecution.ID, "/clusters") {
			layers = append(layers, info.WorkflowExecution.ID)
		}
	})
	// Client clusters of four: six clusters, past clustersInline.
	env.ExecuteWorkflow(StorageBuildName, RunbookInput{Ref: scaled(t, scale.Options{Name: "many", Clients: n, ClusterSize: 4})})
	err := env.GetWorkflowError()
	wantErrType(t, err, ErrRunFailed)
	if len(layers) != 0 {
		t.Errorf("the build ran its data path or its clusters in children %q, want itself", layers)
	}
	undoneIn(t, rec, clientN(0)+" StopCman", "/client0/undo")
	undoneIn(t, rec, clientN(13)+" StopCman", "/client3/undo")
	undoneIn(t, rec, "storage0a.example.org StopCman", "/storage0/undo")
	undoneIn(t, rec, clientN(0)+" GNBDUnimport", "/clients-0/undo")
	undoneIn(t, rec, clientN(clientBatch-1)+" UndoMultipath", "/clients-0/undo")
	undoneIn(t, rec, clientN(clientBatch+1)+" GNBDUnimport", "/clients-1/undo")
	for _, id := range rec.ranIn("storage0a.example.org DRBDDown") {
		if strings.HasSuffix(id, "/undo") {
			t.Errorf("a pair was undone by %s, want the build", id)
		}
	}
	if len(rec.ranIn("storage0a.example.org DRBDDown")) != 1 || len(rec.ranIn(clientN(0)+" StopCman")) != 1 {
		t.Error("the pairs and the clusters were not each undone once")
	}
	// Every node was started once and stopped once.
	for j := range n {
		if started, stopped := len(rec.ranIn(clientN(j)+" StartCman")), len(rec.ranIn(clientN(j)+" StopCman")); started != 1 || stopped != 1 {
			t.Errorf("%s: cman started %d times, stopped %d", clientN(j), started, stopped)
		}
	}
}

// Undo runs a batch's log only as a child: started by itself it would sign
// undos as decided by a run that made nothing.
func TestUndoRunsOnlyAsAChild(t *testing.T) {
	step := newUndo(clientN(0), "unimport", activities.GNBDUnimportName, activities.UnimportInput{})
	for name, in := range map[string]UndoInput{
		"alone":        {Steps: []UndoStep{step}},
		"hostile host": {Steps: []UndoStep{{Host: "../x", Summary: "s", Activity: activities.GNBDUnimportName}}},
		"no steps":     {},
		"no activity":  {Steps: []UndoStep{{Host: clientN(0), Summary: "s"}}},
	} {
		t.Run(name, func(t *testing.T) {
			env, rec := newEnv(t, nil)
			env.ExecuteWorkflow(UndoName, in)
			wantErrType(t, env.GetWorkflowError(), activities.ErrBadInput)
			if calls := rec.list(); len(calls) != 0 {
				t.Errorf("a refused undo ran %q", calls)
			}
		})
	}
}

// A batch naming a client twice is a bad request, before any host.
func TestClientBatchRefusesAClientTwice(t *testing.T) {
	env, rec := newEnv(t, nil)
	env.ExecuteWorkflow(ClientBatchName, ClientBatchInput{Ref: manyClients(t, 2), Hosts: []string{clientN(0), clientN(0)}})
	wantErrType(t, env.GetWorkflowError(), activities.ErrBadInput)
	if err := env.GetWorkflowError(); err == nil || !strings.Contains(err.Error(), "hosts") {
		t.Errorf("the refusal %v does not name the field hosts", err)
	}
	if calls := rec.list(); len(calls) != 0 {
		t.Errorf("a refused batch ran %q", calls)
	}
}

// A batch takes only the runbook's import clients.
func TestClientBatchRefusesAHostThatImportsNothing(t *testing.T) {
	env, rec := newEnv(t, nil)
	env.ExecuteWorkflow(ClientBatchName, ClientBatchInput{Ref: manyClients(t, 2), Hosts: []string{clientN(0), "storage0a.example.org"}})
	wantErrType(t, env.GetWorkflowError(), activities.ErrBadInput)
	if calls := rec.list(); len(calls) != 0 {
		t.Errorf("a refused batch ran %q", calls)
	}
}

// smallClusters is lab/scale's runbook of n clients in client clusters
// of size nodes.
func smallClusters(t *testing.T, n, size int) runbooks.Ref {
	t.Helper()
	data, err := scale.YAML(scale.Options{Name: "small", Clients: n, ClusterSize: size, NoVolume: true})
	if err != nil {
		t.Fatal(err)
	}
	return runbooks.Ref{YAML: string(data)}
}

// Past clustersInline clusters, each is formed by a FormClusters child of
// its own; every node still joins.
func TestManyClustersFormInChildren(t *testing.T) {
	env, rec := newEnv(t, nil)
	var children []string
	env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, _ converter.EncodedValues) {
		if info.WorkflowType.Name == FormClustersName {
			children = append(children, info.WorkflowExecution.ID)
		}
	})
	env.ExecuteWorkflow(FormClustersName, FormClustersInput{Ref: smallClusters(t, 14, 4)}) // 2 storage, 4 client clusters
	if len(children) != 6 {
		t.Errorf("FormClusters children %q, want one a cluster", children)
	}
	var res FormClustersResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if len(res.Clusters) != 6 {
		t.Fatalf("%d clusters formed, want 6", len(res.Clusters))
	}
	calls := rec.list()
	for j := range 14 {
		if !slices.Contains(calls, clientN(j)+" StartCman") {
			t.Errorf("%s: cman never started", clientN(j))
		}
	}
	// Run by itself, it keeps each cluster's node changes, and reports
	// each cluster's members by count.
	if len(res.Changes) != 0 {
		t.Errorf("%d node changes in the result, want them kept", len(res.Changes))
	}
	for _, c := range res.Clusters {
		if c.Nodes != nil || c.Members == 0 {
			t.Errorf("cluster %s reported with %d nodes' status and %d members, want a count alone", c.Name, len(c.Nodes), c.Members)
		}
	}
}

// A FormClusters of many clusters that a parent undoes from its result (an
// expansion's new clusters, or the clusters of a build that started before
// builds formed many clusters themselves) still reports every node change.
func TestManyClustersReportTheirChangesToAParentThatUndoes(t *testing.T) {
	env, _ := newEnv(t, nil)
	env.RegisterWorkflowWithOptions(func(ctx workflow.Context, ref runbooks.Ref) (FormClustersResult, error) {
		var res FormClustersResult
		id := workflow.GetInfo(ctx).WorkflowExecution.ID + "/clusters"
		err := child(ctx, id, "clusters", FormClustersName, FormClustersInput{Ref: ref}, &res)
		return res, err
	}, workflow.RegisterOptions{Name: "parent"})
	env.ExecuteWorkflow("parent", smallClusters(t, 14, 4))
	var res FormClustersResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if len(res.Changes) != 14+4 {
		t.Errorf("%d node changes reported for the parent's undo, want 18", len(res.Changes))
	}
}

// A cluster formed by a child that fails undoes itself; the others, formed,
// are undone by the parent.
func TestManyClustersUndoneWhenOneFails(t *testing.T) {
	failing := clientN(5) // in cluster client1
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		failsOn(env, rec, activities.StartCmanName, failing, activities.ClusterInput{}, activities.Change{Changed: true})
	})
	env.ExecuteWorkflow(FormClustersName, FormClustersInput{Ref: smallClusters(t, 14, 4)})
	if err := env.GetWorkflowError(); err == nil {
		t.Fatal("the run succeeded with a failed join")
	}
	calls := rec.list()
	for _, host := range []string{"storage0a.example.org", clientN(0), clientN(4), clientN(13)} {
		if !slices.Contains(calls, host+" StopCman") {
			t.Errorf("%s: cman was not stopped by the undo", host)
		}
	}
}

// batches notes the ClientBatch children as they start and end.
type batches struct {
	running, most int
	started       []string
	// afterFailure are the batches started after one had failed.
	afterFailure []string
	failed       bool
}

func seeBatches(env *testsuite.TestWorkflowEnvironment) *batches {
	b := &batches{}
	env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, _ converter.EncodedValues) {
		if info.WorkflowType.Name == ClientBatchName {
			b.running++
			b.most = max(b.most, b.running)
			b.started = append(b.started, info.WorkflowExecution.ID)
			if b.failed {
				b.afterFailure = append(b.afterFailure, info.WorkflowExecution.ID)
			}
		}
	})
	env.SetOnChildWorkflowCompletedListener(func(info *workflow.Info, _ converter.EncodedValue, err error) {
		if info.WorkflowType.Name == ClientBatchName {
			b.running--
			b.failed = b.failed || err != nil
		}
	})
	return b
}

// Past batchWindow batches, the data path runs that many at once, and
// every client still comes up.
func TestClientBatchesRunInAWindow(t *testing.T) {
	n := clientBatch*batchWindow + 5 // one batch past the window
	env, rec := newEnv(t, nil)
	b := seeBatches(env)
	env.ExecuteWorkflow(StorageLayerName, StorageLayerInput{Ref: manyClients(t, n)})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if b.most != batchWindow || len(b.started) != batchWindow+1 {
		t.Errorf("%d batches started, at most %d at once; want %d, %d at once", len(b.started), b.most, batchWindow+1, batchWindow)
	}
	if calls := rec.list(); !slices.Contains(calls, clientN(n-1)+" ConfigureMultipath") {
		t.Errorf("the last batch's last client never multipathed")
	}
}

// Once a batch has failed, the data path starts no other: it undoes those
// that ran instead.
func TestNoBatchStartsAfterOneFailed(t *testing.T) {
	n := clientBatch * (batchWindow + 3)
	failing := clientN(0)
	env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		failsOn(env, rec, activities.GNBDImportName, failing, activities.ImportInput{}, activities.Change{Changed: true})
		// The other batches' maps take a while to appear, so that the
		// failed batch ends while they still run.
		env.OnActivity(activities.MultipathMapsName, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.MultipathInput) (activities.MultipathResult, error) {
			rec.note(ctx, activities.MultipathMapsName)
			info := activity.GetInfo(ctx)
			if info.Attempt < 4 && !slices.ContainsFunc(rangeN(clientBatch), func(j int) bool { return info.TaskQueue == activities.HostQueue(clientN(j)) }) {
				return activities.MultipathResult{}, temporal.NewApplicationError("no maps yet", activities.ErrNotReady)
			}
			return activities.MultipathResult{}, nil
		})
	})
	b := seeBatches(env)
	env.ExecuteWorkflow(StorageLayerName, StorageLayerInput{Ref: manyClients(t, n)})
	if env.GetWorkflowError() == nil {
		t.Fatal("the data path succeeded with a failed batch")
	}
	if !b.failed || len(b.afterFailure) > 0 {
		t.Errorf("batches started after one failed: %q", b.afterFailure)
	}
	if len(b.started) == batchWindow+3 {
		t.Errorf("every batch started (%d) though the first failed", len(b.started))
	}
}

// rangeN is 0 to n-1.
func rangeN(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// failsOn makes the activity name fail on host, for good (a bad config),
// and answer ok everywhere else, noting every call.
func failsOn[In, Out any](env *testsuite.TestWorkflowEnvironment, rec *recorder, name, host string, _ In, ok Out) {
	env.OnActivity(name, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ In) (Out, error) {
		rec.note(ctx, name)
		if activity.GetInfo(ctx).TaskQueue == activities.HostQueue(host) {
			var none Out
			return none, temporal.NewNonRetryableApplicationError(name+" failed on "+host, activities.ErrBadConfig, nil)
		}
		return ok, nil
	})
}
