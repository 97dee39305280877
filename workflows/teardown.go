package workflows

import (
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// TeardownStep is the approval Teardown waits for before it destroys the
// volume; no runbook can let it through on its own.
const TeardownStep = "teardown"

// TeardownResult is the stages done and who approved the destruction.
type TeardownResult struct {
	Stages       []string   `json:"stages"`
	Approvals    []Approval `json:"approvals,omitempty"`
	Irreversible []string   `json:"irreversible,omitempty"`
}

// Teardown takes the whole stack apart in the reverse of the build: it
// unmounts GFS2, and then, after a person approves (it destroys the
// filesystem and everything on it), removes the logical volume, the volume
// group and the physical volumes; then it stops the rest in the safe order
// of Shutdown. DRBD and GNBD are stopped, not wiped: their disks keep
// their data and metadata. In the Web UI: {"runbook": "scalable-storage"}
func Teardown(ctx workflow.Context, in RunbookInput) (TeardownResult, error) {
	loaded, g, err := gated(ctx, in.Ref, in.decoding)
	if err != nil {
		return TeardownResult{}, err
	}
	rb := loaded.Runbook
	stages := shutdownStages(rb)
	if rb.CLVM != nil {
		creator := rb.FQDN(rb.CLVM.Creator)
		remove := Step{Host: creator, Summary: "lvremove, vgremove, pvremove", Activity: activities.RemoveVolumeName,
			Input: activities.VolumeInput{VG: rb.CLVM.VG, LV: rb.CLVM.LV, PVs: rb.CLVM.PVs}, Timeout: Slow,
			Approval:     TeardownStep + ":" + rb.LVPath(),
			Irreversible: creator + ": " + rb.LVPath() + ", its filesystem and " + rb.CLVM.VG + " removed"}
		stages = slices.Insert(stages, 1, stage{name: "remove the volume (after approval)", hosts: []string{creator},
			steps: func(string) []Step { return []Step{remove} }})
	}
	p := proc{gate: g}
	done, err := p.stages(ctx, stages)
	return TeardownResult{Stages: done.Stages, Approvals: p.rep.Approvals, Irreversible: p.rep.Irreversible}, err
}
