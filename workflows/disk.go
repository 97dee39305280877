package workflows

import (
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
// partition table is not undone: the disk was spare.
func prepareDisk(host string, d runbooks.Disk) Step {
	return Step{Host: host, Summary: "parted " + d.Device + ": gpt, one lvm partition " + d.Partition, Activity: activities.PrepareDiskName,
		Input: activities.DiskInput{Device: d.Device, Partition: d.Partition}, Timeout: Command,
		Irreversible: host + ": partition table written on " + d.Device}
}

// PrepareDisk is part #2a in the guest: the host's spare disk gets a gpt
// label and one lvm partition. Writing a partition table is not undone (the
// disk was spare, and the run says so in its result).
func PrepareDisk(ctx workflow.Context, in HostInput) (StepResult, error) {
	loaded, err := loadRunbook(ctx, in.Ref, in.decoding)
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
	var p proc
	err = p.run(ctx, prepareDisk(h.FQDN, d), nil)
	return p.result(h.FQDN), err
}
