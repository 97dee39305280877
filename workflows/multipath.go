package workflows

import (
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// mapSpecs are the multipath maps a client should end with.
func mapSpecs(rb *runbooks.Runbook) []activities.MapSpec {
	var specs []activities.MapSpec
	for _, m := range rb.Maps() {
		specs = append(specs, activities.MapSpec{UID: m.UID, Exports: m.Exports})
	}
	return specs
}

// The steps of part #4, declared once: Multipath and Startup call these.

func configureMultipath(host string, maps []activities.MapSpec) Step {
	return Step{Host: host, Summary: "enable multipath.conf, multipathd restart", Activity: activities.ConfigureMultipathName,
		Input: activities.MultipathInput{Maps: maps}, Timeout: Daemon}
}

// multipathMaps waits for one map per pair holding both of its paths.
func multipathMaps(host string, maps []activities.MapSpec) Step {
	return Step{Host: host, Summary: "multipath -l: one map per pair", Activity: activities.MultipathMapsName,
		Input: activities.MultipathInput{Maps: maps}, Timeout: UntilSettled}
}

func stopMultipath(host string) Step {
	return Step{Host: host, Summary: "multipath -F, multipathd stop", Activity: activities.StopMultipathName, Input: activities.MultipathInput{}, Timeout: Daemon}
}

// Multipath is part #4 on one client: install device-mapper-multipath,
// comment out the default blacklist in multipath.conf, restart multipathd
// and check one map per DRBD pair holding both of its paths. The undo puts
// the multipath.conf it replaced back. In the Web UI:
//
//	{"runbook": "scalable-storage", "host": "client0"}
func Multipath(ctx workflow.Context, in HostInput) (StepResult, error) {
	return hostProc{
		packages: multipathPackages,
		refuse: func(rb *runbooks.Runbook, h runbooks.Host) error {
			if len(rb.Maps()) == 0 {
				return badRequest("runbook %q has no GNBD exports to multipath", rb.Name)
			}
			if !slices.Contains(rb.Stack().Multipath, h.FQDN) {
				return badRequest("%s is not a multipath client of runbook %q (multipath.clients)", h.Name, rb.Name)
			}
			return nil
		},
		steps: multipathSteps,
	}.run(ctx, in)
}

// multipathSteps configure multipath on a client and wait for its maps.
func multipathSteps(ctx workflow.Context, p *proc, rb *runbooks.Runbook, h runbooks.Host, probe activities.StorageProbeResult) ([]Step, error) {
	maps := mapSpecs(rb)
	// The probe ran before the package installed its default file: the
	// undo restores the file as the package left it, read now.
	conf := probe.MultipathConf
	if !conf.Exists {
		after, err := p.probe(ctx, h.FQDN, activities.StorageProbeInput{OnlyFiles: true})
		if err != nil {
			return nil, err
		}
		conf = after.MultipathConf
	}
	configure := configureMultipath(h.FQDN, maps)
	if !probe.MultipathdRunning {
		// Maps that were there before may hold a volume: only a run that
		// started multipathd flushes them on undo.
		configure = configure.undoing("restore multipath.conf, flush maps", activities.UndoMultipathName,
			activities.UndoMultipathInput{Conf: conf, Running: probe.MultipathdRunning})
	}
	return []Step{configure, multipathMaps(h.FQDN, maps)}, nil
}
