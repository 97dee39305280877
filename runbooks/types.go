package runbooks

import (
	"bytes"
	"encoding/hex"
	"slices"
	"strings"
)

// Runbook is a loaded and validated runbook. The JSON tags are the shape in
// which workflows carry it, so renaming one breaks running histories; the
// YAML tags give yaml.Marshal the same shape as the file.
type Runbook struct {
	Name        string    `json:"name" yaml:"name"`
	Description string    `json:"description,omitempty" yaml:"description,omitempty"`
	Hosts       []Host    `json:"hosts" yaml:"hosts"`
	Clusters    []Cluster `json:"clusters" yaml:"clusters"`

	// The data path, bottom to top. Every section is optional, so a
	// runbook of hosts and clusters only still loads; a loaded runbook
	// has nil or zero values for the sections its file leaves out.
	Disks     []Disk         `json:"disks,omitempty" yaml:"disks,omitempty"`
	DRBD      []DRBDResource `json:"drbd,omitempty" yaml:"drbd,omitempty"`
	GNBD      *GNBD          `json:"gnbd,omitempty" yaml:"gnbd,omitempty"`
	Multipath *Multipath     `json:"multipath,omitempty" yaml:"multipath,omitempty"`
	// The volume and the file system on it (part #5), optional too.
	CLVM *CLVM `json:"clvm,omitempty" yaml:"clvm,omitempty"`
	GFS2 *GFS2 `json:"gfs2,omitempty" yaml:"gfs2,omitempty"`
	// Approvals uses omitzero rather than omitempty, which encoding/json
	// ignores on structs, so that a runbook without approvals encodes to
	// the same JSON as before the section existed.
	Approvals Approvals `json:"approvals,omitzero" yaml:"approvals,omitempty"`
	// Checks says what a check of the built stack leaves out.
	Checks Checks `json:"checks,omitzero" yaml:"checks,omitempty"`
}

// Checks tunes Check for this stack.
type Checks struct {
	// Ignore are finding codes (findings.Codes) this stack accepts, such
	// as CLUSTER_NO_FENCING on a lab of guests with no fence device.
	Ignore []string `json:"ignore,omitempty" yaml:"ignore,omitempty"`
	// Repair are the finding codes Repair puts right without a person,
	// safe repairs only; the others wait for an approval.
	Repair []string `json:"repair,omitempty" yaml:"repair,omitempty"`
}

// AutoRepaired reports whether Repair may repair code without a person.
func (c Checks) AutoRepaired(code string) bool { return slices.Contains(c.Repair, code) }

// Host is one machine of the build. Other sections of a runbook refer to it
// by Name; cman knows it by FQDN; DRBD connects to Address.
type Host struct {
	Name    string `json:"name" yaml:"name"`
	FQDN    string `json:"fqdn" yaml:"fqdn"`
	Address string `json:"address" yaml:"address"`
}

// Cluster is one cman cluster. TwoNode asks for
// <cman two_node="1" expected_votes="1"/> so that a two-node cluster stays
// quorate when one node fails.
type Cluster struct {
	Name    string `json:"name" yaml:"name"`
	TwoNode bool   `json:"two_node,omitempty" yaml:"two_node,omitempty"`
	Nodes   []Node `json:"nodes" yaml:"nodes"`
}

// Node is a host's membership in a cluster. Votes is 1 when the file leaves
// it out, as cman assumes, so that code reading a loaded runbook never has to
// apply the default itself.
type Node struct {
	Host   string `json:"host" yaml:"host"`
	NodeID int    `json:"nodeid" yaml:"nodeid"`
	Votes  int    `json:"votes" yaml:"votes"`
}

// Disk is the spare disk of a storage host (part #2a). The runbook labels
// Device gpt and creates one primary partition with the lvm flag, which
// the kernel names Partition; DRBD mirrors Partition.
type Disk struct {
	Host      string `json:"host" yaml:"host"`
	Device    string `json:"device" yaml:"device"`
	Partition string `json:"partition" yaml:"partition"`
}

// DRBDResource is one DRBD mirror pair (part #2b), both sides primary.
// Hosts are the two nodes of one cman cluster; the disk on each is the
// Partition of that host's Disk and the address is the host's Address.
// SyncFrom is the side whose data wins the initial sync
// (--overwrite-data-of-peer). Protocol, Rate, Port and SyncFrom hold their
// defaults (C, 10M, 7788, the first host) when the file leaves them out, so
// code reading a loaded runbook never applies a default itself.
type DRBDResource struct {
	Name     string   `json:"name" yaml:"name"`
	Device   string   `json:"device" yaml:"device"`
	Protocol string   `json:"protocol" yaml:"protocol"`
	Rate     string   `json:"rate" yaml:"rate"`
	Port     int      `json:"port" yaml:"port"`
	Hosts    []string `json:"hosts" yaml:"hosts"`
	SyncFrom string   `json:"sync_from" yaml:"sync_from"`
}

// GNBD is the network block device layer (part #3): every storage host
// exports its DRBD device, and every import client imports all exports.
type GNBD struct {
	Exports []Export `json:"exports" yaml:"exports"`
	Imports Imports  `json:"imports" yaml:"imports"`
}

// Export is one gnbd_export: gnbd_export -d Device -e Name -u UID on Host.
// Both hosts of a DRBD pair export with the same UID, which is how
// multipath on the clients knows the two imports are one disk.
type Export struct {
	Host   string `json:"host" yaml:"host"`
	Name   string `json:"name" yaml:"name"`
	Device string `json:"device" yaml:"device"`
	UID    int    `json:"uid" yaml:"uid"`
}

// Imports lists the clients that run gnbd_import -i for every export host.
type Imports struct {
	Clients []string `json:"clients" yaml:"clients"`
}

// Multipath lists the clients on which DM-Multipath joins the two imports
// of each pair into one map (part #4).
type Multipath struct {
	Clients []string `json:"clients" yaml:"clients"`
}

// CLVM is the clustered volume of part #5: clvmd runs on Clients, all the
// nodes of the clients' cman cluster, and on Creator alone pvcreate makes
// each multipath map in PVs a physical volume, vgcreate --clustered y
// makes them volume group VG, and lvcreate makes logical volume LV of
// Extents extents of 4 MiB, /dev/VG/LV. Creator holds its default, the
// first client, when the file leaves it out.
type CLVM struct {
	Clients []string `json:"clients" yaml:"clients"`
	Creator string   `json:"creator" yaml:"creator"`
	VG      string   `json:"vg" yaml:"vg"`
	LV      string   `json:"lv" yaml:"lv"`
	PVs     []string `json:"pvs" yaml:"pvs"`
	Extents int      `json:"extents" yaml:"extents"`
}

// GFS2 is the file system of part #5 on the CLVM logical volume: on
// Creator alone, mkfs.gfs2 -p lock_dlm -t LockTable -j Journals; on every
// one of Clients, mount at Mountpoint. Clients and Creator hold their
// defaults, every CLVM client and the CLVM creator, when the file leaves
// them out.
type GFS2 struct {
	LockTable  string   `json:"lock_table" yaml:"lock_table"`
	Journals   int      `json:"journals" yaml:"journals"`
	Mountpoint string   `json:"mountpoint" yaml:"mountpoint"`
	Clients    []string `json:"clients" yaml:"clients"`
	Creator    string   `json:"creator" yaml:"creator"`
}

// Cluster returns the cluster part of the lock table, the part before the
// colon: lock_dlm mounts the file system only on nodes of the cman cluster
// of that name.
func (g GFS2) Cluster() string {
	cluster, _, _ := strings.Cut(g.LockTable, ":")
	return cluster
}

// FSName returns the file system part of the lock table, the part after
// the colon, which names the file system's locks within the cluster; ""
// when the lock table has no colon.
func (g GFS2) FSName() string {
	_, fsName, _ := strings.Cut(g.LockTable, ":")
	return fsName
}

// Approvals lists the destructive steps that proceed without waiting for a
// person, and who may decide the others. Everything not listed in Auto
// waits for an approval.
type Approvals struct {
	Auto []string `json:"auto" yaml:"auto"`
	// Approvers are the people who may decide, each by a key: `starter
	// approve --key FILE` signs the decision, and the run records the
	// name given here as who decided.
	Approvers []Approver `json:"approvers,omitempty" yaml:"approvers,omitempty"`
	// Unsigned lets a decision without a key through, recorded as
	// unsigned, with whatever name it gives: for a lab or a demo. Without
	// it, only the Approvers decide.
	Unsigned bool `json:"unsigned,omitempty" yaml:"unsigned,omitempty"`
}

// Approver is a person who may approve destructive steps.
type Approver struct {
	Name string `json:"name" yaml:"name"`
	// Key is the hex of the Ed25519 public key of the person's key file
	// (FILE.pub of `starter signkey --out FILE`).
	Key string `json:"key" yaml:"key"`
}

// ApproverOf is the approver whose public key is pub.
func (a Approvals) ApproverOf(pub []byte) (Approver, bool) {
	for _, ap := range a.Approvers {
		if k, err := hex.DecodeString(ap.Key); err == nil && bytes.Equal(k, pub) {
			return ap, true
		}
	}
	return Approver{}, false
}

// ApproveLabel is the step that writes a partition table on a spare disk
// that has none, hiding whatever the whole disk held.
const ApproveLabel = "disk-label"

// ApproveDRBDOverwrite is the step that makes one side of a new DRBD pair
// primary with --overwrite-data-of-peer, destroying the other side's data.
const ApproveDRBDOverwrite = "drbd-overwrite"

// ApprovePVCreate is the step that runs pvcreate on a multipath map that
// already carries a signature, destroying what the device held.
const ApprovePVCreate = "pvcreate"

// ApproveMkfs is the step that runs mkfs.gfs2 on the logical volume,
// destroying what it held.
const ApproveMkfs = "mkfs"

// approvalSteps are the values Approvals.Auto accepts.
var approvalSteps = []string{ApproveLabel, ApproveDRBDOverwrite, ApprovePVCreate, ApproveMkfs}

// Host returns the host with the given short name, so callers resolve
// references without scanning the list themselves.
func (r *Runbook) Host(name string) (Host, bool) {
	for _, h := range r.Hosts {
		if h.Name == name {
			return h, true
		}
	}
	return Host{}, false
}

// Cluster returns the cluster with the given name.
func (r *Runbook) Cluster(name string) (Cluster, bool) {
	for _, c := range r.Clusters {
		if c.Name == name {
			return c, true
		}
	}
	return Cluster{}, false
}

// FQDN returns the fully qualified name of a host, the name cman and GNBD
// use, or "" when the runbook has no such host.
func (r *Runbook) FQDN(hostName string) string {
	h, _ := r.Host(hostName)
	return h.FQDN
}

// AutoApproved reports whether the runbook lets step, such as
// ApproveDRBDOverwrite, proceed without waiting for a person.
func (r *Runbook) AutoApproved(step string) bool {
	return slices.Contains(r.Approvals.Auto, step)
}

// Disk returns the spare disk of a host.
func (r *Runbook) Disk(host string) (Disk, bool) {
	for _, d := range r.Disks {
		if d.Host == host {
			return d, true
		}
	}
	return Disk{}, false
}

// ExportsOf returns the GNBD exports of a host, in file order; none when
// the host exports nothing or the runbook has no gnbd section.
func (r *Runbook) ExportsOf(host string) []Export {
	if r.GNBD == nil {
		return nil
	}
	var exports []Export
	for _, e := range r.GNBD.Exports {
		if e.Host == host {
			exports = append(exports, e)
		}
	}
	return exports
}

// ClusterOf returns the cman cluster of which host is a node. A valid
// runbook puts a host in one cluster at most.
func (r *Runbook) ClusterOf(host string) (Cluster, bool) {
	for _, c := range r.Clusters {
		for _, n := range c.Nodes {
			if n.Host == host {
				return c, true
			}
		}
	}
	return Cluster{}, false
}
