package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// ClusterBootstrapInput starts a cluster on its first node (the first node
// the runbook lists for it). In the Web UI:
//
//	{"runbook": "scalable-storage", "cluster": "storage0"}
type ClusterBootstrapInput struct {
	activities.RunbookRef
	Cluster string `json:"cluster"`
}

// ClusterBootstrapResult is the new cluster as its first node sees it, and
// the record that undoes it.
type ClusterBootstrapResult struct {
	Cluster       string                  `json:"cluster"`
	ConfigVersion int                     `json:"config_version"`
	Nodes         []activities.NodeStatus `json:"nodes"`
	Change        NodeChange              `json:"change"`
}

// ClusterBootstrap is part #3's first node: install cman, `ccs_tool
// create`, write cluster.conf version 1 listing the node, start cman and
// check that the node is a member of a quorate cluster. On failure it undoes
// what it did; run again on a formed cluster it changes nothing.
func ClusterBootstrap(ctx workflow.Context, in ClusterBootstrapInput) (ClusterBootstrapResult, error) {
	res := ClusterBootstrapResult{Cluster: in.Cluster}
	loaded, err := loadRunbook(ctx, in.RunbookRef)
	if err != nil {
		return res, err
	}
	cluster, members, err := resolveCluster(loaded.Runbook, in.Cluster)
	if err != nil {
		return res, err
	}
	first := members[0]
	res.Change, err = planChange(ctx, cluster, first.host, first.node, "")
	if err != nil {
		return res, err
	}
	var s saga
	s.add(&res.Change)

	clusterIn := activities.ClusterInput{Cluster: cluster.Name, TwoNode: cluster.TwoNode}
	nodeIn := activities.NodeInput{Cluster: cluster.Name, TwoNode: cluster.TwoNode, Node: first.node}
	steps := []step{
		{"ccs_tool create " + cluster.Name, activities.CreateClusterConfName, time.Minute, clusterIn},
		{"write cluster.conf version 1", activities.WriteBootstrapName, time.Minute, nodeIn},
		{"/etc/init.d/cman start", activities.StartCmanName, 5 * time.Minute, clusterIn},
	}
	if err := installPackages(ctx, &res.Change); err != nil {
		return res, s.compensate(ctx, err)
	}
	if err := runSteps(ctx, first.host, steps); err != nil {
		return res, s.compensate(ctx, err)
	}
	var m activities.MembershipResult
	err = workflow.ExecuteActivity(waitOnHost(ctx, first.host, "cman_tool nodes: wait for membership"), activities.MembershipName,
		activities.MembershipInput{Cluster: cluster.Name, Expect: []string{first.host}}).Get(ctx, &m)
	if err != nil {
		return res, s.compensate(ctx, err)
	}
	res.ConfigVersion, res.Nodes = m.Status.ConfigVersion, m.Nodes
	return res, nil
}
