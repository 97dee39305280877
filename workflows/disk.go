package workflows

import (
	"errors"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// HostInput names a runbook and one of its hosts. In the Web UI:
//
//	{"runbook": "scalable-storage", "host": "storage0a"}
type HostInput struct {
	runbooks.Ref
	decoding
	Planning
	Host string `json:"host"`
}

// StepResult is what a data-path procedure did: the undos a parent runs if
// a later procedure fails, and the changes no undo reverses.
type StepResult struct {
	Host         string     `json:"host,omitempty"`
	Undo         []UndoStep `json:"undo,omitempty"`
	Irreversible []string   `json:"irreversible,omitempty"`
	Approvals    []Approval `json:"approvals,omitempty"`
	// Checks are what the procedure verified, in words.
	Checks []string `json:"checks,omitempty"`
}

// hostOf resolves a host of the runbook by short name or FQDN; another
// name is a bad request.
func hostOf(rb *runbooks.Runbook, name string) (runbooks.Host, error) {
	h, ok := rb.Lookup(name)
	if !ok {
		return h, badRequest("runbook %q has no host %q", rb.Name, name)
	}
	return h, nil
}

// prepareDisk labels a spare disk gpt with one lvm partition. Writing a
// partition table is not undone: the disk was spare. label is the
// approval to label a disk that has no partition table (see labelDisk).
func prepareDisk(host string, d runbooks.Disk, label bool) Step {
	return Step{Host: host, Summary: "parted " + d.Device + ": gpt, one lvm partition " + d.Partition, Activity: activities.PrepareDiskName,
		Input: activities.DiskInput{Device: d.Device, Partition: d.Partition, Label: label}, Timeout: Command,
		Irreversible: host + ": partition table written on " + d.Device}
}

// labelStep is the approval to label a host's disk that has no partition
// table.
func labelStep(host, device string) string {
	return runbooks.ApproveLabel + ":" + host + ":" + device
}

// labelDisk is prepareDisk on a disk with no partition table, which may
// hold data on the whole of it: it waits for an approval, and then labels.
func labelDisk(rb *runbooks.Runbook, host string, d runbooks.Disk) Step {
	st := prepareDisk(host, d, true)
	st.Approval, st.AutoApproved = labelStep(host, d.Device), rb.AutoApproved(runbooks.ApproveLabel)
	return st
}

// unlabelled reports whether a step failed on a disk with no partition
// table that it may not label without an approval.
func unlabelled(err error) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.Type() == activities.ErrUnlabelled
}

// PrepareDisk is part #2a in the guest: the host's spare disk gets a gpt
// label and one lvm partition. A disk with no partition table at all may
// hold data on the whole of it, so labelling it waits for an approval
// (disk-label:<fqdn>:<device>); a disk already labelled, or with an empty
// label, asks nothing. Writing a partition table is not undone (the disk
// was spare, and the run says so in its result).
func PrepareDisk(ctx workflow.Context, in HostInput) (StepResult, error) {
	loaded, g, err := gated(ctx, in.Ref, in.decoding)
	if err != nil {
		return StepResult{}, err
	}
	h, err := hostOf(loaded.Runbook, in.Host)
	if err != nil {
		return StepResult{}, err
	}
	d, ok := loaded.Runbook.Disk(h.Name)
	if !ok {
		return StepResult{}, badRequest("runbook %q has no disk on %s", loaded.Runbook.Name, h.Name)
	}
	p := proc{gate: g}
	// Runs from before the approval label a disk with none, as they did.
	err = p.run(ctx, prepareDisk(h.FQDN, d, !since(ctx, labelApproved)), nil)
	if unlabelled(err) {
		// The agent said what is on the disk in its refusal, which the
		// history shows; a person decides, then the step runs again.
		workflow.GetLogger(ctx).Info("disk has no partition table: labelling it waits for an approval", "host", h.FQDN, "disk", d.Device, "error", err)
		err = p.run(ctx, labelDisk(loaded.Runbook, h.FQDN, d), nil)
	}
	return p.result(h.FQDN), err
}
