package workflows

import (
	"slices"
	"time"

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
	g, err := newGate(ctx)
	if err != nil {
		return TeardownResult{}, err
	}
	loaded, err := loadRunbook(ctx, in.RunbookRef)
	if err != nil {
		return TeardownResult{}, err
	}
	t := topologyOf(loaded.Runbook)
	stages := shutdownStages(t)
	var res TeardownResult
	if rb := t.rb; rb.CLVM != nil {
		vol := activities.VolumeInput{VG: rb.CLVM.VG, LV: rb.CLVM.LV, PVs: rb.CLVM.PVs}
		remove := stage{"remove the volume (after approval)", []string{rb.FQDN(rb.CLVM.Creator)}, func(ctx workflow.Context, host string) error {
			a, err := g.wait(ctx, TeardownStep+":/dev/"+vol.VG+"/"+vol.LV, false)
			res.Approvals = append(res.Approvals, a)
			if err != nil {
				return err
			}
			res.Irreversible = append(res.Irreversible, host+": /dev/"+vol.VG+"/"+vol.LV+", its filesystem and "+vol.VG+" removed (approved by "+a.By+")")
			return do(ctx, host, 5*time.Minute, "lvremove, vgremove, pvremove (approved by "+a.By+")", activities.RemoveVolumeName, vol, nil)
		}, nil}
		stages = slices.Insert(stages, 1, remove)
	}
	done, err := runStages(ctx, stages)
	res.Stages = done.Stages
	return res, err
}
