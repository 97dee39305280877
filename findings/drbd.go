package findings

import (
	"fmt"
	"strconv"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// drbdFindings are a pair side's resource: /proc/drbd read with the peer's
// (a split brain shows as both sides StandAlone), and drbd.conf.
func drbdFindings(e Expect, ins, peer *activities.Inspection) []Finding {
	d := e.DRBD
	if d == nil {
		return nil
	}
	name := d.Resource.Name
	f := func(code Code, sev Severity, summary string, ev []activities.Evidence, r Repair) Finding {
		return Finding{Code: code, Host: e.Host, Layer: LayerDRBD, Severity: sev, Summary: summary, Evidence: ev, Repair: r}
	}
	var fs []Finding
	if file := ins.File(activities.DRBDConfPath); file.Content != d.Conf {
		fs = append(fs, f(DRBDConfDrift, Warning, activities.DRBDConfPath+" differs from what the runbook renders", fileEvidence(file),
			Repair{Kind: Safe, Action: "write " + activities.DRBDConfPath + " as the runbook renders it, then drbdadm adjust " + name}))
	}
	if len(ins.DRBD) == 0 {
		return fs
	}
	s := ins.DRBD[0]
	// The resource's line, and its resync's progress when there is one:
	// "1:" alone also matches the time in the GIT-hash line.
	ev := shown(ins.ProcDRBD, strconv.Itoa(s.Minor)+": cs:", "sync'ed:", "finish:")
	peerState := ""
	if peer != nil && len(peer.DRBD) > 0 {
		peerState = peer.DRBD[0].Connection
	}
	switch s.Connection {
	case "Unconfigured":
		if ev == nil {
			ev = []activities.Evidence{{Argv: []string{"lsmod"}, Lines: []string{"drbd: not loaded"}}}
		}
		return append(fs, f(DRBDDown, Critical, "resource "+name+" is down", ev,
			Repair{Kind: Safe, Action: "modprobe drbd; drbdadm up " + name + "; drbdadm primary " + name}))
	case "StandAlone":
		// The kernel says split brain, on one side or the other: two
		// sides merely disconnected stand alone too, and connect safely.
		if ins.SplitBrain || (peer != nil && peer.SplitBrain) {
			if ins.Kernel != nil {
				ev = append(ev, *ins.Kernel)
			}
			return append(fs, f(DRBDSplitBrain, Critical, name+" stands alone after a split brain: each side wrote while apart", ev,
				Repair{Kind: Destructive, Action: "on the side whose changes are given up: drbdadm secondary " + name + "; drbdadm -- --discard-my-data connect " + name + "; on the other: drbdadm connect " + name,
					Destroys: "every write made on one side since the two parted"}))
		}
		return append(fs, f(DRBDStandAlone, Critical, name+" is StandAlone: not connected to its peer, and not trying", ev,
			Repair{Kind: Safe, Action: "drbdadm connect " + name}))
	case "WFConnection":
		if peerState == "StandAlone" {
			// The peer's finding is the cause; this side waits for it.
			return append(fs, f(DRBDWaiting, Warning, name+" waits for its peer "+d.Peer+", which is StandAlone", ev,
				Repair{Kind: Safe, Action: "drbdadm connect " + name + " on " + d.Peer}))
		}
		return append(fs, f(DRBDWaiting, Critical, name+" waits for its peer "+d.Peer+" to connect", ev,
			Repair{Kind: Safe, Action: "bring DRBD up on " + d.Peer + " (drbdadm up " + name + ")"}))
	}
	if s.Syncing {
		fs = append(fs, f(DRBDSyncing, Info, fmt.Sprintf("%s is resyncing (%s), %.1f%% done", name, s.Connection, s.Percent), ev,
			Repair{Kind: Manual, Action: "wait: the sync goes on in the kernel"}))
	} else if !s.InSync() {
		fs = append(fs, f(DRBDNotUpToDate, Critical, fmt.Sprintf("%s's disks are %s/%s, not UpToDate/UpToDate", name, s.Disk, s.PeerDisk), ev,
			Repair{Kind: Destructive, Action: "find which side holds the data, then drbdadm -- --overwrite-data-of-peer primary " + name + " there (by hand: Repair does not choose)",
				Destroys: "what the other side holds of " + name}))
	}
	if s.Role != "Primary" {
		fs = append(fs, f(DRBDNotPrimary, Warning, fmt.Sprintf("%s is %s here; the runbook wants Primary/Primary", name, s.Role), ev,
			Repair{Kind: Safe, Action: "drbdadm primary " + name}))
	}
	return fs
}
