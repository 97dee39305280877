package workflows

import (
	"fmt"
	"strings"

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
	runbooks.Ref
	decoding
	Planning
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
	loaded, g, err := gated(ctx, in.Ref, in.decoding)
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
			if rb.ClusterOfPair(r) == name {
				pairs = append(pairs, r)
			}
		}
	}
	if len(pairs) == 0 {
		return StorageLayerResult{}, badRequest("clusters %v have no DRBD pair in runbook %q", in.Clusters, rb.Name)
	}
	l := newLayer(ctx, loaded)

	// The new clusters; their nodes are undone with the rest on failure,
	// last.
	var clusters FormClustersResult
	if err := child(ctx, l.id+"/clusters", "cman clusters "+strings.Join(in.Clusters, ", "), FormClustersName,
		FormClustersInput{Ref: loaded.Ref, Clusters: in.Clusters}, &clusters); err != nil {
		return l.res, runFailure(fmt.Errorf("clusters: %w", err), l.res)
	}
	l.undo.pushNodes(clusters.Changes)
	l.res.Done = append(l.res.Done, "clusters")

	if err := l.pairs(ctx, pairs); err != nil {
		return l.res, l.fail(ctx, err)
	}
	// Every client takes the new exports; multipath, running, maps them.
	if err := l.clients(ctx); err != nil {
		return l.res, l.fail(ctx, err)
	}

	// The volume and the filesystem grow, mounted throughout. None of it
	// is undone: a grown volume may already hold data.
	p := proc{gate: g}
	err = growVolume(ctx, &p, rb)
	l.res.Approvals = append(l.res.Approvals, p.rep.Approvals...)
	l.res.Irreversible = append(l.res.Irreversible, p.rep.Irreversible...)
	if err != nil {
		return l.res, l.fail(ctx, err)
	}
	l.res.Undo = l.undo.steps()
	return l.res, nil
}

// growVolume makes the new maps physical volumes of the volume group, grows
// the logical volume to the runbook's extents, waits until every client
// sees it, and grows the mounted filesystem.
func growVolume(ctx workflow.Context, p *proc, rb *runbooks.Runbook) error {
	creator := rb.FQDN(rb.CLVM.Creator)
	vol := volumeOf(rb)
	sigs, err := p.signatures(ctx, creator, vol.PVs)
	if err != nil {
		return err
	}
	var steps []Step
	for i, pv := range vol.PVs {
		if activities.IsPV(sigs[i]) {
			continue // one of the volume's PVs already
		}
		steps = append(steps, pvCreate(rb, creator, pv, sigs[i], creator+": "+pv+" made a physical volume of "+vol.VG))
	}
	steps = append(steps, Step{Host: creator, Summary: fmt.Sprintf("vgextend %s, lvextend -l %d %s", vol.VG, vol.Extents, rb.LVPath()),
		Activity: activities.ExtendVolumeName, Input: vol, Timeout: Slow,
		Irreversible: fmt.Sprintf("%s: %s grown to %d extents", creator, rb.LVPath(), vol.Extents)})
	for _, host := range rb.FQDNs(rb.CLVM.Clients) {
		steps = append(steps, lvDisplay(host, vol, fmt.Sprintf("lvdisplay: %d extents", vol.Extents), UntilSettled))
	}
	fs := filesystemOf(rb)
	steps = append(steps, Step{Host: creator, Summary: "gfs2_grow " + fs.Mountpoint, Activity: activities.GrowFilesystemName, Input: fs, Timeout: Install,
		Irreversible: creator + ": GFS2 on " + fs.Device + " grown"})
	return p.runAll(ctx, steps...)
}
