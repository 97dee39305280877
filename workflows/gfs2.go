package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// FileCheckName is the file part #5 creates on one client and lists on the
// others.
const FileCheckName = "ieiri"

// GFS2 is part #5's filesystem: install gfs2-utils on every client; after
// an approval (it destroys what the LV held), `mkfs.gfs2 -p lock_dlm -t
// <cluster>:<fs> -j <journals>` on one client, answering its prompt only
// then; mount on every client; and the check of part #5: a file created on
// one client is listed on the others.
func GFS2(ctx workflow.Context, in RunbookInput) (StepResult, error) {
	g, err := newGate(ctx)
	if err != nil {
		return StepResult{}, err
	}
	loaded, err := loadRunbook(ctx, in.RunbookRef)
	if err != nil {
		return StepResult{}, err
	}
	rb := loaded.Runbook
	if rb.GFS2 == nil || rb.CLVM == nil {
		return StepResult{}, badRequest("runbook %q has no gfs2 section", rb.Name)
	}
	fs := rb.GFS2
	creator := rb.FQDN(fs.Creator)
	fsIn := activities.FilesystemInput{Device: "/dev/" + rb.CLVM.VG + "/" + rb.CLVM.LV, LockTable: fs.LockTable, Journals: fs.Journals, Mountpoint: fs.Mountpoint}
	var result StepResult
	var u undoLog
	fail := func(err error) (StepResult, error) { return result, u.run(ctx, err) }

	clients := fqdns(rb, fs.Clients)
	probes := make([]activities.StorageProbeResult, len(clients))
	for i, host := range clients {
		if probes[i], err = probeStorage(ctx, host, activities.StorageProbeInput{Packages: gfs2Packages}); err != nil {
			return fail(err)
		}
		if err := installStorage(ctx, &u, host, gfs2Packages, probes[i]); err != nil {
			return fail(err)
		}
	}

	var sigs activities.SignatureResult
	if err := do(ctx, creator, time.Minute, "blkid "+fsIn.Device, activities.SignaturesName, activities.SignatureInput{Devices: []string{fsIn.Device}}, &sigs); err != nil {
		return fail(err)
	}
	if sig := sigs.Signatures[0]; !hasGFS2(sig) {
		a, err := g.wait(ctx, runbooks.ApproveMkfs+":"+fsIn.Device, rb.AutoApproved(runbooks.ApproveMkfs))
		result.Approvals = append(result.Approvals, a)
		if err != nil {
			return fail(err)
		}
		summary := fmt.Sprintf("mkfs.gfs2 -p lock_dlm -t %s -j %d %s (approved by %s)", fs.LockTable, fs.Journals, fsIn.Device, a.By)
		if err := do(ctx, creator, 10*time.Minute, summary, activities.MakeFilesystemName, fsIn, nil); err != nil {
			return fail(err)
		}
		result.Irreversible = append(result.Irreversible, creator+": "+fsIn.Device+" formatted as GFS2 "+fs.LockTable)
	}

	for i, host := range clients {
		if !mounted(probes[i], fs.Mountpoint) {
			u.add(host, "umount "+fs.Mountpoint, activities.UnmountFilesystemName, fsIn)
		}
		if err := do(ctx, host, 5*time.Minute, "mount "+fsIn.Device+" "+fs.Mountpoint, activities.MountFilesystemName, fsIn, nil); err != nil {
			return fail(err)
		}
	}

	check := activities.FileCheckInput{Mountpoint: fs.Mountpoint, Name: FileCheckName}
	if err := do(ctx, creator, time.Minute, "touch "+fs.Mountpoint+"/"+FileCheckName, activities.TouchFileName, check, nil); err != nil {
		return fail(err)
	}
	for _, host := range clients {
		if host == creator {
			continue
		}
		var ls activities.FileCheckResult
		if err := workflow.ExecuteActivity(waitOnHost(ctx, host, "ls "+fs.Mountpoint), activities.ListFilesName, check).Get(ctx, &ls); err != nil {
			return fail(err)
		}
		result.Checks = append(result.Checks, fmt.Sprintf("%s created on %s, listed on %s: %v", FileCheckName, creator, host, ls.Files))
	}
	result.Undo = u.steps
	return result, nil
}

func hasGFS2(sig string) bool { return strings.Contains(sig, `TYPE="gfs2"`) }

func mounted(p activities.StorageProbeResult, dir string) bool {
	for _, m := range p.Mounts {
		if m.Dir == dir {
			return true
		}
	}
	return false
}
