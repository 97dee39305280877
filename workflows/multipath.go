package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// Multipath is part #4 on one client: install device-mapper-multipath,
// comment out the default blacklist in multipath.conf, restart multipathd
// and check one map per DRBD pair holding both of its paths. The undo puts
// the multipath.conf it replaced back. In the Web UI:
//
//	{"runbook": "scalable-storage", "host": "client0"}
func Multipath(ctx workflow.Context, in HostInput) (StepResult, error) {
	loaded, err := loadRunbook(ctx, in.RunbookRef)
	if err != nil {
		return StepResult{}, err
	}
	h, err := hostOf(loaded.Runbook, in.Host)
	if err != nil {
		return StepResult{}, err
	}
	maps := mapSpecs(loaded.Runbook)
	if len(maps) == 0 {
		return StepResult{}, badRequest("runbook %q has no GNBD exports to multipath", loaded.Runbook.Name)
	}
	result := StepResult{Host: h.FQDN}
	var u undoLog
	probe, err := probeStorage(ctx, h.FQDN, activities.StorageProbeInput{Packages: multipathPackages})
	if err != nil {
		return result, err
	}
	if err := installStorage(ctx, &u, h.FQDN, multipathPackages, probe); err != nil {
		return result, u.run(ctx, err)
	}
	// The probe ran before the package installed its default file: the
	// undo restores the file as the package left it, read now.
	conf := probe.MultipathConf
	if !conf.Exists {
		var after activities.StorageProbeResult
		if after, err = probeStorage(ctx, h.FQDN, activities.StorageProbeInput{}); err != nil {
			return result, u.run(ctx, err)
		}
		conf = after.MultipathConf
	}
	if !probe.MultipathdRunning {
		// Maps that were there before may hold a volume: only a run that
		// started multipathd flushes them on undo.
		u.add(h.FQDN, "restore multipath.conf, flush maps", activities.UndoMultipathName,
			activities.UndoMultipathInput{Conf: conf, Running: probe.MultipathdRunning})
	}
	in2 := activities.MultipathInput{Maps: maps}
	if err := do(ctx, h.FQDN, 3*time.Minute, "enable multipath.conf, multipathd restart", activities.ConfigureMultipathName, in2, nil); err != nil {
		return result, u.run(ctx, err)
	}
	if err := workflow.ExecuteActivity(waitOnHost(ctx, h.FQDN, "multipath -l: one map per pair"), activities.MultipathMapsName, in2).Get(ctx, nil); err != nil {
		return result, u.run(ctx, err)
	}
	result.Undo = u.steps
	return result, nil
}
