package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

var (
	clvmPackages = []string{"lvm2-cluster"}
	gfs2Packages = []string{"gfs2-utils"}
)

// RunbookInput names a runbook and nothing more. In the Web UI:
//
//	{"runbook": "scalable-storage"}
type RunbookInput struct {
	activities.RunbookRef
}

// CLVM is part #5's volume: on every client install lvm2-cluster, switch
// lvm.conf to cluster locking and start clvmd; on one client create the
// physical volumes (a device that carries a signature waits for an
// approval), the clustered volume group and the logical volume; then check
// that every client sees the same logical volume.
func CLVM(ctx workflow.Context, in RunbookInput) (StepResult, error) {
	g, err := newGate(ctx)
	if err != nil {
		return StepResult{}, err
	}
	loaded, err := loadRunbook(ctx, in.RunbookRef)
	if err != nil {
		return StepResult{}, err
	}
	rb := loaded.Runbook
	if rb.CLVM == nil {
		return StepResult{}, badRequest("runbook %q has no clvm section", rb.Name)
	}
	c := rb.CLVM
	creator := rb.FQDN(c.Creator)
	vol := activities.VolumeInput{VG: c.VG, LV: c.LV, PVs: c.PVs, Extents: c.Extents}
	var result StepResult
	var u undoLog
	fail := func(err error) (StepResult, error) { return result, u.run(ctx, err) }

	// Every client: packages, locking, clvmd; all at once.
	clients := fqdns(rb, c.Clients)
	logs := make([]undoLog, len(clients))
	errs := make([]error, len(clients))
	wg := workflow.NewWaitGroup(ctx)
	for i, host := range clients {
		wg.Add(1)
		workflow.Go(ctx, func(ctx workflow.Context) {
			defer wg.Done()
			errs[i] = clvmClient(ctx, &logs[i], host)
		})
	}
	wg.Wait(ctx)
	for i := range logs {
		u.addAll(logs[i].steps)
	}
	if err := firstError(errs); err != nil {
		return fail(err)
	}

	// The creator: PVs, VG, LV, once.
	var before activities.LVStatus
	if err := do(ctx, creator, time.Minute, "lvdisplay (before)", activities.LogicalVolumeName, activities.VolumeInput{VG: c.VG, LV: c.LV}, &before); err != nil {
		return fail(err)
	}
	if before.UUID == "" {
		u.add(creator, "lvremove, vgremove, pvremove", activities.RemoveVolumeName, vol)
	}
	var sigs activities.SignatureResult
	if err := do(ctx, creator, time.Minute, "blkid "+strings.Join(c.PVs, " "), activities.SignaturesName, activities.SignatureInput{Devices: c.PVs}, &sigs); err != nil {
		return fail(err)
	}
	for i, pv := range c.PVs {
		wipe := sigs.Signatures[i] != "" && !activities.IsPV(sigs.Signatures[i])
		if wipe {
			a, err := g.wait(ctx, runbooks.ApprovePVCreate+":"+pv, rb.AutoApproved(runbooks.ApprovePVCreate))
			result.Approvals = append(result.Approvals, a)
			if err != nil {
				return fail(err)
			}
			result.Irreversible = append(result.Irreversible, fmt.Sprintf("%s: %s wiped by pvcreate (it carried %s)", creator, pv, sigs.Signatures[i]))
		}
		if err := do(ctx, creator, 2*time.Minute, "pvcreate "+pv, activities.PVCreateName, activities.PVInput{Device: pv, Wipe: wipe}, nil); err != nil {
			return fail(err)
		}
	}
	if err := do(ctx, creator, 2*time.Minute, "vgcreate --clustered y "+c.VG+" "+strings.Join(c.PVs, " "), activities.VGCreateName, vol, nil); err != nil {
		return fail(err)
	}
	if err := do(ctx, creator, 2*time.Minute, fmt.Sprintf("lvcreate --extent=%d --name=%s %s", c.Extents, c.LV, c.VG), activities.LVCreateName, vol, nil); err != nil {
		return fail(err)
	}

	// Every client sees the one volume: the metadata is shared.
	var uuid string
	for _, host := range clients {
		var lv activities.LVStatus
		if err := workflow.ExecuteActivity(waitOnHost(ctx, host, "lvdisplay /dev/"+c.VG+"/"+c.LV), activities.LogicalVolumeName, vol).Get(ctx, &lv); err != nil {
			return fail(err)
		}
		if uuid == "" {
			uuid = lv.UUID
		}
		if lv.UUID != uuid {
			return fail(badRequest("%s sees LV UUID %s, %s sees %s: the clients do not share LVM metadata", host, lv.UUID, clients[0], uuid))
		}
	}
	result.Undo = u.steps
	return result, nil
}

// clvmClient prepares one client for cluster LVM, pushing each undo first.
func clvmClient(ctx workflow.Context, u *undoLog, host string) error {
	probe, err := probeStorage(ctx, host, activities.StorageProbeInput{Packages: clvmPackages})
	if err != nil {
		return err
	}
	if err := installStorage(ctx, u, host, clvmPackages, probe); err != nil {
		return err
	}
	u.add(host, "restore "+activities.LVMConfPath, activities.RestoreFileName, activities.RestoreFileInput{State: probe.LVMConf})
	if err := do(ctx, host, time.Minute, "locking_type = 3 in "+activities.LVMConfPath, activities.EnableClusterLockingName, activities.LVMLockingInput{}, nil); err != nil {
		return err
	}
	if !probe.ClvmdRunning {
		u.add(host, "/etc/init.d/clvmd stop", activities.StopServiceName, activities.ServiceInput{Name: "clvmd"})
	}
	return do(ctx, host, 3*time.Minute, "/etc/init.d/clvmd start", activities.StartServiceName, activities.ServiceInput{Name: "clvmd"}, nil)
}

func fqdns(rb *runbooks.Runbook, names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, rb.FQDN(n))
	}
	return out
}

func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
