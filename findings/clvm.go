package findings

import (
	"github.com/tetsuzuki/tetsuzuki/activities"
)

// clvmFindings are a client's clvmd, lvm.conf and view of the volume.
func clvmFindings(e Expect, ins *activities.Inspection) []Finding {
	v := e.Volume
	if v == nil {
		return nil
	}
	f := func(code Code, sev Severity, summary string, ev []activities.Evidence, r Repair) Finding {
		return Finding{Code: code, Host: e.Host, Layer: LayerCLVM, Severity: sev, Summary: summary, Evidence: ev, Repair: r}
	}
	var fs []Finding
	file := ins.File(activities.LVMConfPath)
	localLocking := !file.Exists || activities.ClusterLocking(file.Content) != file.Content
	if localLocking {
		fs = append(fs, f(LockingNotCluster, Critical, activities.LVMConfPath+"'s locking_type is not 3: this host's LVM ignores the cluster's locks",
			fileEvidence(file, "locking_type"), Repair{Kind: Safe, Action: "set locking_type = 3 in " + activities.LVMConfPath + ", then restart clvmd"}))
	}
	if !ins.ClvmdRunning {
		fs = append(fs, f(ClvmdDown, Critical, "clvmd is not running", shown(ins.Clvmd), Repair{Kind: Safe, Action: "/etc/init.d/clvmd start"}))
	}
	if !ins.ClvmdRunning {
		// Without clvmd the LVM tools cannot take the cluster's locks and
		// see no clustered volume: what they say is clvmd's finding.
		return fs
	}
	switch {
	case ins.VG == nil && (localLocking || !ins.ClvmdRunning):
		// LVM reads a clustered VG only through clvmd: without it,
		// vgdisplay skips the VG, which is not gone. The finding above
		// says why; the next check sees the VG as it is.
	case ins.VG == nil:
		fs = append(fs, f(VGMissing, Critical, "volume group "+v.VG+" is not seen", shown(ins.VGOutput),
			Repair{Kind: Manual, Action: "find out why the physical volumes are gone (multipath -l, pvs) before anything else"}))
	case ins.VG["Clustered"] != "yes":
		fs = append(fs, f(VGNotClustered, Critical, "volume group "+v.VG+" is not clustered", shown(ins.VGOutput, "Clustered"),
			Repair{Kind: Safe, Action: "vgchange -cy " + v.VG}))
	}
	switch {
	case ins.VG == nil:
	case ins.LV == nil:
		fs = append(fs, f(LVMissing, Critical, "logical volume "+v.VG+"/"+v.LV+" is not there", shown(ins.LVOutput),
			Repair{Kind: Manual, Action: "a volume that vanished is a person's matter: lvcreate would make an empty one"}))
	case ins.LV["LV Status"] != "available":
		fs = append(fs, f(LVInactive, Critical, "logical volume "+v.VG+"/"+v.LV+" is "+ins.LV["LV Status"], shown(ins.LVOutput, "LV Status"),
			Repair{Kind: Safe, Action: "lvchange -ay " + "/dev/" + v.VG + "/" + v.LV}))
	}
	return fs
}
