package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// FormClustersInput forms every cman cluster of a runbook, or those named.
// In the Web UI:
//
//	{"runbook": "scalable-storage"}
type FormClustersInput struct {
	activities.RunbookRef
	Clusters []string `json:"clusters,omitempty"`
}

// ErrRunFailed is a run that failed and was undone: the hosts are as it
// found them, and the message says what failed.
const ErrRunFailed = "RunFailedAndUndone"

// FormClustersResult lists each cluster as formed.
type FormClustersResult struct {
	Runbook  string          `json:"runbook"`
	Clusters []ClusterResult `json:"clusters"`
	// Changes are the undo records of every node brought in, for a parent
	// that must undo the whole run when a later step fails.
	Changes []NodeChange `json:"changes,omitempty"`
}

// ClusterResult is one formed cluster: its config version and members.
type ClusterResult struct {
	Name          string                  `json:"name"`
	ConfigVersion int                     `json:"config_version"`
	Nodes         []activities.NodeStatus `json:"nodes"`
}

// FormClusters forms the clusters of a runbook, all at once since they
// share no host: each is a ClusterBootstrap of its first node followed by a
// NodeJoin of each other node, one after another, as child workflows so
// that each keeps its own history. If any cluster fails, every node that
// was brought in is taken out again, in reverse, on every cluster: the run
// leaves the hosts as it found them.
func FormClusters(ctx workflow.Context, in FormClustersInput) (FormClustersResult, error) {
	loaded, err := loadRunbook(ctx, in.RunbookRef)
	if err != nil {
		return FormClustersResult{}, err
	}
	rb := loaded.Runbook
	res := FormClustersResult{Runbook: rb.Name}
	names := in.Clusters
	if len(names) == 0 {
		for _, c := range rb.Clusters {
			names = append(names, c.Name)
		}
	}
	for _, name := range names {
		if _, _, err := resolveCluster(rb, name); err != nil {
			return res, err
		}
	}

	res.Clusters = make([]ClusterResult, len(names))
	sagas := make([]saga, len(names))
	errs := make([]error, len(names))
	wg := workflow.NewWaitGroup(ctx)
	for i, name := range names {
		wg.Add(1)
		workflow.Go(ctx, func(ctx workflow.Context) {
			defer wg.Done()
			res.Clusters[i], errs[i] = formCluster(ctx, loaded, name, &sagas[i])
		})
	}
	wg.Wait(ctx)

	if err := errors.Join(errs...); err != nil {
		// Undo every cluster, failed or not, each in reverse and all at once.
		undoErrs := make([]error, len(names))
		wg := workflow.NewWaitGroup(ctx)
		for i := range sagas {
			wg.Add(1)
			workflow.Go(ctx, func(ctx workflow.Context) {
				defer wg.Done()
				undoErrs[i] = sagas[i].compensate(ctx, nil)
			})
		}
		wg.Wait(ctx)
		if undoErr := errors.Join(undoErrs...); undoErr != nil {
			return res, temporal.NewNonRetryableApplicationError(fmt.Sprintf("%v; and %v", err, undoErr), ErrUndoFailed, err)
		}
		return res, runFailure(err)
	}
	for i := range sagas {
		for _, c := range sagas[i].undos {
			res.Changes = append(res.Changes, *c)
		}
	}
	return res, nil
}

// formCluster brings up one cluster node by node. The undo of each finished
// child goes on s; a child that fails has undone its own part already.
func formCluster(ctx workflow.Context, loaded activities.LoadedRunbook, name string, s *saga) (ClusterResult, error) {
	res := ClusterResult{Name: name}
	ref := loaded.Ref
	_, members, err := resolveCluster(loaded.Runbook, name)
	if err != nil {
		return res, err
	}
	id := workflow.GetInfo(ctx).WorkflowExecution.ID + "/" + name
	bctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:    id + "/bootstrap",
		StaticSummary: "bootstrap cluster " + name,
	})
	var boot ClusterBootstrapResult
	if err := workflow.ExecuteChildWorkflow(bctx, ClusterBootstrapName, ClusterBootstrapInput{RunbookRef: ref, Cluster: name}).Get(ctx, &boot); err != nil {
		return res, fmt.Errorf("cluster %s: bootstrap: %w", name, err)
	}
	s.add(&boot.Change)
	res.ConfigVersion, res.Nodes = boot.ConfigVersion, boot.Nodes

	for _, m := range members[1:] {
		jctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:    id + "/join-" + m.host,
			StaticSummary: "join " + m.host + " to cluster " + name,
		})
		var join NodeJoinResult
		err := workflow.ExecuteChildWorkflow(jctx, NodeJoinName, NodeJoinInput{RunbookRef: ref, Cluster: name, Node: m.host, Via: members[0].host}).Get(ctx, &join)
		if err != nil {
			return res, fmt.Errorf("cluster %s: join %s: %w", name, m.host, err)
		}
		s.add(&join.Change)
		res.ConfigVersion, res.Nodes = join.ConfigVersion, join.Nodes
	}
	return res, nil
}
