package workflows

import (
	"encoding/json"
	"fmt"
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// A check reads each host in three events of its own history: a thousand
// hosts were 3,083 events, where a history should keep under 2,000, and
// a result of every finding, where a payload should keep under 64 KiB.
// Past checkInline hosts (version checkChildren), CheckHosts children of
// at most checkBatch hosts each read them and find what those hosts show
// on their own (findings.Of), and the check finds what only all of them
// show (findings.Across, the file systems' journals) from the children's
// compact facts, as the build's survey does (survey.go).

// checkInline is how many hosts a check reads in its own history, three
// events a host. The blog's runbook (6 hosts) and every runbook of the
// tests and fixtures before checkChildren stay inline, as before.
const checkInline = 32

// checkBatch is how many hosts a CheckHosts child reads, at most: as many
// as a focused runbook names (runbooks.MaxFocus), about a hundred events
// of its own. A batch holds whole clusters and DRBD pairs (checkBatches),
// so a cluster of more hosts is a batch of its own, of the whole runbook.
const checkBatch = runbooks.MaxFocus

// checkWindow is how many CheckHosts children run at once: about as many
// hosts as a check reads at once (inspectWindow), for the same reason.
const checkWindow = inspectWindow / checkBatch

// findingsInResult and findingsBytes bound the findings a batched check,
// or a CheckHosts child, lists: a thousand fresh hosts have tens of
// thousands of findings, some with a file's lines as evidence. Past
// either, the result keeps the worst, counts every one by code and
// severity, and names the children that read them.
const (
	findingsInResult = 100
	findingsBytes    = 40 << 10
)

// CheckHostsInput is some of a runbook's hosts, as Check hands them to a
// CheckHosts child. In the Web UI:
//
//	{"runbook": "scalable-storage", "hosts": ["client0.example.org", "client1.example.org"]}
type CheckHostsInput struct {
	runbooks.Ref
	decoding
	Planning
	// Hosts are the hosts to read, by FQDN, each a host of the runbook;
	// with each host's DRBD peer and the other members of its cluster,
	// whose findings compare them.
	Hosts []string `json:"hosts"`
}

func (in *CheckHostsInput) UnmarshalJSON(b []byte) error {
	type plain CheckHostsInput
	err := strict(b, (*plain)(in))
	in.problem = firstOf(err, in.Ref.Check(), unique("hosts", in.Hosts))
	return nil
}

// CheckHostsResult is what a check of some hosts found.
type CheckHostsResult struct {
	Hosts int `json:"hosts"`
	// Findings are the hosts' findings, ordered as a check orders them;
	// past findingsInResult or findingsBytes, only the worst.
	Findings []findings.Finding `json:"findings"`
	// Total is how many findings the hosts have, Counts them by code and
	// severity.
	Total  int              `json:"total"`
	Counts []findings.Count `json:"counts,omitempty"`
	// Facts are what the check needs of the hosts for the findings that
	// compare them with hosts of other children.
	Facts findings.Facts `json:"facts"`
}

// CheckHosts reads some of a runbook's hosts, all at once and read-only,
// and reports what they show on their own, as Check does for all of a
// runbook's hosts when they are few. It changes nothing.
func CheckHosts(ctx workflow.Context, in CheckHostsInput) (CheckHostsResult, error) {
	loaded, err := loadRunbook(ctx, in.Ref, in.decoding)
	if err != nil {
		return CheckHostsResult{}, err
	}
	rb := loaded.Runbook
	if len(in.Hosts) == 0 {
		return CheckHostsResult{}, badRequest("hosts: at least one host is required")
	}
	all := expectations(rb)
	expects := make([]findings.Expect, len(in.Hosts))
	for i, h := range in.Hosts {
		j := slices.IndexFunc(all, func(e findings.Expect) bool { return e.Host == h })
		if j < 0 {
			return CheckHostsResult{}, badRequest("hosts[%d]: %q is not a host of runbook %q (hosts, by FQDN)", i, h, rb.Name)
		}
		expects[i] = all[j]
	}
	fs, facts := findings.Of(inspectAll(ctx, expects), codes(rb.Checks.Ignore))
	res := CheckHostsResult{Hosts: len(in.Hosts), Total: len(fs), Counts: findings.Counts(fs), Facts: facts}
	res.Findings, _ = worstOf(fs)
	if res.Findings == nil {
		res.Findings = []findings.Finding{}
	}
	workflow.SetCurrentDetails(ctx, findingsTable(CheckResult{Runbook: rb.Name, Hosts: res.Hosts, Findings: res.Findings,
		Worst: findings.WorstCounted(res.Counts), Total: res.Total, Counts: res.Counts}))
	return res, nil
}

// checkInChildren checks the runbook's hosts in CheckHosts children of
// checkBatch hosts, checkWindow at once, and finds across them what needs
// all of them. The result lists every finding while they fit, as an
// inline check does; past that, the worst, and counts of all.
func checkInChildren(ctx workflow.Context, loaded runbooks.Loaded) (CheckResult, error) {
	rb := loaded.Runbook
	batches := checkBatches(loaded)
	res := CheckResult{Runbook: rb.Name, Hosts: len(loaded.HostFQDNs())}
	id := workflow.GetInfo(ctx).WorkflowExecution.ID
	runs := make([]string, len(batches))
	results := make([]CheckHostsResult, len(batches))
	err := first(eachAtMost(ctx, len(batches), checkWindow, func(ctx workflow.Context, k int) error {
		hosts := batches[k]
		runs[k] = fmt.Sprintf("%s/hosts-%d", id, k)
		// Each child loads only its hosts' part of the runbook: with
		// their clusters' other members, so what it expects of each is
		// what the whole runbook says.
		ref := loaded.Ref
		ref.Focus = nil
		if len(hosts) <= runbooks.MaxFocus {
			ref.Focus = hosts
		}
		in := CheckHostsInput{Ref: ref, Hosts: hosts}
		if err := child(ctx, runs[k], fmt.Sprintf("check of %d hosts from %s", len(hosts), hosts[0]), CheckHostsName, in, &results[k]); err != nil {
			return fmt.Errorf("hosts-%d: %w", k, err)
		}
		if results[k].Hosts != len(hosts) {
			return fmt.Errorf("hosts-%d: %d hosts checked of %d", k, results[k].Hosts, len(hosts))
		}
		return nil
	}))
	if err != nil {
		return res, err
	}
	var all []findings.Finding
	var facts []findings.Facts
	var counts []findings.Count
	total, whole := 0, true
	for _, r := range results {
		all = append(all, r.Findings...)
		facts = append(facts, r.Facts)
		counts = findings.AddCounts(counts, r.Counts...)
		total += r.Total
		whole = whole && len(r.Findings) == r.Total
	}
	across := findings.Across(facts, codes(rb.Checks.Ignore))
	all = append(all, across...)
	findings.Sort(all)
	counts = findings.AddCounts(counts, findings.Counts(across)...)
	total += len(across)
	kept, fits := worstOf(all)
	res.Findings, res.Worst = kept, findings.WorstCounted(counts)
	if !whole || !fits {
		res.Total, res.Counts, res.CheckRuns = total, counts, runs
	}
	return res, nil
}

// checkBatches are the runbook's hosts, by FQDN, in batches of at most
// checkBatch hosts, in the runbook's order but for this: every cluster's
// members and every DRBD pair's hosts are in one batch, since their
// findings compare them (findings.Of). A cluster of more hosts than
// checkBatch is a batch of its own. The runbook's outline gives the same
// batches as the whole runbook.
func checkBatches(loaded runbooks.Loaded) [][]string {
	// units: each host's unit, by index, joined to the units of its
	// cluster's members and its pair's hosts.
	hosts := loaded.HostFQDNs()
	index := map[string]int{}
	unit := make([]int, len(hosts))
	for i, h := range hosts {
		index[h], unit[i] = i, i
	}
	find := func(i int) int {
		for unit[i] != i {
			i = unit[i]
		}
		return i
	}
	join := func(fqdns []string) {
		for _, n := range fqdns[min(1, len(fqdns)):] {
			a, okA := index[fqdns[0]]
			b, okB := index[n]
			if !okA || !okB {
				continue
			}
			x, y := find(a), find(b)
			unit[max(x, y)] = min(x, y) // a unit is named by its first host
		}
	}
	for _, name := range loaded.ClusterNames() {
		members, _ := loaded.ClusterMembers(name)
		join(members)
	}
	for _, d := range loaded.Runbook.DRBD {
		join(loaded.Runbook.FQDNs(d.Hosts))
	}
	var units [][]string // in the order of their first hosts
	at := map[int]int{}  // a unit's index in units, by its first host
	for i, h := range hosts {
		r := find(i)
		k, ok := at[r]
		if !ok {
			k = len(units)
			at[r] = k
			units = append(units, nil)
		}
		units[k] = append(units[k], h)
	}
	var batches [][]string
	for _, u := range units {
		if n := len(batches); n > 0 && len(batches[n-1])+len(u) <= checkBatch {
			batches[n-1] = append(batches[n-1], u...)
			continue
		}
		batches = append(batches, u)
	}
	return batches
}

// worstOf is fs, ordered as a check orders them, if they fit
// findingsInResult and findingsBytes; else the worst of them that do
// (findings.Worse), in the same order, and false.
func worstOf(fs []findings.Finding) ([]findings.Finding, bool) {
	byWorst := make([]int, len(fs))
	for i := range byWorst {
		byWorst[i] = i
	}
	slices.SortStableFunc(byWorst, func(a, b int) int {
		switch {
		case findings.Worse(fs[a], fs[b]):
			return -1
		case findings.Worse(fs[b], fs[a]):
			return 1
		}
		return 0
	})
	keep := make([]bool, len(fs))
	kept, size := 0, 0
	for _, i := range byWorst {
		b, err := json.Marshal(fs[i]) //workflowcheck:ignore a Finding has no map: its encoding is the same every time
		if err != nil || kept == findingsInResult || size+len(b) > findingsBytes {
			break
		}
		keep[i], kept, size = true, kept+1, size+len(b)
	}
	if kept == len(fs) {
		return fs, true
	}
	out := make([]findings.Finding, 0, kept)
	for i, f := range fs {
		if keep[i] {
			out = append(out, f)
		}
	}
	return out, false
}
