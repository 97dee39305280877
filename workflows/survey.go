package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
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

// surveyHosts reads the end state of every host of the topology, all at
// once. It changes nothing.
func surveyHosts(ctx workflow.Context, t topology) ([]HostState, error) {
	hosts := make([]string, 0, len(t.rb.Hosts))
	for _, h := range t.rb.Hosts {
		hosts = append(hosts, h.FQDN)
	}
	states := make([]HostState, len(hosts))
	errs := make([]error, len(hosts))
	wg := workflow.NewWaitGroup(ctx)
	for i, host := range hosts {
		wg.Add(1)
		workflow.Go(ctx, func(ctx workflow.Context) {
			defer wg.Done()
			states[i], errs[i] = surveyHost(ctx, t, host)
		})
	}
	wg.Wait(ctx)
	return states, firstError(errs)
}

func surveyHost(ctx workflow.Context, t topology, host string) (HostState, error) {
	s := HostState{Host: host}
	var p activities.ProbeResult
	if err := do(ctx, host, time.Minute, "survey: cman", activities.ProbeName, activities.ProbeInput{}, &p); err != nil {
		return s, err
	}
	s.CmanRunning = p.CmanRunning
	if p.Conf != nil {
		s.Cluster = p.Conf.Name
	}
	in := activities.StorageProbeInput{}
	if r, ok := t.resourceOn(host); ok {
		in.Resources = []activities.DRBDResource{r}
	}
	var sp activities.StorageProbeResult
	if err := do(ctx, host, time.Minute, "survey: storage", activities.ProbeStorageName, in, &sp); err != nil {
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
