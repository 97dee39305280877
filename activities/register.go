package activities

import (
	"go.temporal.io/sdk/activity"
)

// Registry is the part of a Temporal worker that takes activities; both
// worker.Worker and the test environments satisfy it.
type Registry interface {
	RegisterActivityWithOptions(a any, options activity.RegisterOptions)
}

// Register adds the host's activities under their protocol names.
func (h *Host) Register(r Registry) {
	for name, fn := range map[string]any{
		ProbeName:             h.Probe,
		EnsurePackagesName:    h.EnsurePackages,
		RemovePackagesName:    h.RemovePackages,
		CreateClusterConfName: h.CreateClusterConf,
		WriteBootstrapName:    h.WriteBootstrapConf,
		AddNodeName:           h.AddNode,
		RemoveNodeName:        h.RemoveNode,
		StartCmanName:         h.StartCman,
		StopCmanName:          h.StopCman,
		MembershipName:        h.Membership,
		RestoreFileName:       h.RestoreFile,

		ProbeStorageName:       h.ProbeStorage,
		InspectName:            h.Inspect,
		DRBDConnectName:        h.DRBDConnect,
		DRBDDiscardMyDataName:  h.DRBDDiscardMyData,
		ActivateVolumeName:     h.ActivateVolume,
		PushClusterConfName:    h.PushClusterConf,
		ReinstatePathsName:     h.ReinstatePaths,
		PrepareDiskName:        h.PrepareDisk,
		LoadModuleName:         h.LoadModule,
		UnloadModuleName:       h.UnloadModule,
		WriteDRBDConfName:      h.WriteDRBDConf,
		CreateMetadataName:     h.CreateMetadata,
		DRBDUpName:             h.DRBDUp,
		DRBDDownName:           h.DRBDDown,
		DRBDOverwritePeerName:  h.DRBDOverwritePeer,
		DRBDPrimaryName:        h.DRBDPrimary,
		DRBDWaitName:           h.DRBDWait,
		GNBDServeName:          h.GNBDServe,
		GNBDStopServeName:      h.GNBDStopServe,
		GNBDExportName:         h.GNBDExport,
		GNBDUnexportName:       h.GNBDUnexport,
		GNBDImportName:         h.GNBDImport,
		GNBDUnimportName:       h.GNBDUnimport,
		ConfigureMultipathName: h.ConfigureMultipath,
		MultipathMapsName:      h.MultipathMaps,
		UndoMultipathName:      h.UndoMultipath,

		StartServiceName:         h.StartService,
		StopServiceName:          h.StopService,
		EnableClusterLockingName: h.EnableClusterLocking,
		SignaturesName:           h.Signatures,
		PVCreateName:             h.PVCreate,
		VGCreateName:             h.VGCreate,
		LVCreateName:             h.LVCreate,
		LogicalVolumeName:        h.LogicalVolume,
		RemoveVolumeName:         h.RemoveVolume,
		MakeFilesystemName:       h.MakeFilesystem,
		MountFilesystemName:      h.MountFilesystem,
		UnmountFilesystemName:    h.UnmountFilesystem,
		TouchFileName:            h.TouchFile,
		ListFilesName:            h.ListFiles,
		StopMultipathName:        h.StopMultipath,
		ExtendVolumeName:         h.ExtendVolume,
		GrowFilesystemName:       h.GrowFilesystem,
		PlanProbeName:            h.PlanProbe,
	} {
		r.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
}
