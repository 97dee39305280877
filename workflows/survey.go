package workflows

import (
	"fmt"
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// HostState is one host at the end of a build, as its own tools see it.
type HostState struct {
	Host        string   `json:"host"`
	CmanRunning bool     `json:"cman_running"`
	Cluster     string   `json:"cluster,omitempty"`
	DRBD        string   `json:"drbd,omitempty"`
	Exports     []string `json:"exports,omitempty"`
	Imports     []string `json:"imports,omitempty"`
	Multipathd  bool     `json:"multipathd,omitempty"`
	Clvmd       bool     `json:"clvmd,omitempty"`
	Mounts      []string `json:"mounts,omitempty"`
}

// surveyInline is how many hosts a build surveys in its own history, two
// steps a host. Past that, Survey children of surveyBatch hosts each read
// them (version surveyChildren): a thousand hosts surveyed in one history
// were about 12,000 events, where a history should keep under 2,000. The
// blog's runbook (6 hosts) and its expansion (8) stay inline, as before.
const surveyInline = 16

// surveyBatch is how many hosts one Survey child reads: 32 steps and
// about a hundred events of its own, and a result of about 5 KiB.
const surveyBatch = 16

// surveyWindow is how many Survey children run at once: about as many
// hosts as a check reads at once (inspectWindow), for the same reason,
// each host's step waits a short while for its agent to pick it up.
const surveyWindow = inspectWindow / surveyBatch

// hostsInResult is how many hosts' states a build's result carries. Past
// it, the result names the Survey children that hold them: a thousand
// states are about 300 KB, where a payload should keep under 64 KiB.
const hostsInResult = 100

// SurveyInput is some of a runbook's hosts, as StorageBuild hands them to
// a Survey child. In the Web UI:
//
//	{"runbook": "scalable-storage", "hosts": ["client0.example.org"]}
type SurveyInput struct {
	runbooks.Ref
	decoding
	Planning
	// Hosts are the hosts to read, by FQDN, each a host of the runbook.
	Hosts []string `json:"hosts"`
}

// SurveyResult is the hosts' end states, in the order of the input.
type SurveyResult struct {
	Hosts []HostState `json:"hosts"`
}

// Survey reads the end state of some of a runbook's hosts, each on its
// own, all at once, as a build does when it has few. It changes nothing.
func Survey(ctx workflow.Context, in SurveyInput) (SurveyResult, error) {
	loaded, err := loadRunbook(ctx, in.Ref, in.decoding)
	if err != nil {
		return SurveyResult{}, err
	}
	rb := loaded.Runbook
	if len(in.Hosts) == 0 {
		return SurveyResult{}, badRequest("hosts: at least one host is required")
	}
	for i, h := range in.Hosts {
		if !slices.ContainsFunc(rb.Hosts, func(rh runbooks.Host) bool { return rh.FQDN == h }) {
			return SurveyResult{}, badRequest("hosts[%d]: %q is not a host of runbook %q (hosts, by FQDN)", i, h, rb.Name)
		}
	}
	states, err := surveyOf(ctx, rb, in.Hosts)
	return SurveyResult{Hosts: states}, err
}

// surveyHosts reads the end state of every host of the runbook into the
// build's result: in the build's own history when it has at most
// surveyInline hosts, else in Survey children. Past hostsInResult hosts,
// the result names the children instead of carrying every state. It
// changes nothing.
func surveyHosts(ctx workflow.Context, loaded runbooks.Loaded, res *StorageBuildResult) error {
	if planning(ctx) != nil {
		return nil // the plan is the end state
	}
	hosts := loaded.HostFQDNs()
	if len(hosts) <= surveyInline || !since(ctx, surveyChildren) {
		states, err := surveyOf(ctx, loaded.Runbook, hosts)
		if err != nil {
			return err
		}
		res.Hosts = states
		return nil
	}
	id := workflow.GetInfo(ctx).WorkflowExecution.ID
	batches := (len(hosts) + surveyBatch - 1) / surveyBatch
	runs := make([]string, batches)
	results := make([]SurveyResult, batches)
	err := first(eachAtMost(ctx, batches, surveyWindow, func(ctx workflow.Context, k int) error {
		from, to := k*surveyBatch, min((k+1)*surveyBatch, len(hosts))
		runs[k] = fmt.Sprintf("%s/survey-%d", id, k)
		// Each child loads only its hosts' part of the runbook.
		ref := loaded.Ref
		ref.Focus = hosts[from:to]
		in := SurveyInput{Ref: ref, Hosts: hosts[from:to]}
		if err := child(ctx, runs[k], fmt.Sprintf("survey of hosts %d to %d", from, to-1), SurveyName, in, &results[k]); err != nil {
			return fmt.Errorf("survey-%d: %w", k, err)
		}
		if len(results[k].Hosts) != to-from {
			return fmt.Errorf("survey-%d: %d hosts' states for %d hosts", k, len(results[k].Hosts), to-from)
		}
		return nil
	}))
	if err != nil {
		return err
	}
	states := make([]HostState, 0, len(hosts))
	for _, r := range results {
		states = append(states, r.Hosts...)
	}
	if len(states) <= hostsInResult {
		res.Hosts = states
		return nil
	}
	res.SurveyRuns, res.Surveyed = runs, len(states)
	return nil
}

// surveyOf reads the end state of the hosts, each on its own, all at once.
func surveyOf(ctx workflow.Context, rb *runbooks.Runbook, hosts []string) ([]HostState, error) {
	if planning(ctx) != nil {
		return nil, nil // the plan is the end state
	}
	states := make([]HostState, len(hosts))
	err := first(each(ctx, len(hosts), func(ctx workflow.Context, i int) error {
		var err error
		states[i], err = surveyHost(ctx, rb, hosts[i])
		return err
	}))
	if err != nil {
		return nil, err
	}
	return states, nil
}

func surveyHost(ctx workflow.Context, rb *runbooks.Runbook, host string) (HostState, error) {
	s := HostState{Host: host}
	var p proc
	var cman activities.ProbeResult
	if err := p.run(ctx, Step{Host: host, Summary: "survey: cman", Activity: activities.ProbeName, Input: activities.ProbeInput{}, Timeout: Quick}, &cman); err != nil {
		return s, err
	}
	s.CmanRunning = cman.CmanRunning
	if cman.Conf != nil {
		s.Cluster = cman.Conf.Name
	}
	// Not the config files' contents: the state reads none of them.
	in := activities.StorageProbeInput{NoFiles: true}
	if _, ok := rb.PairOn(host); ok {
		in.Resources = []activities.DRBDResource{pairOn(rb, host)}
	}
	var sp activities.StorageProbeResult
	st := probeStorage(host, in)
	st.Summary = "survey: storage"
	if err := p.run(ctx, st, &sp); err != nil {
		return s, err
	}
	if len(sp.DRBD) > 0 {
		d := sp.DRBD[0]
		s.DRBD = fmt.Sprintf("cs:%s st:%s/%s ds:%s/%s", d.Connection, d.Role, d.PeerRole, d.Disk, d.PeerDisk)
	}
	for _, e := range sp.Exports {
		s.Exports = append(s.Exports, e.Name)
	}
	for _, im := range sp.Imports {
		s.Imports = append(s.Imports, im.Name)
	}
	for _, m := range sp.Mounts {
		if m.Type == "gfs2" {
			s.Mounts = append(s.Mounts, m.Device+" on "+m.Dir)
		}
	}
	slices.Sort(s.Imports)
	s.Multipathd, s.Clvmd = sp.MultipathdRunning, sp.ClvmdRunning
	return s, nil
}
