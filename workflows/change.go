package workflows

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// cmanPackages is what a cluster node needs; yum pulls in openais.
var cmanPackages = []string{"cman"}

// NodeChange is what bringing one node into a cluster may change, worked
// out from a probe taken before anything changed. It is the undo record of
// a bootstrap or a join: undoing it stops cman where the run started it,
// puts back the node's cluster.conf, drops the node from the cluster's
// config (with a further version) and removes the packages the run
// installed. Every part is idempotent, so the undo is right whether the
// procedure got to the step or not.
type NodeChange struct {
	Cluster string              `json:"cluster"`
	Host    string              `json:"host"`
	Node    activities.ConfNode `json:"node"`
	// Via is the member the node was added through; empty for the
	// bootstrap node, which the cluster's config is created on.
	Via         string `json:"via,omitempty"`
	TwoNode     bool   `json:"two_node,omitempty"`
	AddedToConf bool   `json:"added_to_conf,omitempty"`
	// Packages were not installed before: the ones the procedure asks
	// for, and the dependencies yum pulled in with them.
	Packages    []string             `json:"packages,omitempty"`
	PriorConf   activities.FileState `json:"prior_conf"`
	StartedCman bool                 `json:"started_cman,omitempty"`
}

// planChange reads what the host (and the member it joins through) hold
// now, and returns the change the procedure is about to make.
func planChange(ctx workflow.Context, cluster runbooks.Cluster, host string, node activities.ConfNode, via string) (NodeChange, error) {
	c := NodeChange{Cluster: cluster.Name, TwoNode: cluster.TwoNode, Host: host, Node: node, Via: via}
	var probe activities.ProbeResult
	err := workflow.ExecuteActivity(onHost(ctx, host, time.Minute, "probe"), activities.ProbeName,
		activities.ProbeInput{Packages: cmanPackages}).Get(ctx, &probe)
	if err != nil {
		return c, fmt.Errorf("probe %s: %w", host, err)
	}
	for _, p := range cmanPackages {
		if !slices.Contains(probe.Installed, p) {
			c.Packages = append(c.Packages, p)
		}
	}
	c.PriorConf = probe.ClusterConf
	c.StartedCman = !probe.CmanRunning
	if via == "" {
		return c, nil
	}
	var member activities.ProbeResult
	err = workflow.ExecuteActivity(onHost(ctx, via, time.Minute, "probe"), activities.ProbeName,
		activities.ProbeInput{}).Get(ctx, &member)
	if err != nil {
		return c, fmt.Errorf("probe %s: %w", via, err)
	}
	c.AddedToConf = member.Conf == nil || !slices.ContainsFunc(member.Conf.Nodes, func(n activities.ConfNode) bool { return n.Name == host })
	return c, nil
}

// undoChange reverses a NodeChange in the safe order: the node leaves the
// running cluster before its config is taken away. It runs every part even
// when one fails, and returns all their errors.
func undoChange(ctx workflow.Context, c NodeChange) error {
	var errs []error
	step := func(host, summary, activity string, in any) {
		if err := workflow.ExecuteActivity(onHost(ctx, host, 5*time.Minute, "undo: "+summary), activity, in).Get(ctx, nil); err != nil {
			errs = append(errs, fmt.Errorf("undo %s on %s: %w", summary, host, err))
		}
	}
	if c.StartedCman {
		step(c.Host, "stop cman", activities.StopCmanName, activities.ClusterInput{Cluster: c.Cluster})
	}
	if c.AddedToConf && c.Via != "" {
		step(c.Via, "remove "+c.Host+" from cluster.conf", activities.RemoveNodeName,
			activities.NodeInput{Cluster: c.Cluster, TwoNode: c.TwoNode, Node: c.Node})
	}
	step(c.Host, "restore cluster.conf", activities.RestoreFileName, activities.RestoreFileInput{State: c.PriorConf})
	if len(c.Packages) > 0 {
		step(c.Host, "remove packages", activities.RemovePackagesName, activities.PackagesInput{Packages: c.Packages})
	}
	return errors.Join(errs...)
}

// saga collects the undos of a run's completed changes and runs them in
// reverse when a later step fails.
type saga struct {
	undos []*NodeChange
}

// add takes a pointer so that a procedure can still add to the record
// (packages a step pulled in) after pushing it.
func (s *saga) add(c *NodeChange) { s.undos = append(s.undos, c) }

// compensate undoes everything on a disconnected context, so that a
// cancelled run still cleans up, and returns the cause as undoFailed does.
func (s *saga) compensate(ctx workflow.Context, cause error) error {
	ctx, cancel := workflow.NewDisconnectedContext(ctx)
	defer cancel()
	var errs []error
	for i := len(s.undos) - 1; i >= 0; i-- {
		if err := undoChange(ctx, *s.undos[i]); err != nil {
			errs = append(errs, err)
		}
	}
	return undoFailed(cause, errs)
}

// ErrUndoFailed is a run whose undo did not complete: some host is left
// changed, and the message says which.
const ErrUndoFailed = "UndoFailed"

// installPackages installs the cman packages on the changed host and adds
// whatever yum pulled in to the change record, so the undo removes it too.
func installPackages(ctx workflow.Context, c *NodeChange) error {
	var res activities.PackagesResult
	err := workflow.ExecuteActivity(onHost(ctx, c.Host, 10*time.Minute, "yum -y install "+strings.Join(cmanPackages, " ")),
		activities.EnsurePackagesName, activities.PackagesInput{Packages: cmanPackages}).Get(ctx, &res)
	for _, p := range res.Changed {
		if !slices.Contains(c.Packages, p) {
			c.Packages = append(c.Packages, p)
		}
	}
	return err
}
