package workflows

import (
	"fmt"
	"slices"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/names"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// CheckResult is what a check found on a runbook's hosts.
type CheckResult struct {
	Runbook  string             `json:"runbook"`
	Hosts    int                `json:"hosts"`
	Findings []findings.Finding `json:"findings"`
	// Worst is the worst severity found, "" when nothing was.
	Worst findings.Severity `json:"worst,omitempty"`
	// Past findingsInResult findings, which only a check of more than
	// checkInline hosts keeps apart, Findings are only the worst, Total
	// is how many there are, Counts count them by code and severity, and
	// CheckRuns are the CheckHosts children that read the hosts, each
	// with its hosts' findings in its result and page.
	Total     int              `json:"total,omitempty"`
	Counts    []findings.Count `json:"counts,omitempty"`
	CheckRuns []string         `json:"check_runs,omitempty"`
}

// Check reads every host of a runbook, all at once and read-only, and
// reports what differs from the built stack the runbook describes, as
// typed findings (package findings). A host whose agent does not answer
// is a finding too, not a failed check. In the Web UI:
//
//	{"runbook": "scalable-storage"}
func Check(ctx workflow.Context, in RunbookInput) (CheckResult, error) {
	loaded, err := loadOutlineSince(ctx, outlinedCheck, in.Ref, checkInline, in.decoding)
	if err != nil {
		return CheckResult{}, err
	}
	rb := loaded.Runbook
	hosts := len(loaded.HostFQDNs())
	res := CheckResult{Runbook: rb.Name, Hosts: hosts}
	// An outline, which comes only past checkInline hosts, has no
	// expectations of each host: a run that loaded one, new as it is,
	// checks in children.
	if children := hosts > checkInline && since(ctx, checkChildren); children || loaded.Roster != nil {
		if res, err = checkInChildren(ctx, loaded); err != nil {
			return res, err
		}
	} else {
		hosts := inspectAll(ctx, expectations(rb))
		res.Findings = findings.Analyze(hosts, codes(rb.Checks.Ignore))
		res.Worst = findings.Worst(res.Findings)
	}
	if res.Findings == nil {
		res.Findings = []findings.Finding{}
	}
	found := int64(len(res.Findings))
	if res.Total > 0 {
		found = int64(res.Total)
	}
	// What the Web UI lists and shows: the checks that found drift, by
	// runbook, and this check's findings on its page.
	if err := workflow.UpsertTypedSearchAttributes(ctx,
		RunbookAttr.ValueSet(rb.Name),
		FindingsAttr.ValueSet(found),
		SeverityAttr.ValueSet(string(res.Worst))); err != nil {
		return res, err
	}
	workflow.SetCurrentDetails(ctx, findingsTable(res))
	return res, nil
}

func codes(ss []string) []findings.Code {
	out := make([]findings.Code, len(ss))
	for i, s := range ss {
		out[i] = findings.Code(s)
	}
	return out
}

// inspectAll reads every host at once. A host whose agent takes no task
// within the pickup bound is unreachable; one that fails to look says why.
func inspectAll(ctx workflow.Context, expects []findings.Expect) []findings.Host {
	hosts := make([]findings.Host, len(expects))
	if w := planning(ctx); w != nil {
		// A plan read every host as it began: the check a repair starts
		// with is those reads.
		for i, e := range expects {
			hosts[i].Expect = e
			if ins, ok := w.Inspected(e.Host); ok {
				hosts[i].Inspection = &ins
			} else {
				hosts[i].Failure = "a plan reads the hosts only before its steps"
			}
		}
		return hosts
	}
	window := 0
	if since(ctx, inspectWindowed) {
		window = inspectWindow
	}
	eachAtMost(ctx, len(expects), window, func(ctx workflow.Context, i int) error {
		e := expects[i]
		hosts[i].Expect = e
		var ins activities.Inspection
		var p proc
		err := p.run(ctx, inspect(e), &ins)
		switch {
		case err == nil:
			hosts[i].Inspection = &ins
		case notPickedUp(err):
			hosts[i].Unreachable = true
		default:
			hosts[i].Failure = err.Error()
		}
		return nil
	})
	return hosts
}

// inspectWindow is how many hosts a check reads at once. Each inspection
// waits lookPickup for its agent and is then reported unreachable: a
// check that scheduled a thousand at once had the server dispatch them
// all within that time, and on two cores it did not (half the hosts were
// reported unreachable). A hundred at a time keeps every host's wait
// short, and the check's pending activities far below the server's limit
// of 2,000 a workflow.
const inspectWindow = 100

// inspect is the step that reads a host for a check.
func inspect(e findings.Expect) Step {
	in := activities.InspectInput{Packages: e.Packages}
	if e.DRBD != nil {
		in.Resources = []activities.DRBDResource{e.DRBD.Resource}
	}
	if e.Volume != nil {
		in.VG, in.LV = e.Volume.VG, e.Volume.LV
	}
	return Step{Host: e.Host, Summary: "inspect", Activity: activities.InspectName, Input: in, Timeout: Look}
}

// expectations is what every host of the runbook holds once built: the
// roles the build gives it, with their packages, files and state.
func expectations(rb *runbooks.Runbook) []findings.Expect {
	stack := rb.Stack()
	out := make([]findings.Expect, 0, len(rb.Hosts))
	for _, h := range rb.Hosts {
		e := findings.Expect{Host: h.FQDN}
		add := func(role []string, pkgs []string) {
			if slices.Contains(role, h.FQDN) {
				for _, p := range pkgs {
					if !slices.Contains(e.Packages, p) {
						e.Packages = append(e.Packages, p)
					}
				}
			}
		}
		add(stack.Nodes, cmanPackages)
		add(stack.DRBD, drbdPackages)
		add(stack.Exporters, exportPackages)
		add(stack.Importers, importPackages)
		add(stack.Multipath, multipathPackages)
		add(stack.CLVM, clvmPackages)
		add(stack.Mounts, gfs2Packages)

		if c, ok := rb.ClusterOf(h.Name); ok {
			e.Cluster = &findings.ClusterExpect{Name: c.Name, TwoNode: c.TwoNode}
			for _, m := range rb.Members(c) {
				e.Cluster.Members = append(e.Cluster.Members, m.FQDN)
			}
		}
		if d, ok := rb.PairOn(h.FQDN); ok {
			spec := pairOn(rb, h.FQDN)
			e.DRBD = &findings.DRBDExpect{Resource: spec, Conf: activities.RenderDRBDConf([]activities.DRBDResource{spec})}
			for _, peer := range rb.FQDNs(d.Hosts) {
				if peer != h.FQDN {
					e.DRBD.Peer = peer
				}
			}
		}
		for _, x := range rb.ExportsOf(h.Name) {
			e.Exports = append(e.Exports, findings.ExportExpect{Name: x.Name, Device: x.Device, UID: x.UID})
		}
		if slices.Contains(stack.Importers, h.FQDN) {
			for _, s := range rb.ExportServers() {
				for _, x := range s.Exports {
					e.Imports = append(e.Imports, findings.ImportExpect{Name: x, Server: s.FQDN})
				}
			}
		}
		if slices.Contains(stack.Multipath, h.FQDN) {
			e.Maps = mapSpecs(rb)
		}
		if slices.Contains(stack.CLVM, h.FQDN) {
			e.Volume = &findings.VolumeExpect{VG: rb.CLVM.VG, LV: rb.CLVM.LV}
		}
		if slices.Contains(stack.Mounts, h.FQDN) {
			e.GFS2 = &findings.GFS2Expect{Device: rb.LVPath(), Mapper: names.LVMapperPath(rb.CLVM.VG, rb.CLVM.LV), Mountpoint: rb.GFS2.Mountpoint}
		}
		out = append(out, e)
	}
	return out
}

// findingsTable is a check's findings as the Web UI shows a run's current
// details: Markdown.
func findingsTable(res CheckResult) string {
	if len(res.Findings) == 0 {
		return fmt.Sprintf("**%s**: %d hosts checked, no finding.", res.Runbook, res.Hosts)
	}
	var b strings.Builder
	if res.Total > len(res.Findings) {
		// A batched check's worst findings, with every one counted.
		b.WriteString(fmt.Sprintf("**%s**: %d findings on %d hosts, worst %s: the %d worst below.", res.Runbook, res.Total, res.Hosts, res.Worst, len(res.Findings)))
		if n := len(res.CheckRuns); n > 0 {
			b.WriteString(fmt.Sprintf(" Each host's are on the page of its check, %s to %s.", res.CheckRuns[0], res.CheckRuns[n-1]))
		}
		b.WriteString("\n\n| severity | code | findings |\n|---|---|---|\n")
		for _, c := range res.Counts {
			b.WriteString(fmt.Sprintf("| %s | %s | %d |\n", c.Severity, c.Code, c.Count))
		}
		b.WriteString("\n")
	} else {
		b.WriteString(fmt.Sprintf("**%s**: %d findings on %d hosts, worst %s.\n\n", res.Runbook, len(res.Findings), res.Hosts, res.Worst))
	}
	b.WriteString("| severity | host | code | what | repair |\n|---|---|---|---|---|\n")
	for _, f := range res.Findings {
		b.WriteString(fmt.Sprintf("| %s | %s | %s | %s | %s: %s |\n", f.Severity, f.Host, f.Code, cell(f.Summary), f.Repair.Kind, cell(f.Repair.Action)))
	}
	return b.String()
}

// cell keeps text inside one Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
