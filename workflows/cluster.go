package workflows

import (
	"slices"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// The steps of part #3, the cman clusters, declared once: bootstrap, join
// and Startup call these.

// cmanPackages is what a cluster node needs; yum pulls in openais.
var cmanPackages = []string{"cman"}

// member is one node of a cluster resolved against the runbook's hosts.
type member struct {
	host string // FQDN, which names the host's task queue and cman's node
	node activities.ConfNode
}

// resolveCluster finds a cluster and its nodes in a loaded runbook. A name
// the runbook does not have is a bad start request: non-retryable, and
// reported before any host is touched.
func resolveCluster(rb *runbooks.Runbook, name string) (runbooks.Cluster, []member, error) {
	c, ok := rb.Cluster(name)
	if !ok {
		return c, nil, badRequest("runbook %q has no cluster %q (it has %v)", rb.Name, name, rb.ClusterNames())
	}
	var members []member
	for _, m := range rb.Members(c) {
		members = append(members, member{host: m.FQDN, node: activities.ConfNode{Name: m.FQDN, NodeID: m.NodeID, Votes: m.Votes}})
	}
	return c, members, nil
}

// loadCluster loads the run's runbook and resolves one of its clusters.
func loadCluster(ctx workflow.Context, ref runbooks.Ref, req decoding, name string) (*runbooks.Runbook, runbooks.Cluster, []member, error) {
	loaded, err := loadRunbook(ctx, ref, req)
	if err != nil {
		return nil, runbooks.Cluster{}, nil, err
	}
	c, members, err := resolveCluster(loaded.Runbook, name)
	return loaded.Runbook, c, members, err
}

// find resolves a node by FQDN (with or without the root's dot) or short
// name.
func find(members []member, host string) (member, bool) {
	for _, m := range members {
		short, _, _ := strings.Cut(m.host, ".")
		if m.host == host || m.host == host+"." || short == host {
			return m, true
		}
	}
	return member{}, false
}

func probeCman(host string, packages []string) Step {
	return Step{Host: host, Summary: "probe", Activity: activities.ProbeName, Input: activities.ProbeInput{Packages: packages}, Timeout: Quick}
}

func installCman(host string) Step {
	return Step{Host: host, Summary: "yum -y install " + strings.Join(cmanPackages, " "), Activity: activities.EnsurePackagesName,
		Input: activities.PackagesInput{Packages: cmanPackages}, Timeout: Install}
}

func ccsCreate(host string, c runbooks.Cluster) Step {
	return Step{Host: host, Summary: "ccs_tool create " + c.Name, Activity: activities.CreateClusterConfName,
		Input: activities.ClusterInput{Cluster: c.Name, TwoNode: c.TwoNode}, Timeout: Quick}
}

func writeBootstrapConf(m member, c runbooks.Cluster) Step {
	return Step{Host: m.host, Summary: "write cluster.conf version 1", Activity: activities.WriteBootstrapName,
		Input: activities.NodeInput{Cluster: c.Name, TwoNode: c.TwoNode, Node: m.node}, Timeout: Quick}
}

// addNode lists a node in the cluster.conf of a running member, one
// version up, and pushes it with `ccs_tool update`.
func addNode(via string, m member, c runbooks.Cluster) Step {
	return Step{Host: via, Summary: "add " + m.host + " to cluster.conf, ccs_tool update", Activity: activities.AddNodeName,
		Input: activities.NodeInput{Cluster: c.Name, TwoNode: c.TwoNode, Node: m.node}, Timeout: Command}
}

func startCman(host string, c runbooks.Cluster) Step {
	return Step{Host: host, Summary: "/etc/init.d/cman start", Activity: activities.StartCmanName,
		Input: activities.ClusterInput{Cluster: c.Name, TwoNode: c.TwoNode}, Timeout: Slow}
}

func stopCman(host string) Step {
	return Step{Host: host, Summary: "/etc/init.d/cman stop", Activity: activities.StopCmanName, Input: activities.ClusterInput{}, Timeout: Daemon}
}

// membership waits until cman on host lists every expected node as a
// member of a quorate cluster.
func membership(host, cluster string, expect []string) Step {
	return Step{Host: host, Summary: "cman_tool nodes: wait for membership", Activity: activities.MembershipName,
		Input: activities.MembershipInput{Cluster: cluster, Expect: expect}, Timeout: UntilSettled}
}

// NodeChange is what bringing one node into a cluster may change, worked
// out from a probe taken before anything changed. It is the undo record of
// a bootstrap or a join, one kind of entry in an undo log: undoing it
// stops cman where the run started it, drops the node from the cluster's
// config (with a further version), puts back the node's cluster.conf and
// removes the packages the run installed, in that order. Every part is
// idempotent, so the undo is right whether the procedure got to the step
// or not.
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

// undoSteps reverses the change in the safe order: the node leaves the
// running cluster before its config is taken away.
func (c *NodeChange) undoSteps() []Step {
	undos := c.undos()
	steps := make([]Step, len(undos))
	for i, u := range undos {
		steps[i] = u.step()
	}
	return steps
}

// undos are the change's undo steps in the order they run.
func (c *NodeChange) undos() []UndoStep {
	var undos []UndoStep
	if c.StartedCman {
		undos = append(undos, newUndo(c.Host, "stop cman", activities.StopCmanName, activities.ClusterInput{Cluster: c.Cluster}))
	}
	if c.AddedToConf && c.Via != "" {
		undos = append(undos, newUndo(c.Via, "remove "+c.Host+" from cluster.conf", activities.RemoveNodeName,
			activities.NodeInput{Cluster: c.Cluster, TwoNode: c.TwoNode, Node: c.Node}))
	}
	undos = append(undos, newUndo(c.Host, "restore cluster.conf", activities.RestoreFileName, activities.RestoreFileInput{State: c.PriorConf}))
	if len(c.Packages) > 0 {
		undos = append(undos, newUndo(c.Host, "remove packages", activities.RemovePackagesName, activities.PackagesInput{Packages: c.Packages}))
	}
	return undos
}

// noteInstalled adds what yum installed to the record, so the undo removes
// it too.
func (c *NodeChange) noteInstalled(res activities.PackagesResult) {
	for _, p := range res.Changed {
		if !slices.Contains(c.Packages, p) {
			c.Packages = append(c.Packages, p)
		}
	}
}
