package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// NodeJoinInput adds one node of the runbook to its running cluster. Via
// names the running member that adds it (default: the first other node the
// runbook lists, so concurrent joins to one cluster meet on one member and
// are serialized there). In the Web UI:
//
//	{"runbook": "scalable-storage", "cluster": "storage0", "node": "storage0b"}
type NodeJoinInput struct {
	runbooks.Ref
	decoding
	Planning
	Cluster string `json:"cluster"`
	Node    string `json:"node"`
	Via     string `json:"via,omitempty"`
}

// NodeJoinResult is the cluster after the join, and the record that undoes it.
type NodeJoinResult struct {
	Cluster       string                  `json:"cluster"`
	Node          string                  `json:"node"`
	ConfigVersion int                     `json:"config_version"`
	Nodes         []activities.NodeStatus `json:"nodes"`
	Change        NodeChange              `json:"change"`
}

// NodeJoin is part #3's join: on the running member, list the node in
// cluster.conf with config_version raised by one and push it with `ccs_tool
// update`; on the new node install cman, `ccs_tool create` and start cman,
// which receives the pushed file; then check that every node is a member.
//
// If a step fails after the member's file changed, the undo removes the
// node again with a further increment (a version never goes down) and stops
// cman on the new node.
func NodeJoin(ctx workflow.Context, in NodeJoinInput) (NodeJoinResult, error) {
	res := NodeJoinResult{Cluster: in.Cluster, Node: in.Node}
	rb, cluster, members, err := loadCluster(ctx, in.Ref, in.decoding, in.Cluster)
	if err != nil {
		return res, err
	}
	node, ok := find(members, in.Node)
	if !ok {
		return res, badRequest("cluster %q has no node %q in runbook %q", in.Cluster, in.Node, rb.Name)
	}
	res.Node = node.host
	via, err := pickVia(members, node, in.Via)
	if err != nil {
		return res, err
	}
	var p proc
	if res.Change, err = planChange(ctx, &p, cluster, node, via.host); err != nil {
		return res, err
	}
	add := addNode(via.host, node, cluster)
	m, err := bringIn(ctx, &p, &res.Change, &add,
		[]Step{ccsCreate(node.host, cluster), startCman(node.host, cluster)},
		membership(node.host, cluster.Name, []string{via.host, node.host}))
	if err != nil {
		return res, p.fail(ctx, err)
	}
	res.ConfigVersion, res.Nodes = m.Status.ConfigVersion, m.Nodes
	return res, nil
}

// pickVia chooses the member that adds the node: the one asked for, or the
// first other node of the cluster in runbook order.
func pickVia(members []member, node member, asked string) (member, error) {
	if asked != "" {
		via, ok := find(members, asked)
		if !ok || via.host == node.host {
			return member{}, badRequest("via %q is not another node of the cluster", asked)
		}
		return via, nil
	}
	for _, m := range members {
		if m.host != node.host {
			return m, nil
		}
	}
	return member{}, badRequest("cluster has no node other than %s to join through", node.host)
}
