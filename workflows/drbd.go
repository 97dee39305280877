package workflows

import (
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// DRBDPairInput names the DRBD resource of a storage cluster. In the Web UI:
//
//	{"runbook": "scalable-storage", "cluster": "storage0"}
type DRBDPairInput struct {
	activities.RunbookRef
	Cluster  string `json:"cluster"`
	Resource string `json:"resource,omitempty"`
}

// syncWait bounds the initial sync: a 1 GiB disk at 10M takes under two
// minutes, a real disk hours.
const syncWait = 48 * time.Hour

// DRBDPair is part #2b: on both hosts install DRBD, load the module, write
// drbd.conf, create the metadata and bring the resource up; once the two
// sides see each other, and after a person approves (the overwrite destroys
// the peer's data), start the initial sync from one side, wait for it with
// its progress on the pending step, and promote the other side: Primary/
// Primary, UpToDate/UpToDate.
//
// On failure or rejection it takes the resource down on both hosts without
// touching the data, and undoes the rest; metadata once written stays, and
// the result says so.
func DRBDPair(ctx workflow.Context, in DRBDPairInput) (StepResult, error) {
	g, err := newGate(ctx)
	if err != nil {
		return StepResult{}, err
	}
	loaded, err := loadRunbook(ctx, in.RunbookRef)
	if err != nil {
		return StepResult{}, err
	}
	rb := loaded.Runbook
	res, spec, err := drbdResource(rb, in.Cluster, in.Resource)
	if err != nil {
		return StepResult{}, err
	}
	from, peer := spec.Nodes[0].Host, spec.Nodes[1].Host
	if rb.FQDN(res.SyncFrom) == peer {
		from, peer = peer, from
	}

	var result StepResult
	var u undoLog
	fail := func(err error) (StepResult, error) {
		return result, u.run(ctx, err)
	}
	probes := make([]activities.StorageProbeResult, 2)
	for i, n := range spec.Nodes {
		if probes[i], err = probeStorage(ctx, n.Host, activities.StorageProbeInput{Packages: drbdPackages, Resources: []activities.DRBDResource{spec}}); err != nil {
			return result, err
		}
	}

	// Both sides at once: up to the point where they connect.
	errs := make([]error, 2)
	logs := make([]undoLog, 2)
	wg := workflow.NewWaitGroup(ctx)
	for i, n := range spec.Nodes {
		wg.Add(1)
		workflow.Go(ctx, func(ctx workflow.Context) {
			defer wg.Done()
			errs[i] = drbdSide(ctx, &logs[i], n.Host, spec, probes[i])
		})
	}
	wg.Wait(ctx)
	for i := range logs {
		u.addAll(logs[i].steps)
	}
	for i, err := range errs {
		if err != nil {
			return fail(err)
		}
		if !wasUp(probes[i]) {
			result.Irreversible = append(result.Irreversible, spec.Nodes[i].Host+": DRBD metadata written on "+spec.Nodes[i].Disk)
		}
	}
	wait := func(host, until string) error {
		return do(waitSync(ctx, host, "wait for DRBD "+spec.Name+": "+until), host, 0, "", activities.DRBDWaitName,
			activities.DRBDWaitInput{Resource: spec, Until: until}, nil)
	}
	if err := wait(from, "connected"); err != nil {
		return fail(err)
	}

	approval, err := g.wait(ctx, overwriteStep(in.Cluster, spec.Name), rb.AutoApproved(runbooks.ApproveDRBDOverwrite))
	result.Approvals = append(result.Approvals, approval)
	if err != nil {
		return fail(err)
	}
	if err := do(ctx, from, 2*time.Minute, "drbdadm -- --overwrite-data-of-peer primary "+spec.Name+" (approved by "+approval.By+")",
		activities.DRBDOverwritePeerName, activities.DRBDInput{Resource: spec}, nil); err != nil {
		return fail(err)
	}
	result.Irreversible = append(result.Irreversible, peer+": data overwritten by the initial sync from "+from)
	if err := wait(from, "synced"); err != nil {
		return fail(err)
	}
	if err := do(ctx, peer, 2*time.Minute, "drbdadm primary "+spec.Name, activities.DRBDPrimaryName, activities.DRBDInput{Resource: spec}, nil); err != nil {
		return fail(err)
	}
	for _, h := range []string{from, peer} {
		if err := wait(h, "primary"); err != nil {
			return fail(err)
		}
	}
	result.Undo = u.steps
	return result, nil
}

// drbdSide brings one side of a pair up to connecting, pushing each undo
// first.
func drbdSide(ctx workflow.Context, u *undoLog, host string, spec activities.DRBDResource, probe activities.StorageProbeResult) error {
	if err := installStorage(ctx, u, host, drbdPackages, probe); err != nil {
		return err
	}
	if !slices.Contains(probe.Modules, "drbd") {
		u.add(host, "modprobe -r drbd", activities.UnloadModuleName, activities.ModuleInput{Name: "drbd"})
	}
	if err := do(ctx, host, time.Minute, "modprobe drbd minor_count=1", activities.LoadModuleName,
		activities.ModuleInput{Name: "drbd", Options: []string{"minor_count=1"}}, nil); err != nil {
		return err
	}
	u.add(host, "restore "+activities.DRBDConfPath, activities.RestoreFileName, activities.RestoreFileInput{State: probe.DRBDConf})
	if err := do(ctx, host, time.Minute, "write "+activities.DRBDConfPath, activities.WriteDRBDConfName,
		activities.DRBDConfInput{Resources: []activities.DRBDResource{spec}}, nil); err != nil {
		return err
	}
	if err := do(ctx, host, 5*time.Minute, "drbdadm create-md "+spec.Name, activities.CreateMetadataName, activities.DRBDInput{Resource: spec}, nil); err != nil {
		return err
	}
	if !wasUp(probe) {
		u.add(host, "drbdadm down "+spec.Name+" (data kept)", activities.DRBDDownName, activities.DRBDInput{Resource: spec})
	}
	return do(ctx, host, 2*time.Minute, "drbdadm up "+spec.Name, activities.DRBDUpName, activities.DRBDInput{Resource: spec}, nil)
}

// waitSync is the options of a DRBD wait: long, heartbeating, and retried
// on any failure but a permanent one until syncWait, so a killed agent's
// wait resumes on the restarted agent.
func waitSync(ctx workflow.Context, host, summary string) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:              activities.HostQueue(host),
		ScheduleToStartTimeout: hostPickup,
		ScheduleToCloseTimeout: syncWait,
		StartToCloseTimeout:    syncWait,
		HeartbeatTimeout:       heartbeat,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        10 * time.Second,
			NonRetryableErrorTypes: activities.NonRetryable,
		},
		Summary: host + ": " + summary,
	})
}

// wasUp reports whether the probed resource was up before the run.
func wasUp(probe activities.StorageProbeResult) bool {
	return len(probe.DRBD) > 0 && probe.DRBD[0].Connection != "Unconfigured"
}
