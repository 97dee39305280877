package workflows

import (
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// FormClustersInput forms every cman cluster of a runbook, or those named.
// In the Web UI:
//
//	{"runbook": "scalable-storage"}
type FormClustersInput struct {
	runbooks.Ref
	decoding
	Planning
	Clusters []string `json:"clusters,omitempty"`
}

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
	// Members counts the runbook's nodes of a cluster reported without
	// their status, as a run of many clusters reports each (its
	// FormClusters child has them).
	Members int `json:"members,omitempty"`
}

// FormClusters forms the clusters of a runbook, all at once since they
// share no host: each is a ClusterBootstrap of its first node followed by a
// NodeJoin of each other node, one after another, as child workflows so
// that each keeps its own history. If any cluster fails, every node that
// was brought in is taken out again, in reverse, on every cluster: the run
// leaves the hosts as it found them.
func FormClusters(ctx workflow.Context, in FormClustersInput) (FormClustersResult, error) {
	loaded, err := loadRunbook(ctx, in.Ref, in.decoding)
	if err != nil {
		return FormClustersResult{}, err
	}
	rb := loaded.Runbook
	res := FormClustersResult{Runbook: rb.Name}
	names := in.Clusters
	if len(names) == 0 {
		names = rb.ClusterNames()
	}
	for _, name := range names {
		if _, _, err := resolveCluster(rb, name); err != nil {
			return res, err
		}
	}

	children := len(names) > clustersInline && since(ctx, clusterChildren)
	keep := children && keepsBatches(ctx, "/clusters")
	var undos []undoLog
	res.Clusters, undos, err = formAll(ctx, loaded, names, children, keep)
	if err != nil {
		return res, undoClusters(ctx, undos, err)
	}
	for i := range undos {
		res.Changes = append(res.Changes, undos[i].nodes()...)
	}
	return res, nil
}

// formAll forms the clusters names all at once, each one's undo in a log
// of its own: inline, or each in a FormClusters child of its own, whose
// node changes the log keeps as a batch, run by an Undo child, if keep.
// Kept clusters are reported without their members' status, which their
// children report: a thousand nodes' status would be a hundred kilobytes.
func formAll(ctx workflow.Context, loaded runbooks.Loaded, names []string, children, keep bool) ([]ClusterResult, []undoLog, error) {
	clusters := make([]ClusterResult, len(names))
	undos := make([]undoLog, len(names))
	form := formCluster
	if children {
		form = func(ctx workflow.Context, loaded runbooks.Loaded, name string, u *undoLog) (ClusterResult, error) {
			return formClusterChild(ctx, loaded, name, u, keep)
		}
	}
	err := joined(each(ctx, len(names), func(ctx workflow.Context, i int) error {
		var err error
		clusters[i], err = form(ctx, loaded, names[i], &undos[i])
		return err
	}))
	return clusters, undos, err
}

// undoClusters undoes every cluster, failed or not, each in reverse and all
// at once, and returns the failure that caused it.
func undoClusters(ctx workflow.Context, undos []undoLog, cause error) error {
	undoErr := joined(each(ctx, len(undos), func(ctx workflow.Context, i int) error { return undos[i].run(ctx, nil) }))
	if undoErr != nil {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("%v; and %v", cause, undoErr), ErrUndoFailed, cause)
	}
	return runFailure(cause)
}

// clustersInline is how many clusters FormClusters forms in its own
// history, each node joining in a child of it. Past that, each cluster is
// formed by a FormClusters child of its own (formClusterChild): a
// thousand clients in clusters of sixteen are a thousand joins, and one
// history of them all would hold thousands of events.
const clustersInline = 4

// formClusterChild forms one cluster in a FormClusters child of its own,
// which undoes itself if it fails; its node changes join the undo log u,
// for the parent to undo if another cluster fails: as a batch if keep.
func formClusterChild(ctx workflow.Context, loaded runbooks.Loaded, name string, u *undoLog, keep bool) (ClusterResult, error) {
	id := workflow.GetInfo(ctx).WorkflowExecution.ID + "/" + name
	ref := loaded.Ref
	if keep {
		// The child, and its bootstrap and joins, load only the cluster's
		// part of the runbook.
		members, ok := loaded.ClusterMembers(name)
		if !ok {
			return ClusterResult{Name: name}, badRequest("runbook %q has no cluster %q (it has %v)", loaded.Runbook.Name, name, loaded.ClusterNames())
		}
		ref.Focus = members
	}
	var one FormClustersResult
	err := child(ctx, id, "form cluster "+name, FormClustersName, FormClustersInput{Ref: ref, Clusters: []string{name}}, &one)
	if err != nil {
		return ClusterResult{Name: name}, fmt.Errorf("cluster %s: %w", name, err)
	}
	if len(one.Clusters) != 1 {
		return ClusterResult{Name: name}, fmt.Errorf("cluster %s: its FormClusters child reported %d clusters", name, len(one.Clusters))
	}
	if keep {
		u.pushNodeBatch(id, one.Changes)
		formed := one.Clusters[0]
		formed.Members, formed.Nodes = len(ref.Focus), nil
		return formed, nil
	}
	u.pushNodes(one.Changes)
	return one.Clusters[0], nil
}

// formCluster brings up one cluster node by node. The undo of each finished
// child goes on u; a child that fails has undone its own part already.
func formCluster(ctx workflow.Context, loaded runbooks.Loaded, name string, u *undoLog) (ClusterResult, error) {
	res := ClusterResult{Name: name}
	ref := loaded.Ref
	_, members, err := resolveCluster(loaded.Runbook, name)
	if err != nil {
		return res, err
	}
	id := workflow.GetInfo(ctx).WorkflowExecution.ID + "/" + name
	var boot ClusterBootstrapResult
	err = child(ctx, id+"/bootstrap", "bootstrap cluster "+name, ClusterBootstrapName, ClusterBootstrapInput{Ref: ref, Cluster: name}, &boot)
	if err != nil {
		return res, fmt.Errorf("cluster %s: bootstrap: %w", name, err)
	}
	u.pushNode(&boot.Change)
	res.ConfigVersion, res.Nodes = boot.ConfigVersion, boot.Nodes

	for _, m := range members[1:] {
		var join NodeJoinResult
		err := child(ctx, id+"/join-"+m.host, "join "+m.host+" to cluster "+name, NodeJoinName,
			NodeJoinInput{Ref: ref, Cluster: name, Node: m.host, Via: members[0].host}, &join)
		if err != nil {
			return res, fmt.Errorf("cluster %s: join %s: %w", name, m.host, err)
		}
		u.pushNode(&join.Change)
		res.ConfigVersion, res.Nodes = join.ConfigVersion, join.Nodes
	}
	return res, nil
}

// child runs a procedure as a child workflow under the given ID, which
// makes a re-run of the parent find its children, and decodes its result.
func child(ctx workflow.Context, id, summary, kind string, in, out any) error {
	if planning(ctx) != nil {
		return inlineChild(ctx, kind, in, out)
	}
	ctx = workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: id, StaticSummary: summary})
	return workflow.ExecuteChildWorkflow(ctx, kind, in).Get(ctx, out)
}
