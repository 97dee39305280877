package workflows

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// RunbookInput names a runbook and nothing more. In the Web UI:
//
//	{"runbook": "scalable-storage"}
type RunbookInput struct {
	runbooks.Ref
	decoding
	Planning
}

// The steps of part #5's volume, declared once: CLVM, ExpandCapacity,
// Startup and Teardown call these.

func volumeOf(rb *runbooks.Runbook) activities.VolumeInput {
	c := rb.CLVM
	return activities.VolumeInput{VG: c.VG, LV: c.LV, PVs: c.PVs, Extents: c.Extents}
}

func enableClusterLocking(host string, prior activities.FileState) Step {
	return Step{Host: host, Summary: "locking_type = 3 in " + activities.LVMConfPath, Activity: activities.EnableClusterLockingName,
		Input: activities.LVMLockingInput{}, Timeout: Quick}.
		undoing("restore "+activities.LVMConfPath, activities.RestoreFileName, activities.RestoreFileInput{State: prior})
}

// startClvmd starts clvmd; its undo stops it when it did not run before.
func startClvmd(host string, probe activities.StorageProbeResult) Step {
	st := startService(host, "clvmd")
	if !probe.ClvmdRunning {
		st = st.undoing("/etc/init.d/clvmd stop", activities.StopServiceName, activities.ServiceInput{Name: "clvmd"})
	}
	return st
}

// lvDisplay reads the logical volume; with vol.Extents set it waits until
// the volume is available with at least that many extents.
func lvDisplay(host string, vol activities.VolumeInput, summary string, timeout Timeout) Step {
	return Step{Host: host, Summary: summary, Activity: activities.LogicalVolumeName, Input: vol, Timeout: timeout}
}

func signatures(host string, devices []string) Step {
	return Step{Host: host, Summary: "blkid " + strings.Join(devices, " "), Activity: activities.SignaturesName,
		Input: activities.SignatureInput{Devices: devices}, Timeout: Quick}
}

// signatures reads what each device carries, one answer per device in
// order; an agent that answers otherwise is not trusted with what follows.
func (p *proc) signatures(ctx workflow.Context, host string, devices []string) ([]string, error) {
	var res activities.SignatureResult
	if err := p.run(ctx, signatures(host, devices), &res); err != nil {
		return nil, err
	}
	if len(res.Signatures) != len(devices) {
		return nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%s answered %d signatures for %d devices", host, len(res.Signatures), len(devices)), ErrBadAnswer, nil)
	}
	return res.Signatures, nil
}

// ErrBadAnswer is an agent's answer that does not fit the question: the
// run stops rather than act on it.
const ErrBadAnswer = "BadAgentAnswer"

// ErrForeignData is a host holding data the runbook did not make where it
// would build (a filesystem of another cluster): the run stops, undone,
// for a person to decide.
const ErrForeignData = "ForeignData"

// pvCreate makes a device a physical volume. A device that carries another
// signature is wiped, which waits for an approval.
func pvCreate(rb *runbooks.Runbook, host, pv, sig string, irreversible string) Step {
	wipe := sig != "" && !activities.IsPV(sig)
	st := Step{Host: host, Summary: "pvcreate " + pv, Activity: activities.PVCreateName, Input: activities.PVInput{Device: pv, Wipe: wipe}, Timeout: Command, Irreversible: irreversible}
	if wipe {
		st.Approval, st.AutoApproved = runbooks.ApprovePVCreate+":"+pv, rb.AutoApproved(runbooks.ApprovePVCreate)
		st.Irreversible = fmt.Sprintf("%s: %s wiped by pvcreate (it carried %s)", host, pv, sig)
	}
	return st
}

func removeVolume(host string, vol activities.VolumeInput) UndoStep {
	return newUndo(host, "lvremove, vgremove, pvremove", activities.RemoveVolumeName, vol)
}

// CLVM is part #5's volume: on every client install lvm2-cluster, switch
// lvm.conf to cluster locking and start clvmd; on one client create the
// physical volumes (a device that carries a signature waits for an
// approval), the clustered volume group and the logical volume; then check
// that every client sees the same logical volume.
func CLVM(ctx workflow.Context, in RunbookInput) (StepResult, error) {
	loaded, g, err := gated(ctx, in.Ref, in.decoding)
	if err != nil {
		return StepResult{}, err
	}
	rb := loaded.Runbook
	if rb.CLVM == nil {
		return StepResult{}, badRequest("runbook %q has no clvm section", rb.Name)
	}
	c := rb.CLVM
	creator := rb.FQDN(c.Creator)
	vol := volumeOf(rb)
	p := proc{gate: g}

	// Every client: packages, locking, clvmd; all at once.
	clients := rb.FQDNs(c.Clients)
	err = first(p.each(ctx, len(clients), func(ctx workflow.Context, p *proc, i int) error {
		return clvmClient(ctx, p, clients[i])
	}))
	if err != nil {
		return p.result(""), p.fail(ctx, err)
	}

	// The creator: PVs, VG, LV, once.
	var before activities.LVStatus
	if err := p.run(ctx, lvDisplay(creator, activities.VolumeInput{VG: c.VG, LV: c.LV}, "lvdisplay (before)", Quick), &before); err != nil {
		return p.result(""), p.fail(ctx, err)
	}
	if before.UUID == "" {
		p.undo.push(removeVolume(creator, vol))
	}
	sigs, err := p.signatures(ctx, creator, c.PVs)
	if err != nil {
		return p.result(""), p.fail(ctx, err)
	}
	steps := make([]Step, 0, len(c.PVs)+2)
	for i, pv := range c.PVs {
		steps = append(steps, pvCreate(rb, creator, pv, sigs[i], ""))
	}
	steps = append(steps,
		Step{Host: creator, Summary: "vgcreate --clustered y " + c.VG + " " + strings.Join(c.PVs, " "), Activity: activities.VGCreateName, Input: vol, Timeout: Command},
		Step{Host: creator, Summary: fmt.Sprintf("lvcreate --extent=%d --name=%s %s", c.Extents, c.LV, c.VG), Activity: activities.LVCreateName, Input: vol, Timeout: Command})
	if err := p.runAll(ctx, steps...); err != nil {
		return p.result(""), p.fail(ctx, err)
	}

	// Every client sees the one volume: the metadata is shared.
	var uuid string
	for _, host := range clients {
		var lv activities.LVStatus
		if err := p.run(ctx, lvDisplay(host, vol, "lvdisplay "+rb.LVPath(), UntilSettled), &lv); err != nil {
			return p.result(""), p.fail(ctx, err)
		}
		if uuid == "" {
			uuid = lv.UUID
		}
		if lv.UUID != uuid {
			return p.result(""), p.fail(ctx, badRequest("%s sees LV UUID %s, %s sees %s: the clients do not share LVM metadata", host, lv.UUID, clients[0], uuid))
		}
	}
	return p.result(""), nil
}

// clvmClient prepares one client for cluster LVM.
func clvmClient(ctx workflow.Context, p *proc, host string) error {
	probe, err := p.probe(ctx, host, activities.StorageProbeInput{Packages: clvmPackages})
	if err != nil {
		return err
	}
	if err := p.install(ctx, host, clvmPackages, probe); err != nil {
		return err
	}
	return p.runAll(ctx, enableClusterLocking(host, probe.LVMConf), startClvmd(host, probe))
}
