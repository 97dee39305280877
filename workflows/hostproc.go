package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// hostProc is the shape every per-host procedure of the data path shares:
// load the runbook and resolve the host; refuse a host with nothing to do
// there before touching it; probe it, install the role's packages that are
// missing, and run the host's steps, undoing everything if one fails.
type hostProc struct {
	packages []string
	// refuse says why the host has nothing to do, before any host is touched.
	refuse func(rb *runbooks.Runbook, h runbooks.Host) error
	// steps are the host's steps, from the probe taken before the install;
	// they may read the host again through p.
	steps func(ctx workflow.Context, p *proc, rb *runbooks.Runbook, h runbooks.Host, probe activities.StorageProbeResult) ([]Step, error)
}

func (hp hostProc) run(ctx workflow.Context, in HostInput) (StepResult, error) {
	loaded, err := loadRunbook(ctx, in.Ref, in.decoding)
	if err != nil {
		return StepResult{}, err
	}
	rb := loaded.Runbook
	h, err := hostOf(rb, in.Host)
	if err != nil {
		return StepResult{}, err
	}
	if err := hp.refuse(rb, h); err != nil {
		return StepResult{}, err
	}
	var p proc
	probe, err := p.probe(ctx, h.FQDN, activities.StorageProbeInput{Packages: hp.packages})
	if err != nil {
		return p.result(h.FQDN), err
	}
	err = p.install(ctx, h.FQDN, hp.packages, probe)
	if err == nil {
		var steps []Step
		if steps, err = hp.steps(ctx, &p, rb, h, probe); err == nil {
			err = p.runAll(ctx, steps...)
		}
	}
	if err != nil {
		return p.result(h.FQDN), p.fail(ctx, err)
	}
	return p.result(h.FQDN), nil
}
