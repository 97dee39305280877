package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// DRBDPairInput names the DRBD resource of a storage cluster. In the Web UI:
//
//	{"runbook": "scalable-storage", "cluster": "storage0"}
type DRBDPairInput struct {
	runbooks.Ref
	decoding
	Planning
	Cluster  string `json:"cluster"`
	Resource string `json:"resource,omitempty"`
}

// drbdSpec is a pair as drbd.conf describes it.
func drbdSpec(rb *runbooks.Runbook, r runbooks.DRBDResource) activities.DRBDResource {
	spec := activities.DRBDResource{Name: r.Name, Device: r.Device, Protocol: r.Protocol, Rate: r.Rate, Port: r.Port}
	for _, n := range rb.PairNodes(r) {
		spec.Nodes = append(spec.Nodes, activities.DRBDNode{Host: n.FQDN, Address: n.Address, Disk: n.Disk})
	}
	return spec
}

// overwriteStep is the approval name of a pair's initial sync.
func overwriteStep(cluster, resource string) string {
	return fmt.Sprintf("%s:%s/%s", runbooks.ApproveDRBDOverwrite, cluster, resource)
}

// The steps of part #2b, declared once: DRBDPair and Startup call these.

func loadDRBD(host string, probe activities.StorageProbeResult) Step {
	return loadModule(host, "drbd", []string{"minor_count=1"}, probe)
}

func writeDRBDConf(host string, spec activities.DRBDResource, prior activities.FileState) Step {
	return Step{Host: host, Summary: "write " + activities.DRBDConfPath, Activity: activities.WriteDRBDConfName,
		Input: activities.DRBDConfInput{Resources: []activities.DRBDResource{spec}}, Timeout: Quick}.
		undoing("restore "+activities.DRBDConfPath, activities.RestoreFileName, activities.RestoreFileInput{State: prior})
}

func createMetadata(host string, spec activities.DRBDResource, disk string) Step {
	return Step{Host: host, Summary: "drbdadm create-md " + spec.Name, Activity: activities.CreateMetadataName,
		Input: activities.DRBDInput{Resource: spec}, Timeout: Slow, Irreversible: host + ": DRBD metadata written on " + disk}
}

// drbdUp brings a resource up; undo takes it down, data kept, when it was
// not up before the run.
func drbdUp(host string, spec activities.DRBDResource, wasUp bool) Step {
	st := Step{Host: host, Summary: "drbdadm up " + spec.Name, Activity: activities.DRBDUpName, Input: activities.DRBDInput{Resource: spec}, Timeout: Command}
	if !wasUp {
		st = st.undoing("drbdadm down "+spec.Name+" (data kept)", activities.DRBDDownName, activities.DRBDInput{Resource: spec})
	}
	return st
}

func drbdDown(host string, spec activities.DRBDResource) Step {
	return Step{Host: host, Summary: "drbdadm down " + spec.Name, Activity: activities.DRBDDownName, Input: activities.DRBDInput{Resource: spec}, Timeout: Command}
}

// drbdWait waits until the resource is connected, synced or primary; the
// wait for a sync heartbeats its progress on the pending step.
func drbdWait(host string, spec activities.DRBDResource, until string) Step {
	return Step{Host: host, Summary: "wait for DRBD " + spec.Name + ": " + until, Activity: activities.DRBDWaitName,
		Input: activities.DRBDWaitInput{Resource: spec, Until: until}, Timeout: UntilSynced}
}

// overwritePeer starts the initial sync from host, destroying the peer's
// data: it waits for an approval.
func overwritePeer(host, peer string, spec activities.DRBDResource, approval string, auto bool) Step {
	return Step{Host: host, Summary: "drbdadm -- --overwrite-data-of-peer primary " + spec.Name, Activity: activities.DRBDOverwritePeerName,
		Input: activities.DRBDInput{Resource: spec}, Timeout: Command, Approval: approval, AutoApproved: auto,
		Irreversible: peer + ": data overwritten by the initial sync from " + host}
}

func drbdPrimary(host string, spec activities.DRBDResource) Step {
	return Step{Host: host, Summary: "drbdadm primary " + spec.Name, Activity: activities.DRBDPrimaryName, Input: activities.DRBDInput{Resource: spec}, Timeout: Command}
}

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
	loaded, g, err := gated(ctx, in.Ref, in.decoding)
	if err != nil {
		return StepResult{}, err
	}
	rb := loaded.Runbook
	res, ok := rb.PairOf(in.Cluster, in.Resource)
	if !ok {
		return StepResult{}, badRequest("cluster %q of runbook %q has no DRBD resource %q", in.Cluster, rb.Name, in.Resource)
	}
	spec := drbdSpec(rb, res)
	from, peer := spec.Nodes[0].Host, spec.Nodes[1].Host
	if rb.FQDN(res.SyncFrom) == peer {
		from, peer = peer, from
	}

	p := proc{gate: g}
	probes := make([]activities.StorageProbeResult, 2)
	for i, n := range spec.Nodes {
		if probes[i], err = p.probe(ctx, n.Host, activities.StorageProbeInput{Packages: drbdPackages, Resources: []activities.DRBDResource{spec}}); err != nil {
			return p.result(""), err
		}
	}
	// Both sides at once, up to the point where they connect.
	err = first(p.each(ctx, 2, func(ctx workflow.Context, p *proc, i int) error {
		return drbdSide(ctx, p, spec, spec.Nodes[i], probes[i])
	}))
	if err != nil {
		return p.result(""), p.fail(ctx, err)
	}
	steps := []Step{drbdWait(from, spec, "connected")}
	// The initial sync is asked for, and overwrites the peer, only on a
	// pair that never had one: a pair whose sides were both UpToDate
	// before this run (a build run again) has nothing to overwrite.
	if !(inSync(probes) && since(ctx, overwriteOnlyNew)) {
		steps = append(steps, overwritePeer(from, peer, spec, overwriteStep(in.Cluster, spec.Name), rb.AutoApproved(runbooks.ApproveDRBDOverwrite)))
	}
	err = p.runAll(ctx, append(steps,
		drbdWait(from, spec, "synced"),
		drbdPrimary(peer, spec),
		drbdWait(from, spec, "primary"),
		drbdWait(peer, spec, "primary"))...)
	if err != nil {
		return p.result(""), p.fail(ctx, err)
	}
	return p.result(""), nil
}

// drbdSide brings one side of a pair up to connecting.
func drbdSide(ctx workflow.Context, p *proc, spec activities.DRBDResource, n activities.DRBDNode, probe activities.StorageProbeResult) error {
	if err := p.install(ctx, n.Host, drbdPackages, probe); err != nil {
		return err
	}
	return p.runAll(ctx,
		loadDRBD(n.Host, probe),
		writeDRBDConf(n.Host, spec, probe.DRBDConf),
		createMetadata(n.Host, spec, n.Disk),
		drbdUp(n.Host, spec, wasUp(probe)))
}

// inSync reports whether both sides were UpToDate before the run.
func inSync(probes []activities.StorageProbeResult) bool {
	for _, p := range probes {
		if len(p.DRBD) == 0 || p.DRBD[0].Disk != "UpToDate" || p.DRBD[0].PeerDisk != "UpToDate" {
			return false
		}
	}
	return true
}

// wasUp reports whether the probed resource was up before the run.
func wasUp(probe activities.StorageProbeResult) bool {
	return len(probe.DRBD) > 0 && probe.DRBD[0].Connection != "Unconfigured"
}
