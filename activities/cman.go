package activities

import (
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tetsuzuki/tetsuzuki/names"
)

const cmanInit = "/etc/init.d/cman"

func checkCluster(name string) error {
	if err := names.Cluster(name); err != nil {
		return badInput("cluster name", err)
	}
	return nil
}

// cmanRunning asks the init script, which is what an operator would ask.
// A host without cman installed has no init script and runs no cman.
func (h *Host) cmanRunning(ctx context.Context) (bool, error) {
	_, err := h.run(ctx, time.Minute, cmanInit, "status")
	var cerr *CommandError
	if errors.As(err, &cerr) {
		return false, nil
	}
	return err == nil, err
}

// readConf reads and parses this host's cluster.conf; ok is false when there
// is none.
func (h *Host) readConf() (conf ClusterConf, state FileState, ok bool, err error) {
	state, err = h.readState(ClusterConfPath)
	if err != nil || !state.Exists {
		return ClusterConf{}, state, false, err
	}
	conf, err = ParseClusterConf(state.Content)
	if err != nil {
		return ClusterConf{}, state, false, permanent(ErrBadConfig, "%s: %v", h.FQDN, err)
	}
	return conf, state, true, nil
}

// ClusterInput names a cluster, for the steps that need no more.
type ClusterInput struct {
	Cluster string `json:"cluster"`
	TwoNode bool   `json:"two_node,omitempty"`
}

// CreateClusterConf runs `ccs_tool create` unless the host already has a
// cluster.conf for this cluster. A file for another cluster is a permanent
// error: a node runs one cman, and taking it away from its cluster is a
// decision for a person, not a retry.
func (h *Host) CreateClusterConf(ctx context.Context, in ClusterInput) (Change, error) {
	if err := checkCluster(in.Cluster); err != nil {
		return Change{}, err
	}
	conf, _, ok, err := h.readConf()
	if err != nil {
		return Change{}, err
	}
	if ok {
		if conf.Name != in.Cluster {
			return Change{}, permanent(ErrClusterMismatch, "%s already belongs to cluster %q, not %q", h.FQDN, conf.Name, in.Cluster)
		}
		return Change{}, nil
	}
	// Never `create -2`: cman refuses two_node on a config that does not
	// list exactly two nodes, so the setting comes with the second node.
	return h.act(ctx, time.Minute, "ccs_tool", "create", in.Cluster)
}

// NodeInput names a cluster and one of its nodes as cluster.conf lists it.
type NodeInput struct {
	Cluster string   `json:"cluster"`
	TwoNode bool     `json:"two_node,omitempty"`
	Node    ConfNode `json:"node"`
}

// ConfResult is the config version after a change, and whether this call
// made one.
type ConfResult struct {
	Version int  `json:"config_version"`
	Changed bool `json:"changed"`
}

// WriteBootstrapConf makes the first node's cluster.conf: version 1 listing
// only this node. A file that already lists the node is left as it is, which
// also keeps a formed cluster's later versions.
func (h *Host) WriteBootstrapConf(ctx context.Context, in NodeInput) (ConfResult, error) {
	if err := checkNode(in); err != nil {
		return ConfResult{}, err
	}
	conf, _, ok, err := h.readConf()
	if err != nil {
		return ConfResult{}, err
	}
	if !ok {
		return ConfResult{}, transient(ErrNotReady, "%s has no %s yet", h.FQDN, ClusterConfPath)
	}
	if conf.Name != in.Cluster {
		return ConfResult{}, permanent(ErrClusterMismatch, "%s already belongs to cluster %q, not %q", h.FQDN, conf.Name, in.Cluster)
	}
	if _, found := conf.Node(in.Node.Name); found {
		return ConfResult{Version: conf.Version}, nil
	}
	if len(conf.Nodes) > 0 {
		return ConfResult{}, permanent(ErrClusterMismatch, "%s: cluster.conf of %q already lists other nodes: join %s to it instead of bootstrapping", h.FQDN, in.Cluster, in.Node.Name)
	}
	conf.Version = max(conf.Version, 1)
	conf.Nodes = []ConfNode{in.Node}
	setTwoNode(&conf, in.TwoNode)
	if err := h.writeFile(ClusterConfPath, []byte(conf.Render()), 0o644); err != nil {
		return ConfResult{}, err
	}
	return ConfResult{Version: conf.Version, Changed: true}, nil
}

func checkNode(in NodeInput) error {
	if err := checkCluster(in.Cluster); err != nil {
		return err
	}
	if err := names.FQDN(in.Node.Name); err != nil {
		return badInput("node name", err)
	}
	if err := names.NodeID(in.Node.NodeID); err != nil {
		return badInput("node "+in.Node.Name+": nodeid", err)
	}
	if err := names.Votes(in.Node.Votes); err != nil {
		return badInput("node "+in.Node.Name+": votes", err)
	}
	return nil
}

// AddNode runs on a running member and adds a node to the cluster: it lists
// the node in cluster.conf with config_version raised by exactly one and
// pushes the file to the cluster with `ccs_tool update`.
//
// Changes to one cluster's membership are serialized twice over. On the
// member, a host-wide lock makes read-edit-write-push one critical section,
// so two joins through the same member land as two versions. Across
// members, ccs_tool refuses a version that is not higher than the running
// one, which makes the push a compare-and-swap: the loser gets a retryable
// VersionConflict and its next attempt re-reads the file the winner pushed.
//
// It is idempotent: a node already in a pushed file is done; a file edited
// but not pushed (an agent killed between the two) is pushed, not edited
// again, so a retry never spends a second version on one change.
func (h *Host) AddNode(ctx context.Context, in NodeInput) (ConfResult, error) {
	if err := checkNode(in); err != nil {
		return ConfResult{}, err
	}
	return h.changeMembership(ctx, in.Cluster, false, func(conf *ClusterConf) bool {
		if _, found := conf.Node(in.Node.Name); found {
			return false
		}
		if slices.ContainsFunc(conf.Nodes, func(n ConfNode) bool { return n.NodeID == in.Node.NodeID }) {
			return false
		}
		conf.Nodes = append(conf.Nodes, in.Node)
		setTwoNode(conf, in.TwoNode)
		return true
	}, func(conf ClusterConf) error {
		n, found := conf.Node(in.Node.Name)
		switch {
		case !found:
			return permanent(ErrClusterMismatch, "cluster %q: nodeid %d is taken by another node, cannot add %s", in.Cluster, in.Node.NodeID, in.Node.Name)
		case n.NodeID != in.Node.NodeID:
			return permanent(ErrClusterMismatch, "cluster %q already lists %s with nodeid %d, not %d", in.Cluster, n.Name, n.NodeID, in.Node.NodeID)
		}
		return nil
	})
}

// RemoveNode is the undo of AddNode and the first half of a node leaving:
// it drops the node from cluster.conf with a further increment (a version
// never goes down: cman ignores a file whose version is not higher) and
// pushes it.
func (h *Host) RemoveNode(ctx context.Context, in NodeInput) (ConfResult, error) {
	if err := checkNode(in); err != nil {
		return ConfResult{}, err
	}
	return h.changeMembership(ctx, in.Cluster, true, func(conf *ClusterConf) bool {
		i := slices.IndexFunc(conf.Nodes, func(n ConfNode) bool { return n.Name == in.Node.Name })
		if i < 0 {
			return false
		}
		conf.Nodes = slices.Delete(conf.Nodes, i, i+1)
		setTwoNode(conf, in.TwoNode)
		return true
	}, func(ClusterConf) error { return nil })
}

// setTwoNode applies the runbook's two_node wish as cman allows it: only a
// config of exactly two nodes may carry two_node="1" expected_votes="1".
func setTwoNode(conf *ClusterConf, want bool) {
	conf.TwoNode = want && len(conf.Nodes) == 2
	conf.ExpectedVotes = 0
	if conf.TwoNode {
		conf.ExpectedVotes = 1
	}
}

// changeMembership is the critical section shared by AddNode and RemoveNode:
// edit applies the change to the file (false: nothing to change), check
// vets the file when there was nothing to change.
//
// ccsd takes a new config only from a quorate cluster. A cluster waiting
// for a node that was added but never came is not quorate, and the only
// way back is to remove that node: with regainQuorum, the member first
// sets the expected votes to the votes actually present (`cman_tool
// expected -e`), as an operator would, and cman recomputes them from the
// new config once it is in.
func (h *Host) changeMembership(ctx context.Context, cluster string, regainQuorum bool, edit func(*ClusterConf) bool, check func(ClusterConf) error) (ConfResult, error) {
	unlock, err := h.lock(ctx, "cluster-conf")
	if err != nil {
		return ConfResult{}, err
	}
	defer unlock()

	conf, _, ok, err := h.readConf()
	if err != nil {
		return ConfResult{}, err
	}
	if !ok || conf.Name != cluster {
		return ConfResult{}, permanent(ErrNotMember, "%s is not a member of cluster %q: no cluster.conf for it", h.FQDN, cluster)
	}
	status, err := h.status(ctx)
	if err != nil {
		return ConfResult{}, err
	}
	if status.ClusterName != cluster {
		return ConfResult{}, permanent(ErrNotMember, "%s runs cluster %q, not %q", h.FQDN, status.ClusterName, cluster)
	}
	if regainQuorum && !status.Quorate && status.TotalVotes > 0 {
		if _, err := h.run(ctx, time.Minute, "cman_tool", "expected", "-e", strconv.Itoa(status.TotalVotes)); err != nil {
			return ConfResult{}, err
		}
	}
	if conf.Version < status.ConfigVersion {
		// The cluster moved on and cman has not written our copy yet.
		return ConfResult{}, transient(ErrVersionConflict, "%s: cluster.conf version %d is behind the running version %d", h.FQDN, conf.Version, status.ConfigVersion)
	}
	pushed := false
	if conf.Version > status.ConfigVersion {
		// An earlier attempt edited the file and died before pushing it:
		// finish that change first, so it costs one version, not two.
		if _, err := h.push(ctx, conf, status.ConfigVersion); err != nil {
			return ConfResult{}, err
		}
		status.ConfigVersion, pushed = conf.Version, true
	}
	if !edit(&conf) {
		return ConfResult{Version: conf.Version, Changed: pushed}, check(conf)
	}
	if conf.Version == math.MaxInt {
		// Raised, it would wrap negative: a file cman refuses, and so
		// does the agent when it reads it back.
		return ConfResult{}, permanent(ErrBadConfig, "%s: cluster %q: config_version %d cannot be raised, it is the largest there is: lower it in every node's file while the cluster is stopped", h.FQDN, cluster, conf.Version)
	}
	conf.Version++
	if err := h.writeFile(ClusterConfPath, []byte(conf.Render()), 0o644); err != nil {
		return ConfResult{}, err
	}
	return h.push(ctx, conf, status.ConfigVersion)
}

func (h *Host) push(ctx context.Context, conf ClusterConf, running int) (ConfResult, error) {
	_, err := h.run(ctx, time.Minute, "ccs_tool", "update", ClusterConfPath)
	var cerr *CommandError
	if errors.As(err, &cerr) && strings.Contains(cerr.Output.Stdout+cerr.Output.Stderr, "greater version") {
		return ConfResult{}, transient(ErrVersionConflict, "cluster %q: another change landed first (running version was %d): %v", conf.Name, running, err)
	}
	if err != nil {
		return ConfResult{}, err
	}
	return ConfResult{Version: conf.Version, Changed: true}, nil
}

func (h *Host) status(ctx context.Context) (ClusterStatus, error) {
	out, err := h.run(ctx, time.Minute, "cman_tool", "status")
	if err != nil {
		// cman not running (yet) is a state that settles: a start in
		// progress, a member restarting. Not running the cluster asked
		// about is ErrNotMember, decided by the callers from the status.
		return ClusterStatus{}, transient(ErrNotReady, "%s: cman is not running: %v", h.FQDN, err)
	}
	return ParseStatus(out.Stdout)
}

// StartCman starts cman unless it runs. On start, cman fetches a newer
// cluster.conf from a running member, which is how a joining node gets the
// file the member pushed.
func (h *Host) StartCman(ctx context.Context, in ClusterInput) (Change, error) {
	return h.service(ctx, true)
}

// StopCman stops cman unless it is stopped.
func (h *Host) StopCman(ctx context.Context, in ClusterInput) (Change, error) {
	return h.service(ctx, false)
}

func (h *Host) service(ctx context.Context, start bool) (Change, error) {
	running, err := h.cmanRunning(ctx)
	if err != nil || running == start {
		return Change{}, err
	}
	verb := "stop"
	if start {
		verb = "start"
	}
	if _, err := h.run(ctx, 3*time.Minute, cmanInit, verb); err != nil {
		var cerr *CommandError
		if errors.As(err, &cerr) && start && strings.Contains(cerr.Output.Stdout+cerr.Output.Stderr, notInConfig) {
			// The config this node has or received does not list it: no
			// retry changes that, a person or an undo must.
			return Change{}, permanent(ErrBadConfig, "%s: %v", h.FQDN, err)
		}
		return Change{}, err
	}
	return Change{Changed: true}, nil
}

// notInConfig is how cman's init script says the host is not a node of the
// cluster.conf it started with.
const notInConfig = "Can't find local node name in cluster.conf"

// MembershipInput names the nodes that must be members for the check to
// pass; with none it only reports.
type MembershipInput struct {
	Cluster string   `json:"cluster"`
	Expect  []string `json:"expect,omitempty"`
}

// MembershipResult is the cluster as this member sees it.
type MembershipResult struct {
	Nodes  []NodeStatus  `json:"nodes"`
	Status ClusterStatus `json:"status"`
}

// Membership reads `cman_tool nodes` and `cman_tool status`. With Expect, it
// fails with a retryable NotReady until every expected node shows M and the
// cluster is quorate: membership takes a moment to settle after a start, and
// the retry policy bounds how long the workflow waits for it.
func (h *Host) Membership(ctx context.Context, in MembershipInput) (MembershipResult, error) {
	if err := checkCluster(in.Cluster); err != nil {
		return MembershipResult{}, err
	}
	status, err := h.status(ctx)
	if err != nil {
		return MembershipResult{}, err
	}
	if status.ClusterName != in.Cluster {
		return MembershipResult{}, permanent(ErrNotMember, "%s runs cluster %q, not %q", h.FQDN, status.ClusterName, in.Cluster)
	}
	out, err := h.run(ctx, time.Minute, "cman_tool", "nodes")
	if err != nil {
		return MembershipResult{}, err
	}
	nodes, err := ParseNodes(out.Stdout)
	if err != nil {
		return MembershipResult{}, err
	}
	r := MembershipResult{Nodes: nodes, Status: status}
	for _, want := range in.Expect {
		i := slices.IndexFunc(nodes, func(n NodeStatus) bool { return n.Name == want })
		if i < 0 || !nodes[i].Member() {
			return r, transient(ErrNotReady, "cluster %q: %s is not a member yet", in.Cluster, want)
		}
	}
	if len(in.Expect) > 0 && !status.Quorate {
		return r, transient(ErrNotReady, "cluster %q is not quorate: %d of %d votes needed", in.Cluster, status.TotalVotes, status.Quorum)
	}
	return r, nil
}

// PushClusterConf pushes this member's cluster.conf to the running
// cluster (ccs_tool update) unless cman already runs its version: how a
// file raised on one member reaches the others, as after a join.
func (h *Host) PushClusterConf(ctx context.Context, _ ClusterInput) (Change, error) {
	conf, _, ok, err := h.readConf()
	if err != nil {
		return Change{}, err
	}
	if !ok {
		return Change{}, permanent(ErrBadConfig, "%s: no %s to push", h.FQDN, ClusterConfPath)
	}
	status, err := h.status(ctx)
	if err != nil {
		return Change{}, err
	}
	if status.ConfigVersion >= conf.Version {
		return Change{}, nil
	}
	res, err := h.push(ctx, conf, status.ConfigVersion)
	return Change{Changed: res.Changed}, err
}
