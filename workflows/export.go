package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// GNBDExport is part #3's server side on one storage host: install gnbd,
// start gnbd_serv (cman must run: the clusters come first), export the
// host's DRBD device under its name and its pair's uid, verified with
// `gnbd_export -l`. In the Web UI:
//
//	{"runbook": "scalable-storage", "host": "storage0a"}
func GNBDExport(ctx workflow.Context, in HostInput) (StepResult, error) {
	loaded, err := loadRunbook(ctx, in.RunbookRef)
	if err != nil {
		return StepResult{}, err
	}
	h, err := hostOf(loaded.Runbook, in.Host)
	if err != nil {
		return StepResult{}, err
	}
	exports := loaded.Runbook.ExportsOf(h.Name)
	if len(exports) == 0 {
		return StepResult{}, badRequest("runbook %q exports nothing from %s", loaded.Runbook.Name, h.Name)
	}
	result := StepResult{Host: h.FQDN}
	var u undoLog
	probe, err := probeStorage(ctx, h.FQDN, activities.StorageProbeInput{Packages: exportPackages})
	if err != nil {
		return result, err
	}
	if err := installStorage(ctx, &u, h.FQDN, exportPackages, probe); err != nil {
		return result, u.run(ctx, err)
	}
	if !probe.GNBDServing {
		u.add(h.FQDN, "gnbd_serv -k", activities.GNBDStopServeName, activities.ServerInput{})
	}
	if err := do(ctx, h.FQDN, time.Minute, "gnbd_serv", activities.GNBDServeName, activities.ServerInput{}, nil); err != nil {
		return result, u.run(ctx, err)
	}
	for _, e := range exports {
		if !slices.ContainsFunc(probe.Exports, func(x activities.GNBDExport) bool { return x.Name == e.Name }) {
			u.add(h.FQDN, "gnbd_export -r "+e.Name, activities.GNBDUnexportName, activities.UnexportInput{Names: []string{e.Name}})
		}
		err := do(ctx, h.FQDN, time.Minute, fmt.Sprintf("gnbd_export -d %s -e %s -u %d", e.Device, e.Name, e.UID), activities.GNBDExportName,
			activities.ExportInput{Device: e.Device, Name: e.Name, UID: e.UID}, nil)
		if err != nil {
			return result, u.run(ctx, err)
		}
	}
	result.Undo = u.steps
	return result, nil
}
