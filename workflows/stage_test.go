package workflows

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

func blogRunbook(t *testing.T) *runbooks.Runbook {
	t.Helper()
	loaded, err := (&runbooks.Catalog{}).Load(runbooks.Ref{Runbook: "scalable-storage"})
	if err != nil {
		t.Fatal(err)
	}
	return loaded.Runbook
}

// layers lists, per stage, the activities one host of the stage runs.
func layers(stages []stage) []string {
	var out []string
	for _, st := range stages {
		var acts []string
		for _, s := range st.steps(st.hosts[0]) {
			acts = append(acts, s.Activity)
		}
		out = append(out, fmt.Sprintf("%s on %d: %v", st.name, len(st.hosts), acts))
	}
	return out
}

// The lifecycle is data: the stages and each host's steps can be listed
// without running anything, which is what a plan will show.
func TestShutdownAndStartupAreTheStackInTheSafeOrder(t *testing.T) {
	rb := blogRunbook(t)
	wantDown := []string{
		"unmount GFS2 on 2: [UnmountFilesystem]",
		"stop clvmd on 2: [StopService]",
		"flush multipath, stop multipathd on 2: [StopMultipath]",
		"remove GNBD imports on 2: [GNBDUnimport]",
		"remove GNBD exports, stop gnbd_serv on 4: [GNBDUnexport GNBDStopServe]",
		"DRBD down on 4: [DRBDDown]",
		"stop cman on 6: [StopCman]",
	}
	if got := layers(shutdownStages(rb)); !reflect.DeepEqual(got, wantDown) {
		t.Errorf("shutdown stages:\n got %q\nwant %q", got, wantDown)
	}
	wantUp := []string{
		"start cman on 6: [StartCman Membership]",
		"DRBD up, both primary on 4: [LoadModule DRBDUp DRBDWait DRBDPrimary DRBDWait]",
		"gnbd_serv, exports on 4: [GNBDServe GNBDExport]",
		"GNBD imports on 2: [LoadModule GNBDImport GNBDImport GNBDImport GNBDImport]",
		"multipathd, maps on 2: [StartService MultipathMaps]",
		"clvmd on 2: [StartService LogicalVolume]",
		"mount GFS2 on 2: [MountFilesystem]",
	}
	if got := layers(startupStages(rb)); !reflect.DeepEqual(got, wantUp) {
		t.Errorf("startup stages:\n got %q\nwant %q", got, wantUp)
	}
}

// Startup runs the build's own steps for each layer: the same summaries,
// activities and timeouts, because they come from the same constructors.
func TestStartupStepsAreTheBuildsSteps(t *testing.T) {
	rb := blogRunbook(t)
	var none activities.StorageProbeResult
	host := "storage0a.example.org"
	spec := pairOn(rb, host)
	build := []Step{loadDRBD(host, none), drbdUp(host, spec, true)}
	var up []Step
	for _, st := range startupStages(rb) {
		if slices.Contains(st.hosts, host) && st.name == "DRBD up, both primary" {
			up = st.steps(host)
		}
	}
	if len(up) < 2 || !reflect.DeepEqual(up[:2], build) {
		t.Errorf("startup's DRBD steps %+v differ from the build's %+v", up, build)
	}
	if up[2].Timeout != UntilSynced || up[2].Input.(activities.DRBDWaitInput).Until != "synced" {
		t.Errorf("startup waits for the sync with %+v", up[2])
	}
}

// Every step pushes its undo before it runs, so the undo's host is the
// step's host and the undo exists only for what the probe did not find.
func TestUndoIsDeclaredOnlyForWhatTheRunMakes(t *testing.T) {
	rb := blogRunbook(t)
	host := "client0.example.org"
	fresh := activities.StorageProbeResult{}
	done := activities.StorageProbeResult{Modules: []string{"gnbd"}, Imports: []activities.GNBDImport{{Name: "gnbd0a"}, {Name: "gnbd0b"}, {Name: "gnbd1a"}, {Name: "gnbd1b"}}}
	for _, st := range importSteps(host, rb.ExportServers(), fresh) {
		if st.Undo == nil || st.Undo.Host != host {
			t.Errorf("fresh host: %s has undo %+v, want one on %s", st.Summary, st.Undo, host)
		}
	}
	for _, st := range importSteps(host, rb.ExportServers(), done) {
		if st.Undo != nil {
			t.Errorf("host that had it all: %s would undo %s", st.Summary, st.Undo.Summary)
		}
	}
}
