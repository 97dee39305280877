package findings

import "github.com/tetsuzuki/tetsuzuki/activities"

// Expect is what the runbook says one host holds once the stack is built:
// what a check compares the host's inspection with. Parts the host has no
// role in are nil or empty.
type Expect struct {
	Host     string   `json:"host"`
	Packages []string `json:"packages,omitempty"`

	Cluster *ClusterExpect `json:"cluster,omitempty"`
	DRBD    *DRBDExpect    `json:"drbd,omitempty"`
	// Exports are the GNBD exports the host serves.
	Exports []ExportExpect `json:"exports,omitempty"`
	// Imports are the exports the host imports, with their servers.
	Imports []ImportExpect `json:"imports,omitempty"`
	// Maps are the multipath maps of a multipath client.
	Maps []activities.MapSpec `json:"maps,omitempty"`
	// Volume is the clustered volume a CLVM client sees.
	Volume *VolumeExpect `json:"volume,omitempty"`
	GFS2   *GFS2Expect   `json:"gfs2,omitempty"`
}

// ClusterExpect is the cman cluster the host is a member of.
type ClusterExpect struct {
	Name    string   `json:"name"`
	Members []string `json:"members"` // FQDNs
	TwoNode bool     `json:"two_node,omitempty"`
}

// DRBDExpect is the host's side of its pair.
type DRBDExpect struct {
	Resource activities.DRBDResource `json:"resource"`
	Peer     string                  `json:"peer"`
	// Conf is drbd.conf as the build renders it.
	Conf string `json:"conf"`
}

// ExportExpect is one GNBD export.
type ExportExpect struct {
	Name   string `json:"name"`
	Device string `json:"device"`
	UID    int    `json:"uid"`
}

// ImportExpect is one export a client imports.
type ImportExpect struct {
	Name   string `json:"name"`
	Server string `json:"server"`
}

// VolumeExpect is the clustered volume.
type VolumeExpect struct {
	VG string `json:"vg"`
	LV string `json:"lv"`
}

// GFS2Expect is the file system a client mounts.
type GFS2Expect struct {
	// Device is /dev/VG/LV; Mapper the same volume as mount shows it,
	// /dev/mapper/VG-LV.
	Device     string `json:"device"`
	Mapper     string `json:"mapper"`
	Mountpoint string `json:"mountpoint"`
}
