package activities

import "strings"

// Activity names are protocol: recorded histories refer to them, so they are
// constants and never derived from Go identifiers.
const (
	ProbeName             = "Probe"
	EnsurePackagesName    = "EnsurePackages"
	RemovePackagesName    = "RemovePackages"
	CreateClusterConfName = "CreateClusterConf"
	WriteBootstrapName    = "WriteBootstrapConf"
	AddNodeName           = "AddNode"
	RemoveNodeName        = "RemoveNode"
	StartCmanName         = "StartCman"
	StopCmanName          = "StopCman"
	MembershipName        = "Membership"
	RestoreFileName       = "RestoreFile"
	LoadRunbookName       = "LoadRunbook"
	LoadOutlineName       = "LoadOutline"

	// The storage data path (parts #2 to #4).
	ProbeStorageName       = "ProbeStorage"
	InspectName            = "Inspect"
	DRBDConnectName        = "DRBDConnect"
	DRBDDiscardMyDataName  = "DRBDDiscardMyData"
	ActivateVolumeName     = "ActivateVolume"
	PushClusterConfName    = "PushClusterConf"
	ReinstatePathsName     = "ReinstatePaths"
	PrepareDiskName        = "PrepareDisk"
	LoadModuleName         = "LoadModule"
	UnloadModuleName       = "UnloadModule"
	WriteDRBDConfName      = "WriteDRBDConf"
	CreateMetadataName     = "CreateMetadata"
	DRBDUpName             = "DRBDUp"
	DRBDDownName           = "DRBDDown"
	DRBDOverwritePeerName  = "DRBDOverwritePeer"
	DRBDPrimaryName        = "DRBDPrimary"
	DRBDWaitName           = "DRBDWait"
	GNBDServeName          = "GNBDServe"
	GNBDStopServeName      = "GNBDStopServe"
	GNBDExportName         = "GNBDExport"
	GNBDUnexportName       = "GNBDUnexport"
	GNBDImportName         = "GNBDImport"
	GNBDUnimportName       = "GNBDUnimport"
	ConfigureMultipathName = "ConfigureMultipath"
	MultipathMapsName      = "MultipathMaps"
	UndoMultipathName      = "UndoMultipath"

	// Volume and filesystem (part #5), and services.
	StartServiceName         = "StartService"
	StopServiceName          = "StopService"
	EnableClusterLockingName = "EnableClusterLocking"
	SignaturesName           = "Signatures"
	PVCreateName             = "PVCreate"
	VGCreateName             = "VGCreate"
	LVCreateName             = "LVCreate"
	LogicalVolumeName        = "LogicalVolume"
	RemoveVolumeName         = "RemoveVolume"
	MakeFilesystemName       = "MakeFilesystem"
	MountFilesystemName      = "MountFilesystem"
	UnmountFilesystemName    = "UnmountFilesystem"
	TouchFileName            = "TouchFile"
	ListFilesName            = "ListFiles"
	StopMultipathName        = "StopMultipath"
	ExtendVolumeName         = "ExtendVolume"
	GrowFilesystemName       = "GrowFilesystem"
)

// HostQueuePrefix starts the name of every host agent's task queue.
const HostQueuePrefix = "host-"

// HostQueue is the task queue of the agent on the host with this FQDN.
// Pinning a step to a host is choosing this queue.
func HostQueue(fqdn string) string { return HostQueuePrefix + fqdn }

// HostOfQueue is the FQDN of the host whose queue this is; ok is false for
// a queue that is no host's.
func HostOfQueue(queue string) (fqdn string, ok bool) {
	fqdn, ok = strings.CutPrefix(queue, HostQueuePrefix)
	return fqdn, ok && fqdn != ""
}
