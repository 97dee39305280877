package workflows

import (
	"fmt"
	"slices"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/names"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// RepairResult is what a repair found, did, and left.
type RepairResult struct {
	Runbook string             `json:"runbook"`
	Hosts   int                `json:"hosts"`
	Before  []findings.Finding `json:"before"`
	// Repaired are the repairs run, in order: a layer and its hosts.
	Repaired []string           `json:"repaired,omitempty"`
	After    []findings.Finding `json:"after"`
	// Worst is the worst severity left, "" when nothing is.
	Worst        findings.Severity `json:"worst,omitempty"`
	Approvals    []Approval        `json:"approvals,omitempty"`
	Irreversible []string          `json:"irreversible,omitempty"`
}

// ErrRepairFailed is a repair whose step failed: the layers above it were
// left alone, and the result in the error's details says what was done.
const ErrRepairFailed = "RepairFailed"

// Repair checks the runbook's hosts, repairs what it found layer by layer
// from the bottom (a layer's repair waits for the layers below it), with
// the build's own steps for each layer re-run idempotently, and checks
// again: its result has the findings before and after. A safe repair runs
// without a person only for codes the runbook lists in checks.repair; the
// others wait for the approval repair:LAYER. A split brain's repair
// discards the writes of the side that is not the pair's sync source, and
// waits for an approval that names them, whatever the runbook says.
// Findings left to a person (an agent down, quorum lost) are reported, not
// touched. Nothing a repair did is undone when a later step fails: each
// step only brings a host closer to the built state. In the Web UI:
//
//	{"runbook": "scalable-storage"}
func Repair(ctx workflow.Context, in RunbookInput) (RepairResult, error) {
	loaded, g, err := gated(ctx, in.Ref, in.decoding)
	if err != nil {
		return RepairResult{}, err
	}
	rb := loaded.Runbook
	expects := expectations(rb)
	ignore := codes(rb.Checks.Ignore)
	res := RepairResult{Runbook: rb.Name, Hosts: len(rb.Hosts)}
	res.Before = findings.Analyze(inspectAll(ctx, expects), ignore)

	p := proc{gate: g}
	var failed error
	for _, r := range repairs(rb, res.Before) {
		if err := r.run(ctx, &p); err != nil {
			failed = fmt.Errorf("%s: %w", r.name, err)
			break
		}
		res.Repaired = append(res.Repaired, r.name+" on "+strings.Join(r.hosts(), ", "))
	}
	res.Approvals, res.Irreversible = p.rep.Approvals, p.rep.Irreversible

	if planning(ctx) != nil {
		return res, failed // the plan of a repair is its steps
	}
	res.After = findings.Analyze(inspectAll(ctx, expects), ignore)
	res.Worst = findings.Worst(res.After)
	if res.Before == nil {
		res.Before = []findings.Finding{}
	}
	if res.After == nil {
		res.After = []findings.Finding{}
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx,
		RunbookAttr.ValueSet(rb.Name),
		FindingsAttr.ValueSet(int64(len(res.After))),
		SeverityAttr.ValueSet(string(res.Worst))); err != nil {
		return res, err
	}
	workflow.SetCurrentDetails(ctx, fmt.Sprintf("**Before:**\n\n%s\n\n**Repaired:** %s\n\n**After:**\n\n%s",
		findingsTable(CheckResult{Runbook: rb.Name, Hosts: len(rb.Hosts), Findings: res.Before, Worst: findings.Worst(res.Before)}),
		cell(strings.Join(res.Repaired, "; ")),
		findingsTable(CheckResult{Runbook: rb.Name, Hosts: len(rb.Hosts), Findings: res.After, Worst: res.Worst})))
	if failed != nil {
		return res, temporal.NewNonRetryableApplicationError(failed.Error(), ErrRepairFailed, failed, res)
	}
	return res, nil
}

// repair is one layer's repair: an approval, then a stage of the build's
// own steps on the hosts that need it.
type repair struct {
	name  string
	layer findings.Layer
	// approval is what it waits for, "" for a repair the runbook lets
	// through; destructive repairs carry their approval on their step.
	approval string
	auto     bool
	stage    stage
}

func (r repair) hosts() []string { return r.stage.hosts }

func (r repair) run(ctx workflow.Context, p *proc) error {
	if r.approval != "" {
		a, err := p.gate.wait(ctx, r.approval, r.auto)
		p.rep.Approvals = append(p.rep.Approvals, a)
		if err != nil {
			return err
		}
	}
	_, err := p.stages(ctx, []stage{r.stage})
	return err
}

// repairs are the repairs of fs, bottom layer first: for each layer with a
// finding some step of the build puts right, the stage that runs those
// steps on the hosts concerned. Findings left to a person make none.
func repairs(rb *runbooks.Runbook, fs []findings.Finding) []repair {
	on := func(layer findings.Layer, codes ...findings.Code) (hosts []string, found []findings.Finding) {
		for _, f := range fs {
			// Manual findings are a person's; destructive ones get their
			// own step, asked for by name, or none.
			if f.Layer == layer && f.Repair.Kind == findings.Safe && (len(codes) == 0 || slices.Contains(codes, f.Code)) {
				found = append(found, f)
				if !slices.Contains(hosts, f.Host) {
					hosts = append(hosts, f.Host)
				}
			}
		}
		return hosts, found
	}
	var out []repair
	add := func(layer findings.Layer, name string, found []findings.Finding, st stage) {
		if len(st.hosts) == 0 {
			return
		}
		auto := true
		for _, f := range found {
			// A destructive repair asks on its own step, by name.
			auto = auto && (findings.Destroys(f.Code) || rb.Checks.AutoRepaired(string(f.Code)))
		}
		out = append(out, repair{name: name, layer: layer, approval: "repair:" + string(layer), auto: auto, stage: st})
	}
	var none activities.StorageProbeResult

	hosts, missing := on(findings.LayerHost, findings.PackageMissing)
	add(findings.LayerHost, "install the missing packages", missing, stage{"install packages", hosts, func(host string) []Step {
		var pkgs []string
		for _, f := range missing {
			if f.Host == host {
				pkgs = append(pkgs, f.Subject)
			}
		}
		return []Step{ensurePackages(host, pkgs)}
	}, nil})

	// A skew is put right from the member with the newest file.
	var pushers []string
	_, skews := on(findings.LayerCluster, findings.ConfigSkew)
	for _, f := range skews {
		if !slices.Contains(pushers, f.Repair.On) {
			pushers = append(pushers, f.Repair.On)
		}
	}
	add(findings.LayerCluster, "push the newest cluster.conf", skews, stage{"ccs_tool update", pushers, func(host string) []Step {
		return []Step{pushClusterConf(host)}
	}, nil})

	hosts, found := on(findings.LayerCluster, findings.CmanNotRunning)
	add(findings.LayerCluster, "start cman", found, stage{"start cman", hosts, func(host string) []Step {
		h, _ := rb.Lookup(host)
		c, _ := rb.ClusterOf(h.Name)
		return []Step{startCman(host, c)}
	}, nil})

	// DRBD: a split brain first, destructive and asked for by name; then
	// every pair with a finding, both sides, brought up, connected,
	// synced and primary as Startup does.
	var victims []string
	for _, f := range fs {
		if f.Code != findings.DRBDSplitBrain {
			continue
		}
		d, _ := rb.PairOn(f.Host)
		if victim := victimOf(rb, d); f.Host == victim && !slices.Contains(victims, victim) {
			victims = append(victims, victim)
		}
	}
	if len(victims) > 0 {
		out = append(out, repair{name: "resolve the split brain", layer: findings.LayerDRBD, stage: stage{"discard the victim's writes", victims, func(host string) []Step {
			spec := pairOn(rb, host)
			return []Step{discardMyData(rb, host, spec)}
		}, nil}})
	}
	hosts, found = on(findings.LayerDRBD)
	hosts = append(hosts, victims...) // the pairs to bring back after the resolution
	var pairHosts []string
	for _, h := range hosts {
		d, _ := rb.PairOn(h)
		for _, n := range rb.FQDNs(d.Hosts) {
			if !slices.Contains(pairHosts, n) {
				pairHosts = append(pairHosts, n)
			}
		}
	}
	add(findings.LayerDRBD, "DRBD up, connected, both primary", found, stage{"DRBD up, connected, both primary", pairHosts, func(host string) []Step {
		spec := pairOn(rb, host)
		return []Step{writeDRBDConf(host, spec, activities.FileState{}), loadDRBD(host, none), drbdUp(host, spec, true), drbdConnect(host, spec),
			drbdWait(host, spec, "synced"), drbdPrimary(host, spec), drbdWait(host, spec, "primary")}
	}, nil})

	hosts, found = on(findings.LayerGNBD, findings.GNBDServDown, findings.GNBDExportMissing, findings.GNBDExportWrongUID)
	add(findings.LayerGNBD, "gnbd_serv, exports", found, stage{"gnbd_serv, exports", hosts, func(host string) []Step {
		return exportSteps(host, exportsOn(rb, host), none)
	}, nil})
	hosts, found = on(findings.LayerGNBD, findings.GNBDImportMissing, findings.GNBDImportDown)
	add(findings.LayerGNBD, "GNBD imports", found, stage{"GNBD imports", hosts, func(host string) []Step {
		return importSteps(host, rb.ExportServers(), none)
	}, nil})

	maps := mapSpecs(rb)
	hosts, found = on(findings.LayerMultipath)
	add(findings.LayerMultipath, "multipath.conf, multipathd, maps", found, stage{"multipath.conf, multipathd, maps", hosts, func(host string) []Step {
		return []Step{configureMultipath(host, maps), reinstatePaths(host), multipathMaps(host, maps)}
	}, nil})

	if rb.CLVM != nil {
		vol := activities.VolumeInput{VG: rb.CLVM.VG, LV: rb.CLVM.LV}
		hosts, found = on(findings.LayerCLVM)
		add(findings.LayerCLVM, "cluster locking, clvmd, the volume active", found, stage{"cluster locking, clvmd, the volume active", hosts, func(host string) []Step {
			return []Step{enableClusterLocking(host, activities.FileState{}), startService(host, "clvmd"), activateVolume(host, vol)}
		}, nil})
		if rb.GFS2 != nil {
			fsys := filesystemOf(rb)
			hosts, found = on(findings.LayerGFS2)
			add(findings.LayerGFS2, "mount GFS2", found, stage{"mount GFS2", hosts, func(host string) []Step {
				return []Step{mount(host, fsys, true)}
			}, func(p activities.StorageProbeResult) error { return notIf(!mounted(p, fsys.Mountpoint), "not mounted") }})
		}
	}
	return out
}

// victimOf is the side of a pair whose writes a split brain's repair
// discards: the one that is not the pair's sync source, whose data the
// build made the pair's.
func victimOf(rb *runbooks.Runbook, d runbooks.DRBDResource) string {
	for _, n := range d.Hosts {
		if n != d.SyncFrom {
			return rb.FQDN(n)
		}
	}
	return ""
}

func ensurePackages(host string, pkgs []string) Step {
	return Step{Host: host, Summary: "yum -y install " + strings.Join(pkgs, " "), Activity: activities.EnsurePackagesName,
		Input: activities.PackagesInput{Packages: pkgs}, Timeout: Install}
}

func drbdConnect(host string, spec activities.DRBDResource) Step {
	return Step{Host: host, Summary: "drbdadm connect " + spec.Name, Activity: activities.DRBDConnectName, Input: activities.DRBDInput{Resource: spec}, Timeout: Command}
}

// discardMyData resolves a split brain on its victim, after an approval
// that names the writes it discards.
func discardMyData(rb *runbooks.Runbook, host string, spec activities.DRBDResource) Step {
	approval := fmt.Sprintf("split-brain:%s:%s", spec.Name, host)
	return Step{Host: host, Summary: "drbdadm -- --discard-my-data connect " + spec.Name, Activity: activities.DRBDDiscardMyDataName,
		Input: activities.DRBDInput{Resource: spec}, Timeout: Command, Approval: approval,
		Irreversible: fmt.Sprintf("%s: the writes to %s since the split brain discarded; its peer's data kept", host, spec.Name)}
}

func activateVolume(host string, vol activities.VolumeInput) Step {
	return Step{Host: host, Summary: "lvchange -ay " + names.LVPath(vol.VG, vol.LV), Activity: activities.ActivateVolumeName, Input: vol, Timeout: Command}
}

func pushClusterConf(host string) Step {
	return Step{Host: host, Summary: "ccs_tool update " + activities.ClusterConfPath, Activity: activities.PushClusterConfName,
		Input: activities.ClusterInput{}, Timeout: Command}
}

func reinstatePaths(host string) Step {
	return Step{Host: host, Summary: "multipathd reload (failed paths)", Activity: activities.ReinstatePathsName, Input: activities.MultipathInput{}, Timeout: Daemon}
}
