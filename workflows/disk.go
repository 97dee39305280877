package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// HostInput names a runbook and one of its hosts. In the Web UI:
//
//	{"runbook": "scalable-storage", "host": "storage0a"}
type HostInput struct {
	activities.RunbookRef
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

// PrepareDisk is part #2a in the guest: the host's spare disk gets a gpt
// label and one lvm partition. Writing a partition table is not undone (the
// disk was spare, and the run says so in its result).
func PrepareDisk(ctx workflow.Context, in HostInput) (StepResult, error) {
	loaded, err := loadRunbook(ctx, in.RunbookRef)
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
	res := StepResult{Host: h.FQDN}
	var disk activities.DiskResult
	err = do(ctx, h.FQDN, 2*time.Minute, "parted "+d.Device+": gpt, one lvm partition "+d.Partition, activities.PrepareDiskName,
		activities.DiskInput{Device: d.Device, Partition: d.Partition}, &disk)
	if disk.Changed {
		res.Irreversible = append(res.Irreversible, h.FQDN+": partition table written on "+d.Device)
	}
	return res, err
}
