package workflows

import (
	"fmt"
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// The server side of part #3, declared once: GNBDExport and Startup call
// these, Shutdown their reverse.

// gnbdServe starts gnbd_serv; its undo stops it when it did not run before.
func gnbdServe(host string, probe activities.StorageProbeResult) Step {
	st := Step{Host: host, Summary: "gnbd_serv", Activity: activities.GNBDServeName, Input: activities.ServerInput{}, Timeout: Quick}
	if !probe.GNBDServing {
		st = st.undoing("gnbd_serv -k", activities.GNBDStopServeName, activities.ServerInput{})
	}
	return st
}

func gnbdStopServe(host string) Step {
	return Step{Host: host, Summary: "gnbd_serv -k", Activity: activities.GNBDStopServeName, Input: activities.ServerInput{}, Timeout: Quick}
}

// gnbdExport exports one device under its name and its pair's uid; its undo
// removes the export when the run made it.
func gnbdExport(host string, e runbooks.Export, probe activities.StorageProbeResult) Step {
	st := Step{Host: host, Summary: fmt.Sprintf("gnbd_export -d %s -e %s -u %d", e.Device, e.Name, e.UID), Activity: activities.GNBDExportName,
		Input: activities.ExportInput{Device: e.Device, Name: e.Name, UID: e.UID}, Timeout: Quick}
	if !slices.ContainsFunc(probe.Exports, func(x activities.GNBDExport) bool { return x.Name == e.Name }) {
		st = st.undoing("gnbd_export -r "+e.Name, activities.GNBDUnexportName, activities.UnexportInput{Names: []string{e.Name}})
	}
	return st
}

func gnbdUnexport(host string, names []string) Step {
	return Step{Host: host, Summary: "gnbd_export -r", Activity: activities.GNBDUnexportName, Input: activities.UnexportInput{Names: names}, Timeout: Command}
}

// exportSteps serve a host's exports.
func exportSteps(host string, exports []runbooks.Export, probe activities.StorageProbeResult) []Step {
	steps := []Step{gnbdServe(host, probe)}
	for _, e := range exports {
		steps = append(steps, gnbdExport(host, e, probe))
	}
	return steps
}

// GNBDExport is part #3's server side on one storage host: install gnbd,
// start gnbd_serv (cman must run: the clusters come first), export the
// host's DRBD device under its name and its pair's uid, verified with
// `gnbd_export -l`. In the Web UI:
//
//	{"runbook": "scalable-storage", "host": "storage0a"}
func GNBDExport(ctx workflow.Context, in HostInput) (StepResult, error) {
	return hostProc{
		packages: exportPackages,
		refuse: func(rb *runbooks.Runbook, h runbooks.Host) error {
			if len(rb.ExportsOf(h.Name)) == 0 {
				return badRequest("runbook %q exports nothing from %s", rb.Name, h.Name)
			}
			return nil
		},
		steps: func(_ workflow.Context, _ *proc, rb *runbooks.Runbook, h runbooks.Host, probe activities.StorageProbeResult) ([]Step, error) {
			return exportSteps(h.FQDN, rb.ExportsOf(h.Name), probe), nil
		},
	}.run(ctx, in)
}
