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
	r.RegisterWorkflowWithOptions(planned(FormClustersName, FormClusters), workflow.RegisterOptions{Name: FormClustersName})
	r.RegisterWorkflowWithOptions(unplanned(CheckName, Check), workflow.RegisterOptions{Name: CheckName})
	r.RegisterWorkflowWithOptions(planned(RepairName, Repair), workflow.RegisterOptions{Name: RepairName})
	r.RegisterWorkflowWithOptions(planned(ClusterBootstrapName, ClusterBootstrap), workflow.RegisterOptions{Name: ClusterBootstrapName})
	r.RegisterWorkflowWithOptions(planned(NodeJoinName, NodeJoin), workflow.RegisterOptions{Name: NodeJoinName})
	r.RegisterWorkflowWithOptions(planned(PrepareDiskName, PrepareDisk), workflow.RegisterOptions{Name: PrepareDiskName})
	r.RegisterWorkflowWithOptions(planned(DRBDPairName, DRBDPair), workflow.RegisterOptions{Name: DRBDPairName})
	r.RegisterWorkflowWithOptions(planned(GNBDExportName, GNBDExport), workflow.RegisterOptions{Name: GNBDExportName})
	r.RegisterWorkflowWithOptions(planned(GNBDImportName, GNBDImport), workflow.RegisterOptions{Name: GNBDImportName})
	r.RegisterWorkflowWithOptions(planned(MultipathName, Multipath), workflow.RegisterOptions{Name: MultipathName})
	r.RegisterWorkflowWithOptions(planned(ClientBatchName, ClientBatch), workflow.RegisterOptions{Name: ClientBatchName})
	r.RegisterWorkflowWithOptions(planned(StorageLayerName, StorageLayer), workflow.RegisterOptions{Name: StorageLayerName})
	r.RegisterWorkflowWithOptions(planned(CLVMName, CLVM), workflow.RegisterOptions{Name: CLVMName})
	r.RegisterWorkflowWithOptions(planned(GFS2Name, GFS2), workflow.RegisterOptions{Name: GFS2Name})
	r.RegisterWorkflowWithOptions(planned(StorageBuildName, StorageBuild), workflow.RegisterOptions{Name: StorageBuildName})
	r.RegisterWorkflowWithOptions(unplanned(SurveyName, Survey), workflow.RegisterOptions{Name: SurveyName})
	r.RegisterWorkflowWithOptions(planned(ShutdownName, Shutdown), workflow.RegisterOptions{Name: ShutdownName})
	r.RegisterWorkflowWithOptions(planned(StartupName, Startup), workflow.RegisterOptions{Name: StartupName})
	r.RegisterWorkflowWithOptions(planned(ExpandName, ExpandCapacity), workflow.RegisterOptions{Name: ExpandName})
	r.RegisterWorkflowWithOptions(planned(TeardownName, Teardown), workflow.RegisterOptions{Name: TeardownName})
	r.RegisterWorkflowWithOptions(Undo, workflow.RegisterOptions{Name: UndoName})
	r.RegisterWorkflowWithOptions(Ticket, workflow.RegisterOptions{Name: TicketName})
	r.RegisterWorkflowWithOptions(unplanned(CheckHostsName, CheckHosts), workflow.RegisterOptions{Name: CheckHostsName})
}
