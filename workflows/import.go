package workflows

import (
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// GNBDImport is part #3's client side on one client: install the gnbd
// module and tools, load the module, and import every export server of the
// runbook, each verified with `gnbd_import -l` and /dev/gnbd/. A server not
// ready yet is retried with backoff. In the Web UI:
//
//	{"runbook": "scalable-storage", "host": "client0"}
func GNBDImport(ctx workflow.Context, in HostInput) (StepResult, error) {
	loaded, err := loadRunbook(ctx, in.RunbookRef)
	if err != nil {
		return StepResult{}, err
	}
	h, err := hostOf(loaded.Runbook, in.Host)
	if err != nil {
		return StepResult{}, err
	}
	servers, names := exportServers(loaded.Runbook)
	if len(servers) == 0 {
		return StepResult{}, badRequest("runbook %q has no GNBD exports to import", loaded.Runbook.Name)
	}
	result := StepResult{Host: h.FQDN}
	var u undoLog
	probe, err := probeStorage(ctx, h.FQDN, activities.StorageProbeInput{Packages: importPackages})
	if err != nil {
		return result, err
	}
	if err := installStorage(ctx, &u, h.FQDN, importPackages, probe); err != nil {
		return result, u.run(ctx, err)
	}
	if !slices.Contains(probe.Modules, "gnbd") {
		u.add(h.FQDN, "modprobe -r gnbd", activities.UnloadModuleName, activities.ModuleInput{Name: "gnbd"})
	}
	if err := do(ctx, h.FQDN, time.Minute, "modprobe gnbd", activities.LoadModuleName, activities.ModuleInput{Name: "gnbd"}, nil); err != nil {
		return result, u.run(ctx, err)
	}
	for i, server := range servers {
		// Only what this run imports is undone: imports that were there
		// before may hold a mounted filesystem.
		var fresh []string
		for _, n := range names[i] {
			if !slices.ContainsFunc(probe.Imports, func(im activities.GNBDImport) bool { return im.Name == n }) {
				fresh = append(fresh, n)
			}
		}
		if len(fresh) > 0 {
			u.add(h.FQDN, "gnbd_import -r of "+server, activities.GNBDUnimportName, activities.UnimportInput{Names: fresh})
		}
		if err := do(ctx, h.FQDN, 2*time.Minute, "gnbd_import -i "+server, activities.GNBDImportName,
			activities.ImportInput{Server: server, Exports: names[i]}, nil); err != nil {
			return result, u.run(ctx, err)
		}
	}
	result.Undo = u.steps
	return result, nil
}
