package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// ExpandCapacityInput grows a built stack by the storage clusters named,
// which the runbook (the built one plus the new pair) describes. In the
// Web UI:
//
//	{"runbook": "scalable-storage-expand", "clusters": ["storage2"]}
type ExpandCapacityInput struct {
	activities.RunbookRef
	Clusters []string `json:"clusters"`
}

// ExpandCapacity is the procedure the author planned and never wrote: add a
// storage pair while the filesystem stays mounted. The new hosts form their
// cman cluster; their disks, DRBD pair and exports (with the new uid) come
// up as in StorageLayer; every client imports the new exports, and
// multipathd, which runs, builds the new map; then, on the volume's
// creator, the new map becomes a PV, the VG and LV grow, and gfs2_grow
// grows the mounted filesystem. A new map that carries a signature waits
// for an approval before pvcreate wipes it. If a step before the volume
// fails, the new pair is undone; the volume's growth is not (it is named).
func ExpandCapacity(ctx workflow.Context, in ExpandCapacityInput) (StorageLayerResult, error) {
	g, err := newGate(ctx)
	if err != nil {
		return StorageLayerResult{}, err
	}
	loaded, err := loadRunbook(ctx, in.RunbookRef)
	if err != nil {
		return StorageLayerResult{}, err
	}
	rb := loaded.Runbook
	if rb.CLVM == nil || rb.GFS2 == nil || len(in.Clusters) == 0 {
		return StorageLayerResult{}, badRequest("expand needs a runbook with clvm and gfs2, and the new clusters to add")
	}
	var pairs []runbooks.DRBDResource
	for _, name := range in.Clusters {
		if _, _, err := resolveCluster(rb, name); err != nil {
			return StorageLayerResult{}, err
		}
		for _, r := range rb.DRBD {
			if clusterOfHosts(rb, r) == name {
				pairs = append(pairs, r)
			}
		}
	}
	if len(pairs) == 0 {
		return StorageLayerResult{}, badRequest("clusters %v have no DRBD pair in runbook %q", in.Clusters, rb.Name)
	}
	id := workflow.GetInfo(ctx).WorkflowExecution.ID
	l := &layer{ref: loaded.Ref, id: id, res: StorageLayerResult{Runbook: rb.Name}}

	// The new clusters; their nodes are undone with the rest on failure.
	var clusters FormClustersResult
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: id + "/clusters", StaticSummary: "cman clusters " + strings.Join(in.Clusters, ", ")})
	if err := workflow.ExecuteChildWorkflow(cctx, FormClustersName, FormClustersInput{RunbookRef: loaded.Ref, Clusters: in.Clusters}).Get(ctx, &clusters); err != nil {
		return l.res, runFailure(fmt.Errorf("clusters: %w", err), l.res)
	}
	l.res.Done = append(l.res.Done, "clusters")
	fail := func(cause error) (StorageLayerResult, error) {
		err := l.fail(ctx, cause)
		s := saga{}
		for i := range clusters.Changes {
			s.add(&clusters.Changes[i])
		}
		if uerr := s.compensate(ctx, nil); uerr != nil {
			return l.res, undoFailed(err, []error{uerr})
		}
		return l.res, err
	}

	if err := l.pairs(ctx, rb, pairs); err != nil {
		return fail(err)
	}
	// Every client takes the new exports; multipath, running, maps them.
	if err := l.clients(ctx, rb); err != nil {
		return fail(err)
	}

	// The volume and the filesystem grow, mounted throughout.
	creator := rb.FQDN(rb.CLVM.Creator)
	vol := activities.VolumeInput{VG: rb.CLVM.VG, LV: rb.CLVM.LV, PVs: rb.CLVM.PVs, Extents: rb.CLVM.Extents}
	var sigs activities.SignatureResult
	if err := do(ctx, creator, time.Minute, "blkid "+strings.Join(vol.PVs, " "), activities.SignaturesName, activities.SignatureInput{Devices: vol.PVs}, &sigs); err != nil {
		return fail(err)
	}
	for i, pv := range vol.PVs {
		if activities.IsPV(sigs.Signatures[i]) {
			continue // one of the volume's PVs already
		}
		wipe := sigs.Signatures[i] != ""
		if wipe {
			a, err := g.wait(ctx, runbooks.ApprovePVCreate+":"+pv, rb.AutoApproved(runbooks.ApprovePVCreate))
			l.res.Approvals = append(l.res.Approvals, a)
			if err != nil {
				return fail(err)
			}
		}
		if err := do(ctx, creator, 2*time.Minute, "pvcreate "+pv, activities.PVCreateName, activities.PVInput{Device: pv, Wipe: wipe}, nil); err != nil {
			return fail(err)
		}
		l.res.Irreversible = append(l.res.Irreversible, creator+": "+pv+" made a physical volume of "+vol.VG)
	}
	if err := do(ctx, creator, 5*time.Minute, fmt.Sprintf("vgextend %s, lvextend -l %d /dev/%s/%s", vol.VG, vol.Extents, vol.VG, vol.LV), activities.ExtendVolumeName, vol, nil); err != nil {
		return fail(err)
	}
	l.res.Irreversible = append(l.res.Irreversible, fmt.Sprintf("%s: /dev/%s/%s grown to %d extents", creator, vol.VG, vol.LV, vol.Extents))
	for _, c := range rb.CLVM.Clients {
		host := rb.FQDN(c)
		if err := workflow.ExecuteActivity(waitOnHost(ctx, host, fmt.Sprintf("lvdisplay: %d extents", vol.Extents)), activities.LogicalVolumeName, vol).Get(ctx, nil); err != nil {
			return fail(err)
		}
	}
	fsIn := activities.FilesystemInput{Device: "/dev/" + vol.VG + "/" + vol.LV, LockTable: rb.GFS2.LockTable, Journals: rb.GFS2.Journals, Mountpoint: rb.GFS2.Mountpoint}
	if err := do(ctx, creator, 10*time.Minute, "gfs2_grow "+fsIn.Mountpoint, activities.GrowFilesystemName, fsIn, nil); err != nil {
		return fail(err)
	}
	l.res.Irreversible = append(l.res.Irreversible, creator+": GFS2 on "+fsIn.Device+" grown")
	l.res.Undo = l.undo.steps
	return l.res, nil
}
