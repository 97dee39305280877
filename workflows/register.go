package workflows

import (
	"go.temporal.io/sdk/workflow"
)

// Registry is the part of a Temporal worker that takes workflows; both
// worker.Worker and the test environment satisfy it.
type Registry interface {
	RegisterWorkflowWithOptions(w any, options workflow.RegisterOptions)
}

// Register adds every workflow under its protocol name.
func Register(r Registry) {
	r.RegisterWorkflowWithOptions(FormClusters, workflow.RegisterOptions{Name: FormClustersName})
	r.RegisterWorkflowWithOptions(Check, workflow.RegisterOptions{Name: CheckName})
	r.RegisterWorkflowWithOptions(Repair, workflow.RegisterOptions{Name: RepairName})
	r.RegisterWorkflowWithOptions(ClusterBootstrap, workflow.RegisterOptions{Name: ClusterBootstrapName})
	r.RegisterWorkflowWithOptions(NodeJoin, workflow.RegisterOptions{Name: NodeJoinName})
	r.RegisterWorkflowWithOptions(PrepareDisk, workflow.RegisterOptions{Name: PrepareDiskName})
	r.RegisterWorkflowWithOptions(DRBDPair, workflow.RegisterOptions{Name: DRBDPairName})
	r.RegisterWorkflowWithOptions(GNBDExport, workflow.RegisterOptions{Name: GNBDExportName})
	r.RegisterWorkflowWithOptions(GNBDImport, workflow.RegisterOptions{Name: GNBDImportName})
	r.RegisterWorkflowWithOptions(Multipath, workflow.RegisterOptions{Name: MultipathName})
	r.RegisterWorkflowWithOptions(StorageLayer, workflow.RegisterOptions{Name: StorageLayerName})
	r.RegisterWorkflowWithOptions(CLVM, workflow.RegisterOptions{Name: CLVMName})
	r.RegisterWorkflowWithOptions(GFS2, workflow.RegisterOptions{Name: GFS2Name})
	r.RegisterWorkflowWithOptions(StorageBuild, workflow.RegisterOptions{Name: StorageBuildName})
	r.RegisterWorkflowWithOptions(Shutdown, workflow.RegisterOptions{Name: ShutdownName})
	r.RegisterWorkflowWithOptions(Startup, workflow.RegisterOptions{Name: StartupName})
	r.RegisterWorkflowWithOptions(ExpandCapacity, workflow.RegisterOptions{Name: ExpandName})
	r.RegisterWorkflowWithOptions(Teardown, workflow.RegisterOptions{Name: TeardownName})
}
