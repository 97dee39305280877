package main

import (
	"fmt"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// request is what the run flags say, before it becomes a workflow input.
type request struct {
	ref     activities.RunbookRef
	cluster string
	node    string
	via     string
}

// procedure maps a name people type to a workflow and its input.
type procedure struct {
	name     string
	workflow string
	help     string
	input    func(r request) (any, error)
}

var procedures = []procedure{
	{"form-clusters", workflows.FormClustersName, "form every cman cluster of the runbook (--cluster to pick some)", func(r request) (any, error) {
		in := workflows.FormClustersInput{RunbookRef: r.ref}
		if r.cluster != "" {
			in.Clusters = []string{r.cluster}
		}
		return in, nil
	}},
	{"cluster-bootstrap", workflows.ClusterBootstrapName, "start a cluster on its first node (--cluster)", func(r request) (any, error) {
		if r.cluster == "" {
			return nil, fmt.Errorf("cluster-bootstrap needs --cluster")
		}
		return workflows.ClusterBootstrapInput{RunbookRef: r.ref, Cluster: r.cluster}, nil
	}},
	{"node-join", workflows.NodeJoinName, "join a node to its running cluster (--cluster, --node, optional --via)", func(r request) (any, error) {
		if r.cluster == "" || r.node == "" {
			return nil, fmt.Errorf("node-join needs --cluster and --node")
		}
		return workflows.NodeJoinInput{RunbookRef: r.ref, Cluster: r.cluster, Node: r.node, Via: r.via}, nil
	}},
}

func findProcedure(name string) (procedure, error) {
	var names []string
	for _, p := range procedures {
		if p.name == name {
			return p, nil
		}
		names = append(names, p.name)
	}
	return procedure{}, fmt.Errorf("unknown procedure %q (have %v)", name, names)
}
