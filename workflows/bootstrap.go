package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// ClusterBootstrapInput starts a cluster on its first node (the first node
// the runbook lists for it). In the Web UI:
//
//	{"runbook": "scalable-storage", "cluster": "storage0"}
type ClusterBootstrapInput struct {
	runbooks.Ref
	decoding
	Planning
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
	_, cluster, members, err := loadCluster(ctx, in.Ref, in.decoding, in.Cluster)
	if err != nil {
		return res, err
	}
	first := members[0]
	var p proc
	if res.Change, err = planChange(ctx, &p, cluster, first, ""); err != nil {
		return res, err
	}
	m, err := bringIn(ctx, &p, &res.Change, nil,
		[]Step{ccsCreate(first.host, cluster), writeBootstrapConf(first, cluster), startCman(first.host, cluster)},
		membership(first.host, cluster.Name, []string{first.host}))
	if err != nil {
		return res, p.fail(ctx, err)
	}
	res.ConfigVersion, res.Nodes = m.Status.ConfigVersion, m.Nodes
	return res, nil
}
