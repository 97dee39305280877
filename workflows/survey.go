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

// surveyHosts reads the end state of every host of the runbook, all at
// once. It changes nothing.
func surveyHosts(ctx workflow.Context, rb *runbooks.Runbook) ([]HostState, error) {
	if planning(ctx) != nil {
		return nil, nil // the plan is the end state
	}
	states := make([]HostState, len(rb.Hosts))
	err := first(each(ctx, len(rb.Hosts), func(ctx workflow.Context, i int) error {
		var err error
		states[i], err = surveyHost(ctx, rb, rb.Hosts[i].FQDN)
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
	in := activities.StorageProbeInput{}
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
