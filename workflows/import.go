package workflows

import (
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// The client side of part #3, declared once: GNBDImport and Startup call
// these, Shutdown their reverse.

func loadGNBD(host string, probe activities.StorageProbeResult) Step {
	return loadModule(host, "gnbd", nil, probe)
}

// gnbdImport imports every export of one server. Only what this run
// imports is undone: imports that were there before may hold a mounted
// filesystem.
func gnbdImport(host string, s runbooks.ExportServer, probe activities.StorageProbeResult) Step {
	st := Step{Host: host, Summary: "gnbd_import -i " + s.FQDN, Activity: activities.GNBDImportName,
		Input: activities.ImportInput{Server: s.FQDN, Exports: s.Exports}, Timeout: Command}
	var fresh []string
	for _, n := range s.Exports {
		if !slices.ContainsFunc(probe.Imports, func(im activities.GNBDImport) bool { return im.Name == n }) {
			fresh = append(fresh, n)
		}
	}
	if len(fresh) > 0 {
		st = st.undoing("gnbd_import -r of "+s.FQDN, activities.GNBDUnimportName, activities.UnimportInput{Names: fresh})
	}
	return st
}

func gnbdUnimport(host string, names []string) Step {
	return Step{Host: host, Summary: "gnbd_import -r", Activity: activities.GNBDUnimportName, Input: activities.UnimportInput{Names: names}, Timeout: Command}
}

// importSteps load the module and import every export server.
func importSteps(host string, servers []runbooks.ExportServer, probe activities.StorageProbeResult) []Step {
	steps := []Step{loadGNBD(host, probe)}
	for _, s := range servers {
		steps = append(steps, gnbdImport(host, s, probe))
	}
	return steps
}

// GNBDImport is part #3's client side on one client: install the gnbd
// module and tools, load the module, and import every export server of the
// runbook, each verified with `gnbd_import -l` and /dev/gnbd/. A server not
// ready yet is retried with backoff. In the Web UI:
//
//	{"runbook": "scalable-storage", "host": "client0"}
func GNBDImport(ctx workflow.Context, in HostInput) (StepResult, error) {
	return hostProc{
		packages: importPackages,
		refuse: func(rb *runbooks.Runbook, h runbooks.Host) error {
			if len(rb.ExportServers()) == 0 {
				return badRequest("runbook %q has no GNBD exports to import", rb.Name)
			}
			if !slices.Contains(rb.Stack().Importers, h.FQDN) {
				return badRequest("%s is not an import client of runbook %q (gnbd.imports.clients)", h.Name, rb.Name)
			}
			return nil
		},
		steps: func(_ workflow.Context, _ *proc, rb *runbooks.Runbook, h runbooks.Host, probe activities.StorageProbeResult) ([]Step, error) {
			return importSteps(h.FQDN, rb.ExportServers(), probe), nil
		},
	}.run(ctx, in)
}
