package main

import (
	"fmt"

	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// request is what the run flags say, before it becomes a workflow input.
type request struct {
	ref      runbooks.Ref
	cluster  string
	node     string
	via      string
	host     string
	resource string
}

// whole is the input of the procedures that act on a whole runbook.
func whole(string) func(r request) (any, error) {
	return func(r request) (any, error) { return workflows.RunbookInput{Ref: r.ref}, nil }
}

// onHost is the input of the procedures that act on one host.
func onHost(name string) func(r request) (any, error) {
	return func(r request) (any, error) {
		if r.host == "" {
			return nil, fmt.Errorf("%s needs --host", name)
		}
		return workflows.HostInput{Ref: r.ref, Host: r.host}, nil
	}
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
		in := workflows.FormClustersInput{Ref: r.ref}
		if r.cluster != "" {
			in.Clusters = []string{r.cluster}
		}
		return in, nil
	}},
	{"cluster-bootstrap", workflows.ClusterBootstrapName, "start a cluster on its first node (--cluster)", func(r request) (any, error) {
		if r.cluster == "" {
			return nil, fmt.Errorf("cluster-bootstrap needs --cluster")
		}
		return workflows.ClusterBootstrapInput{Ref: r.ref, Cluster: r.cluster}, nil
	}},
	{"node-join", workflows.NodeJoinName, "join a node to its running cluster (--cluster, --node, optional --via)", func(r request) (any, error) {
		if r.cluster == "" || r.node == "" {
			return nil, fmt.Errorf("node-join needs --cluster and --node")
		}
		return workflows.NodeJoinInput{Ref: r.ref, Cluster: r.cluster, Node: r.node, Via: r.via}, nil
	}},
	{"storage-layer", workflows.StorageLayerName, "disks, DRBD pairs, GNBD exports and imports, multipath: parts #2 to #4", func(r request) (any, error) {
		return workflows.StorageLayerInput{Ref: r.ref}, nil
	}},
	{"storage-build", workflows.StorageBuildName, "the whole series: clusters, data path, clustered volume, GFS2 and the file check", whole(workflows.StorageBuildName)},
	{"clvm", workflows.CLVMName, "part #5: lvm.conf locking, clvmd, the clustered volume group and logical volume", whole(workflows.CLVMName)},
	{"gfs2", workflows.GFS2Name, "part #5: mkfs.gfs2 (after approval), mount on every client, the file check", whole(workflows.GFS2Name)},
	{"shutdown", workflows.ShutdownName, "stop the whole stack in the safe order", whole(workflows.ShutdownName)},
	{"startup", workflows.StartupName, "start the whole stack in the safe order", whole(workflows.StartupName)},
	{"teardown", workflows.TeardownName, "take the stack apart: unmount, remove the volume (after approval), stop the rest", whole(workflows.TeardownName)},
	{"expand-capacity", workflows.ExpandName, "add a storage pair while the filesystem stays mounted (--cluster: the new storage cluster)", func(r request) (any, error) {
		if r.cluster == "" {
			return nil, fmt.Errorf("expand-capacity needs --cluster, the new storage cluster")
		}
		return workflows.ExpandCapacityInput{Ref: r.ref, Clusters: []string{r.cluster}}, nil
	}},
	{"prepare-disk", workflows.PrepareDiskName, "partition a storage host's spare disk (--host)", onHost("prepare-disk")},
	{"drbd-pair", workflows.DRBDPairName, "bring up the DRBD pair of a storage cluster (--cluster, optional --resource)", func(r request) (any, error) {
		if r.cluster == "" {
			return nil, fmt.Errorf("drbd-pair needs --cluster")
		}
		return workflows.DRBDPairInput{Ref: r.ref, Cluster: r.cluster, Resource: r.resource}, nil
	}},
	{"gnbd-export", workflows.GNBDExportName, "export a storage host's DRBD device (--host)", onHost("gnbd-export")},
	{"gnbd-import", workflows.GNBDImportName, "import every export on a client (--host)", onHost("gnbd-import")},
	{"multipath", workflows.MultipathName, "multipath a client's imports (--host)", onHost("multipath")},
	{"check", workflows.CheckName, "read every host, change nothing, and report what differs from the runbook (starter check prints it as a table)", whole(workflows.CheckName)},
	{"repair", workflows.RepairName, "check, repair layer by layer with the build's own steps (approvals unless checks.repair lists the code), check again", whole(workflows.RepairName)},
}

// procedureRunning is the procedure of a workflow type.
func procedureRunning(workflow string) (procedure, error) {
	for _, p := range procedures {
		if p.workflow == workflow {
			return p, nil
		}
	}
	return procedure{}, fmt.Errorf("no procedure runs %s", workflow)
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
