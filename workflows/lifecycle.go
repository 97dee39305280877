package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// Shutdown stops the whole stack in the safe order of PROCEDURES.md:
// unmount GFS2 on every client, stop clvmd, flush multipath and stop
// multipathd, remove the GNBD imports, remove the exports and stop
// gnbd_serv, take DRBD down, stop cman everywhere. Each stage is checked on
// every host before the next starts. Nothing is undone on failure: the
// stack is left stopped down to the stage that failed, which is safe, and
// Startup brings it back. In the Web UI: {"runbook": "scalable-storage"}
func Shutdown(ctx workflow.Context, in RunbookInput) (LifecycleResult, error) {
	loaded, err := loadRunbook(ctx, in.Ref, in.decoding)
	if err != nil {
		return LifecycleResult{}, err
	}
	var p proc
	return p.stages(ctx, shutdownStages(loaded.Runbook))
}

// shutdownStages are the stages of Shutdown, in the safe order, top layer
// first; Teardown puts the removal of the volume after the first.
func shutdownStages(rb *runbooks.Runbook) []stage {
	s := rb.Stack()
	var fs activities.FilesystemInput
	if rb.GFS2 != nil {
		fs = filesystemOf(rb)
	}
	return []stage{
		{"unmount GFS2", s.Mounts, func(host string) []Step { return []Step{unmount(host, fs)} },
			func(p activities.StorageProbeResult) error { return notIf(mounted(p, fs.Mountpoint), "still mounted") }},
		{"stop clvmd", s.CLVM, func(host string) []Step { return []Step{stopService(host, "clvmd")} },
			func(p activities.StorageProbeResult) error { return notIf(p.ClvmdRunning, "clvmd still runs") }},
		{"flush multipath, stop multipathd", s.Multipath, func(host string) []Step { return []Step{stopMultipath(host)} },
			func(p activities.StorageProbeResult) error {
				return notIf(p.MultipathdRunning, "multipathd still runs")
			}},
		{"remove GNBD imports", s.Importers, func(host string) []Step { return []Step{gnbdUnimport(host, rb.ExportNames())} },
			func(p activities.StorageProbeResult) error { return notIf(len(p.Imports) > 0, "imports remain") }},
		{"remove GNBD exports, stop gnbd_serv", s.Exporters, func(host string) []Step {
			var names []string
			for _, e := range exportsOn(rb, host) {
				names = append(names, e.Name)
			}
			return []Step{gnbdUnexport(host, names), gnbdStopServe(host)}
		}, func(p activities.StorageProbeResult) error { return notIf(p.GNBDServing, "gnbd_serv still runs") }},
		{"DRBD down", s.DRBD, func(host string) []Step { return []Step{drbdDown(host, pairOn(rb, host))} }, nil},
		{"stop cman", s.Nodes, func(host string) []Step { return []Step{stopCman(host)} }, nil},
	}
}

// Startup starts the stack in the reverse order: cman on every node (the
// nodes of a cluster at once, so that it becomes quorate), DRBD up and both
// sides primary, gnbd_serv and the exports, the imports, multipathd and its
// maps, clvmd, and the mounts. Each stage runs the build's own steps for
// its layer, which find done what is done, and is checked before the next.
// In the Web UI: {"runbook": "scalable-storage"}
func Startup(ctx workflow.Context, in RunbookInput) (LifecycleResult, error) {
	loaded, err := loadRunbook(ctx, in.Ref, in.decoding)
	if err != nil {
		return LifecycleResult{}, err
	}
	var p proc
	return p.stages(ctx, startupStages(loaded.Runbook))
}

// startupStages are the stages of Startup, bottom layer first. Nothing in
// a startup is undone, so the steps are declared as on a host where
// nothing runs (an empty probe).
func startupStages(rb *runbooks.Runbook) []stage {
	s := rb.Stack()
	var none activities.StorageProbeResult
	maps := mapSpecs(rb)
	var fs activities.FilesystemInput
	var vol activities.VolumeInput
	if rb.CLVM != nil {
		vol = activities.VolumeInput{VG: rb.CLVM.VG, LV: rb.CLVM.LV, Extents: 1}
		if rb.GFS2 != nil {
			fs = filesystemOf(rb)
		}
	}
	return []stage{
		{"start cman", s.Nodes, func(host string) []Step {
			h, _ := rb.Lookup(host)
			c, _ := rb.ClusterOf(h.Name)
			var nodes []string
			for _, m := range rb.Members(c) {
				nodes = append(nodes, m.FQDN)
			}
			return []Step{startCman(host, c), membership(host, c.Name, nodes)}
		}, nil},
		{"DRBD up, both primary", s.DRBD, func(host string) []Step {
			spec := pairOn(rb, host)
			return []Step{loadDRBD(host, none), drbdUp(host, spec, true), drbdWait(host, spec, "synced"), drbdPrimary(host, spec), drbdWait(host, spec, "primary")}
		}, nil},
		{"gnbd_serv, exports", s.Exporters, func(host string) []Step { return exportSteps(host, exportsOn(rb, host), none) }, nil},
		{"GNBD imports", s.Importers, func(host string) []Step { return importSteps(host, rb.ExportServers(), none) }, nil},
		{"multipathd, maps", s.Multipath, func(host string) []Step {
			return []Step{startService(host, "multipathd"), multipathMaps(host, maps)}
		}, nil},
		{"clvmd", s.CLVM, func(host string) []Step {
			return []Step{startService(host, "clvmd"), lvDisplay(host, vol, "lvdisplay", UntilSettled)}
		}, nil},
		{"mount GFS2", s.Mounts, func(host string) []Step { return []Step{mount(host, fs, true)} },
			func(p activities.StorageProbeResult) error { return notIf(!mounted(p, fs.Mountpoint), "not mounted") }},
	}
}

// pairOn is the DRBD pair a host serves, as drbd.conf describes it.
func pairOn(rb *runbooks.Runbook, host string) activities.DRBDResource {
	r, _ := rb.PairOn(host)
	return drbdSpec(rb, r)
}

// exportsOn are the exports of a host given by FQDN.
func exportsOn(rb *runbooks.Runbook, host string) []runbooks.Export {
	h, _ := rb.Lookup(host)
	return rb.ExportsOf(h.Name)
}
