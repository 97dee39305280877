// Package procedures is the table of what a person or a ticket can start:
// a procedure's name as people type it, the workflow that runs it, and the
// workflow's input built from a runbook reference and a few arguments.
// The starter's flags and the webhook's requests both go through it.
package procedures

import (
	"fmt"

	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// Args are what a start request says besides the procedure, before they
// become a workflow input: the runbook and what to act on.
type Args struct {
	Ref      runbooks.Ref
	Cluster  string
	Node     string
	Via      string
	Host     string
	Resource string
}

// whole is the input of the procedures that act on a whole runbook.
func whole(string) func(r Args) (any, error) {
	return func(r Args) (any, error) { return workflows.RunbookInput{Ref: r.Ref}, nil }
}

// onHost is the input of the procedures that act on one host.
func onHost(name string) func(r Args) (any, error) {
	return func(r Args) (any, error) {
		if r.Host == "" {
			return nil, fmt.Errorf("%s needs --host", name)
		}
		return workflows.HostInput{Ref: r.Ref, Host: r.Host}, nil
	}
}

// Procedure maps a name people type to a workflow and its input.
type Procedure struct {
	Name     string
	Workflow string
	Help     string
	Input    func(r Args) (any, error)
}

// All are the procedures, in the order `starter procedures` lists them.
var All = []Procedure{
	{"form-clusters", workflows.FormClustersName, "form every cman cluster of the runbook (--cluster to pick some)", func(r Args) (any, error) {
		in := workflows.FormClustersInput{Ref: r.Ref}
		if r.Cluster != "" {
			in.Clusters = []string{r.Cluster}
		}
		return in, nil
	}},
	{"cluster-bootstrap", workflows.ClusterBootstrapName, "start a cluster on its first node (--cluster)", func(r Args) (any, error) {
		if r.Cluster == "" {
			return nil, fmt.Errorf("cluster-bootstrap needs --cluster")
		}
		return workflows.ClusterBootstrapInput{Ref: r.Ref, Cluster: r.Cluster}, nil
	}},
	{"node-join", workflows.NodeJoinName, "join a node to its running cluster (--cluster, --node, optional --via)", func(r Args) (any, error) {
		if r.Cluster == "" || r.Node == "" {
			return nil, fmt.Errorf("node-join needs --cluster and --node")
		}
		return workflows.NodeJoinInput{Ref: r.Ref, Cluster: r.Cluster, Node: r.Node, Via: r.Via}, nil
	}},
	{"storage-layer", workflows.StorageLayerName, "disks, DRBD pairs, GNBD exports and imports, multipath: parts #2 to #4", func(r Args) (any, error) {
		return workflows.StorageLayerInput{Ref: r.Ref}, nil
	}},
	{"storage-build", workflows.StorageBuildName, "the whole series: clusters, data path, clustered volume, GFS2 and the file check", whole(workflows.StorageBuildName)},
	{"clvm", workflows.CLVMName, "part #5: lvm.conf locking, clvmd, the clustered volume group and logical volume", whole(workflows.CLVMName)},
	{"gfs2", workflows.GFS2Name, "part #5: mkfs.gfs2 (after approval), mount on every client, the file check", whole(workflows.GFS2Name)},
	{"shutdown", workflows.ShutdownName, "stop the whole stack in the safe order", whole(workflows.ShutdownName)},
	{"startup", workflows.StartupName, "start the whole stack in the safe order", whole(workflows.StartupName)},
	{"teardown", workflows.TeardownName, "take the stack apart: unmount, remove the volume (after approval), stop the rest", whole(workflows.TeardownName)},
	{"expand-capacity", workflows.ExpandName, "add a storage pair while the filesystem stays mounted (--cluster: the new storage cluster)", func(r Args) (any, error) {
		if r.Cluster == "" {
			return nil, fmt.Errorf("expand-capacity needs --cluster, the new storage cluster")
		}
		return workflows.ExpandCapacityInput{Ref: r.Ref, Clusters: []string{r.Cluster}}, nil
	}},
	{"prepare-disk", workflows.PrepareDiskName, "partition a storage host's spare disk (--host)", onHost("prepare-disk")},
	{"drbd-pair", workflows.DRBDPairName, "bring up the DRBD pair of a storage cluster (--cluster, optional --resource)", func(r Args) (any, error) {
		if r.Cluster == "" {
			return nil, fmt.Errorf("drbd-pair needs --cluster")
		}
		return workflows.DRBDPairInput{Ref: r.Ref, Cluster: r.Cluster, Resource: r.Resource}, nil
	}},
	{"gnbd-export", workflows.GNBDExportName, "export a storage host's DRBD device (--host)", onHost("gnbd-export")},
	{"gnbd-import", workflows.GNBDImportName, "import every export on a client (--host)", onHost("gnbd-import")},
	{"multipath", workflows.MultipathName, "multipath a client's imports (--host)", onHost("multipath")},
	{"check", workflows.CheckName, "read every host, change nothing, and report what differs from the runbook (starter check prints it as a table)", whole(workflows.CheckName)},
	{"repair", workflows.RepairName, "check, repair layer by layer with the build's own steps (approvals unless checks.repair lists the code), check again", whole(workflows.RepairName)},
}

// Running is the procedure of a workflow type.
func Running(workflow string) (Procedure, error) {
	for _, p := range All {
		if p.Workflow == workflow {
			return p, nil
		}
	}
	return Procedure{}, fmt.Errorf("no procedure runs %s", workflow)
}

// Find is the procedure of a name, or an error that lists the names.
func Find(name string) (Procedure, error) {
	var names []string
	for _, p := range All {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return Procedure{}, fmt.Errorf("unknown procedure %q (have %v)", name, names)
}
