package workflows

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// FileCheckName is the file part #5 creates on one client and lists on the
// others.
const FileCheckName = "ieiri"

// The steps of part #5's filesystem, declared once: GFS2, ExpandCapacity,
// Startup, Shutdown and Teardown call these.

func filesystemOf(rb *runbooks.Runbook) activities.FilesystemInput {
	fs := rb.GFS2
	return activities.FilesystemInput{Device: rb.LVPath(), LockTable: fs.LockTable, Journals: fs.Journals, Mountpoint: fs.Mountpoint}
}

// mkfs formats the volume, destroying what it held: it waits for an
// approval.
func mkfs(rb *runbooks.Runbook, host string, fs activities.FilesystemInput) Step {
	return Step{Host: host, Summary: fmt.Sprintf("mkfs.gfs2 -p lock_dlm -t %s -j %d %s", fs.LockTable, fs.Journals, fs.Device),
		Activity: activities.MakeFilesystemName, Input: fs, Timeout: Install,
		Approval: runbooks.ApproveMkfs + ":" + fs.Device, AutoApproved: rb.AutoApproved(runbooks.ApproveMkfs),
		Irreversible: host + ": " + fs.Device + " formatted as GFS2 " + fs.LockTable}
}

// mount mounts the filesystem; its undo unmounts it when it was not
// mounted before the run.
func mount(host string, fs activities.FilesystemInput, wasMounted bool) Step {
	st := Step{Host: host, Summary: "mount " + fs.Device + " " + fs.Mountpoint, Activity: activities.MountFilesystemName, Input: fs, Timeout: Slow}
	if !wasMounted {
		st = st.undoing("umount "+fs.Mountpoint, activities.UnmountFilesystemName, fs)
	}
	return st
}

func unmount(host string, fs activities.FilesystemInput) Step {
	return Step{Host: host, Summary: "umount " + fs.Mountpoint, Activity: activities.UnmountFilesystemName, Input: fs, Timeout: Slow}
}

// GFS2 is part #5's filesystem: install gfs2-utils on every client; after
// an approval (it destroys what the LV held), `mkfs.gfs2 -p lock_dlm -t
// <cluster>:<fs> -j <journals>` on one client, answering its prompt only
// then; mount on every client; and the check of part #5: a file created on
// one client is listed on the others.
func GFS2(ctx workflow.Context, in RunbookInput) (StepResult, error) {
	loaded, g, err := gated(ctx, in.Ref, in.decoding)
	if err != nil {
		return StepResult{}, err
	}
	rb := loaded.Runbook
	if rb.GFS2 == nil || rb.CLVM == nil {
		return StepResult{}, badRequest("runbook %q has no gfs2 section", rb.Name)
	}
	creator := rb.FQDN(rb.GFS2.Creator)
	fs := filesystemOf(rb)
	p := proc{gate: g}

	clients := rb.FQDNs(rb.GFS2.Clients)
	probes := make([]activities.StorageProbeResult, len(clients))
	for i, host := range clients {
		if probes[i], err = p.probe(ctx, host, activities.StorageProbeInput{Packages: gfs2Packages}); err != nil {
			return p.result(""), p.fail(ctx, err)
		}
		if err := p.install(ctx, host, gfs2Packages, probes[i]); err != nil {
			return p.result(""), p.fail(ctx, err)
		}
	}

	sigs, err := p.signatures(ctx, creator, []string{fs.Device})
	if err != nil {
		return p.result(""), p.fail(ctx, err)
	}
	var steps []Step
	switch {
	case !strings.Contains(sigs[0], `TYPE="gfs2"`):
		steps = append(steps, mkfs(rb, creator, fs))
	case strings.Contains(sigs[0], "LABEL=") && !strings.Contains(sigs[0], `LABEL="`+fs.LockTable+`"`) && since(ctx, foreignGFS2Refused):
		// A GFS2 of another lock table (blkid shows it as the label) is
		// another cluster's filesystem: mounting it here, or formatting
		// it, is a person's decision. A blkid too old to show the label
		// tells nothing against the runbook's own.
		return p.result(""), p.fail(ctx, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%s on %s holds a GFS2 of another lock table (%s), not %s: a person must decide what it holds", fs.Device, creator, sigs[0], fs.LockTable),
			ErrForeignData, nil))
	}
	for i, host := range clients {
		steps = append(steps, mount(host, fs, mounted(probes[i], fs.Mountpoint)))
	}
	check := activities.FileCheckInput{Mountpoint: fs.Mountpoint, Name: FileCheckName}
	steps = append(steps, Step{Host: creator, Summary: "touch " + fs.Mountpoint + "/" + FileCheckName, Activity: activities.TouchFileName, Input: check, Timeout: Quick})
	if err := p.runAll(ctx, steps...); err != nil {
		return p.result(""), p.fail(ctx, err)
	}
	for _, host := range clients {
		if host == creator {
			continue
		}
		var ls activities.FileCheckResult
		if err := p.run(ctx, Step{Host: host, Summary: "ls " + fs.Mountpoint, Activity: activities.ListFilesName, Input: check, Timeout: UntilSettled}, &ls); err != nil {
			return p.result(""), p.fail(ctx, err)
		}
		p.rep.Checks = append(p.rep.Checks, fmt.Sprintf("%s created on %s, listed on %s: %v", FileCheckName, creator, host, ls.Files))
	}
	return p.result(""), nil
}

func mounted(p activities.StorageProbeResult, dir string) bool {
	for _, m := range p.Mounts {
		if m.Dir == dir {
			return true
		}
	}
	return false
}
