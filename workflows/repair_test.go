package workflows

import (
	"slices"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/findings"
)

// repairs lays out one stage per layer with a repairable finding, bottom
// first, each on the hosts concerned and with the steps for their own
// findings; a person's findings make none.
func TestRepairsAreTheLayersStagesBottomFirst(t *testing.T) {
	rb := blogRunbook(t)
	fs := []findings.Finding{
		{Code: findings.GFS2NotMounted, Host: "client0.example.org", Layer: findings.LayerGFS2, Repair: findings.Repair{Kind: findings.Safe}},
		{Code: findings.PackageMissing, Host: "client1.example.org", Layer: findings.LayerHost, Subject: "gfs2-utils", Repair: findings.Repair{Kind: findings.Safe, Action: "yum -y install gfs2-utils"}},
		{Code: findings.CmanNotRunning, Host: "storage0b.example.org", Layer: findings.LayerCluster, Repair: findings.Repair{Kind: findings.Safe}},
		{Code: findings.NotQuorate, Host: "storage0a.example.org", Layer: findings.LayerCluster, Repair: findings.Repair{Kind: findings.Manual}},
		{Code: findings.DRBDSplitBrain, Host: "storage0a.example.org", Layer: findings.LayerDRBD, Repair: findings.Repair{Kind: findings.Destructive}},
		{Code: findings.DRBDSplitBrain, Host: "storage0b.example.org", Layer: findings.LayerDRBD, Repair: findings.Repair{Kind: findings.Destructive}},
	}
	rs := repairs(rb, fs)
	var got []string
	steps := map[string][]Step{}
	for _, r := range rs {
		got = append(got, r.stage.name)
		for _, h := range r.stage.hosts {
			steps[r.stage.name+" "+h] = r.stage.steps(h)
		}
	}
	want := []string{"install packages", "start cman", "discard the victim's writes", "DRBD up, connected, both primary", "mount GFS2"}
	if !slices.Equal(got, want) {
		t.Fatalf("stages %q, want %q", got, want)
	}
	// Built after every other stage, the package step still installs
	// this host's own packages.
	if st := steps["install packages client1.example.org"]; len(st) != 1 || !slices.Equal(st[0].Input.(activities.PackagesInput).Packages, []string{"gfs2-utils"}) {
		t.Errorf("install packages on client1: %+v", st)
	}
	// The victim is the side that is not the pair's sync source, and its
	// step waits for an approval no runbook lets through.
	victim := steps["discard the victim's writes storage0b.example.org"]
	if len(victim) != 1 || victim[0].Activity != activities.DRBDDiscardMyDataName || victim[0].Approval == "" || victim[0].AutoApproved {
		t.Errorf("split brain: %+v (stages on %v)", victim, rs[2].stage.hosts)
	}
	// Both sides of the pair come back up after it.
	if hosts := rs[3].stage.hosts; !slices.Equal(hosts, []string{"storage0a.example.org", "storage0b.example.org"}) {
		t.Errorf("DRBD stage on %v, want both sides", hosts)
	}
	// The blog's runbook lets no safe repair through: each asks. (The
	// DRBD stage here only follows the split brain's, approved by name.)
	for _, r := range rs {
		if r.stage.name != "DRBD up, connected, both primary" && r.approval != "" && r.auto {
			t.Errorf("%s goes without a person on a runbook with no checks.repair", r.name)
		}
	}
}
