package workflows

// Names are protocol: histories and schedules refer to them, so they are
// constants and workflows register under them explicitly.
const (
	// OrchestratorQueue is the task queue of the orchestrator, which runs
	// the workflows and loads runbooks.
	OrchestratorQueue = "runbooks"

	FormClustersName     = "FormClusters"
	ClusterBootstrapName = "ClusterBootstrap"
	NodeJoinName         = "NodeJoin"

	PrepareDiskName  = "PrepareDisk"
	DRBDPairName     = "DRBDPair"
	GNBDExportName   = "GNBDExport"
	GNBDImportName   = "GNBDImport"
	MultipathName    = "Multipath"
	ClientBatchName  = "ClientBatch"
	StorageLayerName = "StorageLayer"
	CLVMName         = "CLVM"
	GFS2Name         = "GFS2"
	StorageBuildName = "StorageBuild"
	SurveyName       = "Survey"
	ShutdownName     = "Shutdown"
	StartupName      = "Startup"
	ExpandName       = "ExpandCapacity"
	TeardownName     = "Teardown"
	// UndoName runs a batch's undo log, as the child of the run that kept
	// it (undochild.go).
	UndoName = "Undo"

	CheckName  = "Check"
	RepairName = "Repair"
	// CheckHostsName reads some of a check's hosts, as its child.
	CheckHostsName = "CheckHosts"
)
