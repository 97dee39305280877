package findings

import "slices"

// Code names one kind of drift. Codes are protocol: schedules, runbooks
// (repairs.auto) and people's alerting match on them.
type Code string

// Layer is the part of the stack a finding is about, bottom to top; a
// layer's repair waits for the layers below it.
type Layer string

// The layers, bottom to top.
const (
	LayerHost      Layer = "host" // the agent, packages
	LayerCluster   Layer = "cluster"
	LayerDRBD      Layer = "drbd"
	LayerGNBD      Layer = "gnbd"
	LayerMultipath Layer = "multipath"
	LayerCLVM      Layer = "clvm"
	LayerGFS2      Layer = "gfs2"
)

// Layers lists the layers bottom to top: the order of repairs.
var Layers = []Layer{LayerHost, LayerCluster, LayerDRBD, LayerGNBD, LayerMultipath, LayerCLVM, LayerGFS2}

// Severity says how urgent a finding is.
type Severity string

// The severities, least to worst.
const (
	Info     Severity = "info"
	Warning  Severity = "warning"
	Critical Severity = "critical"
)

// The codes. Each names the layer it belongs to in its prefix.
const (
	AgentUnreachable Code = "HOST_AGENT_UNREACHABLE" // the host's agent took no task in time
	InspectFailed    Code = "HOST_INSPECT_FAILED"    // the agent took the task but could not look
	PackageMissing   Code = "HOST_PACKAGE_MISSING"   // a package the host's roles need is not installed

	CmanNotRunning  Code = "CLUSTER_CMAN_NOT_RUNNING" // cman is stopped on a member
	NotMember       Code = "CLUSTER_NOT_MEMBER"       // cman runs, but the host is not in the cluster the runbook names
	NotQuorate      Code = "CLUSTER_NOT_QUORATE"      // the cluster has lost quorum
	ConfigSkew      Code = "CLUSTER_CONFIG_SKEW"      // members hold different config_version of cluster.conf
	TwoNodeWrong    Code = "CLUSTER_TWO_NODE_WRONG"   // two_node/expected_votes do not fit the cluster's size
	NoFencing       Code = "CLUSTER_NO_FENCING"       // no fence device configured
	ClusterConfGone Code = "CLUSTER_CONF_MISSING"     // a member has no cluster.conf, or one that does not parse
	NodeMissing     Code = "CLUSTER_NODE_MISSING"     // cluster.conf lacks a node the runbook lists

	DRBDDown        Code = "DRBD_DOWN"         // the resource is not configured (module or resource down)
	DRBDStandAlone  Code = "DRBD_STANDALONE"   // not connected, and not trying to
	DRBDWaiting     Code = "DRBD_WFCONNECTION" // waiting for the peer to connect
	DRBDSplitBrain  Code = "DRBD_SPLIT_BRAIN"  // both sides wrote while apart: a person must choose
	DRBDNotUpToDate Code = "DRBD_NOT_UPTODATE" // a disk is not UpToDate (and not syncing)
	DRBDSyncing     Code = "DRBD_SYNCING"      // a resync is under way
	DRBDNotPrimary  Code = "DRBD_NOT_PRIMARY"  // Secondary where the runbook wants Primary/Primary
	DRBDConfDrift   Code = "DRBD_CONF_DRIFT"   // drbd.conf differs from what the runbook renders

	GNBDServDown       Code = "GNBD_SERV_DOWN"           // gnbd_serv is not running on a storage host
	GNBDExportMissing  Code = "GNBD_EXPORT_MISSING"      // an export the runbook lists is not there
	GNBDExportWrongUID Code = "GNBD_EXPORT_WRONG_UID"    // an export's uid is not the one its multipath map needs
	GNBDImportMissing  Code = "GNBD_IMPORT_MISSING"      // a client does not import an export
	GNBDImportDown     Code = "GNBD_IMPORT_DISCONNECTED" // an import is not Connected

	MultipathdDown     Code = "MULTIPATH_DAEMON_DOWN"   // multipathd is not running on a client
	MapMissing         Code = "MULTIPATH_MAP_MISSING"   // a map the runbook lists is not there
	PathsMissing       Code = "MULTIPATH_PATHS_MISSING" // a map has fewer paths than its exports
	PathFailed         Code = "MULTIPATH_PATH_FAILED"   // a path of a map is failed or faulty
	MultipathConfDrift Code = "MULTIPATH_CONF_DRIFT"    // multipath.conf differs from what the runbook renders

	ClvmdDown         Code = "CLVM_CLVMD_DOWN"            // clvmd is not running on a client
	LockingNotCluster Code = "CLVM_LOCKING_NOT_CLUSTERED" // lvm.conf's locking_type is not 3
	VGMissing         Code = "CLVM_VG_MISSING"            // the volume group is not there
	VGNotClustered    Code = "CLVM_VG_NOT_CLUSTERED"      // the volume group lacks the clustered flag
	LVMissing         Code = "CLVM_LV_MISSING"            // the logical volume is not there
	LVInactive        Code = "CLVM_LV_INACTIVE"           // the logical volume is not active on a client

	GFS2NotMounted  Code = "GFS2_NOT_MOUNTED"      // a client does not have the file system mounted
	GFS2FewJournals Code = "GFS2_TOO_FEW_JOURNALS" // fewer journals than clients that mount it
)

// Codes lists every code, layer by layer.
var Codes = []Code{
	AgentUnreachable, InspectFailed, PackageMissing,
	CmanNotRunning, NotMember, NotQuorate, ConfigSkew, TwoNodeWrong, NoFencing, ClusterConfGone, NodeMissing,
	DRBDDown, DRBDStandAlone, DRBDWaiting, DRBDSplitBrain, DRBDNotUpToDate, DRBDSyncing, DRBDNotPrimary, DRBDConfDrift,
	GNBDServDown, GNBDExportMissing, GNBDExportWrongUID, GNBDImportMissing, GNBDImportDown,
	MultipathdDown, MapMissing, PathsMissing, PathFailed, MultipathConfDrift,
	ClvmdDown, LockingNotCluster, VGMissing, VGNotClustered, LVMissing, LVInactive,
	GFS2NotMounted, GFS2FewJournals,
}

// Known reports whether c is a code a check reports.
func Known(c Code) bool { return slices.Contains(Codes, c) }

// Destroys reports whether a code's repair destroys data: such a repair
// always waits for a person, whatever the runbook says.
func Destroys(c Code) bool { return c == DRBDSplitBrain || c == DRBDNotUpToDate }
