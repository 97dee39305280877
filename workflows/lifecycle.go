package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// LifecycleResult lists the stages done, in order.
type LifecycleResult struct {
	Stages []string `json:"stages"`
}

// stage runs one step of a lifecycle on every host at once and then checks
// it on every host, so the next stage never starts on a half-done one: the
// author's hangs came from stopping a layer while the one above still used
// it.
type stage struct {
	name  string
	hosts []string
	do    func(ctx workflow.Context, host string) error
	check func(p activities.StorageProbeResult) error
}

func runStages(ctx workflow.Context, stages []stage) (LifecycleResult, error) {
	var res LifecycleResult
	for _, st := range stages {
		if len(st.hosts) == 0 {
			continue
		}
		errs := make([]error, len(st.hosts))
		wg := workflow.NewWaitGroup(ctx)
		for i, h := range st.hosts {
			wg.Add(1)
			workflow.Go(ctx, func(ctx workflow.Context) {
				defer wg.Done()
				if errs[i] = st.do(ctx, h); errs[i] != nil {
					return
				}
				if st.check == nil {
					return
				}
				p, err := probeStorage(ctx, h, activities.StorageProbeInput{})
				if err == nil {
					err = st.check(p)
				}
				if err != nil {
					errs[i] = fmt.Errorf("check on %s: %w", h, err)
				}
			})
		}
		wg.Wait(ctx)
		if err := firstError(errs); err != nil {
			return res, fmt.Errorf("%s: %w", st.name, err)
		}
		res.Stages = append(res.Stages, st.name)
	}
	return res, nil
}

// topology is who does what in a runbook, as FQDNs.
type topology struct {
	rb                                                   *runbooks.Runbook
	mounts, clvm, multipath, importers, exporters, nodes []string
	resources                                            []activities.DRBDResource
	fs                                                   activities.FilesystemInput
}

func topologyOf(rb *runbooks.Runbook) topology {
	t := topology{rb: rb}
	if rb.GFS2 != nil && rb.CLVM != nil {
		t.mounts = fqdns(rb, rb.GFS2.Clients)
		t.fs = activities.FilesystemInput{Device: "/dev/" + rb.CLVM.VG + "/" + rb.CLVM.LV, LockTable: rb.GFS2.LockTable, Journals: rb.GFS2.Journals, Mountpoint: rb.GFS2.Mountpoint}
	}
	if rb.CLVM != nil {
		t.clvm = fqdns(rb, rb.CLVM.Clients)
	}
	if rb.Multipath != nil {
		t.multipath = fqdns(rb, rb.Multipath.Clients)
	}
	if rb.GNBD != nil {
		t.importers = fqdns(rb, rb.GNBD.Imports.Clients)
		t.exporters, _ = exportServers(rb)
	}
	for _, r := range rb.DRBD {
		t.resources = append(t.resources, resolveDRBD(rb, r))
	}
	for _, c := range rb.Clusters {
		for _, n := range c.Nodes {
			t.nodes = append(t.nodes, rb.FQDN(n.Host))
		}
	}
	return t
}

// resourceOn is the DRBD resource a host serves.
func (t topology) resourceOn(host string) (activities.DRBDResource, bool) {
	for _, r := range t.resources {
		if slices.ContainsFunc(r.Nodes, func(n activities.DRBDNode) bool { return n.Host == host }) {
			return r, true
		}
	}
	return activities.DRBDResource{}, false
}

func (t topology) drbdHosts() []string {
	var hosts []string
	for _, r := range t.resources {
		for _, n := range r.Nodes {
			hosts = append(hosts, n.Host)
		}
	}
	return hosts
}

func run1(summary, activity string, timeout time.Duration, in any) func(ctx workflow.Context, host string) error {
	return func(ctx workflow.Context, host string) error {
		return do(ctx, host, timeout, summary, activity, in, nil)
	}
}

// Shutdown stops the whole stack in the safe order of PROCEDURES.md:
// unmount GFS2 on every client, stop clvmd, flush multipath and stop
// multipathd, remove the GNBD imports, remove the exports and stop
// gnbd_serv, take DRBD down, stop cman everywhere. Each stage is checked on
// every host before the next starts. Nothing is undone on failure: the
// stack is left stopped down to the stage that failed, which is safe, and
// Startup brings it back. In the Web UI: {"runbook": "scalable-storage"}
func Shutdown(ctx workflow.Context, in RunbookInput) (LifecycleResult, error) {
	loaded, err := loadRunbook(ctx, in.RunbookRef)
	if err != nil {
		return LifecycleResult{}, err
	}
	return runStages(ctx, shutdownStages(topologyOf(loaded.Runbook)))
}

// shutdownStages are the stages of Shutdown, in the safe order; Teardown
// puts the removal of the volume after the first.
func shutdownStages(t topology) []stage {
	_, exportNames := exportServers(t.rb)
	return []stage{
		{"unmount GFS2", t.mounts, run1("umount "+t.fs.Mountpoint, activities.UnmountFilesystemName, 5*time.Minute, t.fs),
			func(p activities.StorageProbeResult) error {
				return notIf(mounted(p, t.fs.Mountpoint), "still mounted")
			}},
		{"stop clvmd", t.clvm, run1("/etc/init.d/clvmd stop", activities.StopServiceName, 3*time.Minute, activities.ServiceInput{Name: "clvmd"}),
			func(p activities.StorageProbeResult) error { return notIf(p.ClvmdRunning, "clvmd still runs") }},
		{"flush multipath, stop multipathd", t.multipath, run1("multipath -F, multipathd stop", activities.StopMultipathName, 3*time.Minute, activities.MultipathInput{}),
			func(p activities.StorageProbeResult) error {
				return notIf(p.MultipathdRunning, "multipathd still runs")
			}},
		{"remove GNBD imports", t.importers, func(ctx workflow.Context, host string) error {
			var all []string
			for _, names := range exportNames {
				all = append(all, names...)
			}
			return do(ctx, host, 2*time.Minute, "gnbd_import -r", activities.GNBDUnimportName, activities.UnimportInput{Names: all}, nil)
		}, func(p activities.StorageProbeResult) error { return notIf(len(p.Imports) > 0, "imports remain") }},
		{"remove GNBD exports, stop gnbd_serv", t.exporters, func(ctx workflow.Context, host string) error {
			var names []string
			for _, e := range t.rb.ExportsOf(shortName(host)) {
				names = append(names, e.Name)
			}
			if err := do(ctx, host, 2*time.Minute, "gnbd_export -r", activities.GNBDUnexportName, activities.UnexportInput{Names: names}, nil); err != nil {
				return err
			}
			return do(ctx, host, time.Minute, "gnbd_serv -k", activities.GNBDStopServeName, activities.ServerInput{}, nil)
		}, func(p activities.StorageProbeResult) error { return notIf(p.GNBDServing, "gnbd_serv still runs") }},
		{"DRBD down", t.drbdHosts(), func(ctx workflow.Context, host string) error {
			r, _ := t.resourceOn(host)
			return do(ctx, host, 2*time.Minute, "drbdadm down "+r.Name, activities.DRBDDownName, activities.DRBDInput{Resource: r}, nil)
		}, nil},
		{"stop cman", t.nodes, run1("/etc/init.d/cman stop", activities.StopCmanName, 3*time.Minute, activities.ClusterInput{}), nil},
	}
}

// Startup starts the stack in the reverse order: cman on every node (the
// nodes of a cluster at once, so that it becomes quorate), DRBD up and both
// sides primary, gnbd_serv and the exports, the imports, multipathd and its
// maps, clvmd, and the mounts. Each stage is checked before the next. In
// the Web UI: {"runbook": "scalable-storage"}
func Startup(ctx workflow.Context, in RunbookInput) (LifecycleResult, error) {
	loaded, err := loadRunbook(ctx, in.RunbookRef)
	if err != nil {
		return LifecycleResult{}, err
	}
	t := topologyOf(loaded.Runbook)
	servers, exportNames := exportServers(t.rb)
	maps := mapSpecs(t.rb)
	return runStages(ctx, []stage{
		{"start cman", t.nodes, func(ctx workflow.Context, host string) error {
			c, _ := t.rb.ClusterOf(shortName(host))
			if err := do(ctx, host, 5*time.Minute, "/etc/init.d/cman start", activities.StartCmanName, activities.ClusterInput{Cluster: c.Name}, nil); err != nil {
				return err
			}
			return workflow.ExecuteActivity(waitOnHost(ctx, host, "cman_tool nodes: wait for membership"), activities.MembershipName,
				activities.MembershipInput{Cluster: c.Name, Expect: fqdns(t.rb, nodeHosts(c))}).Get(ctx, nil)
		}, nil},
		{"DRBD up, both primary", t.drbdHosts(), func(ctx workflow.Context, host string) error {
			r, _ := t.resourceOn(host)
			in := activities.DRBDInput{Resource: r}
			if err := do(ctx, host, time.Minute, "modprobe drbd minor_count=1", activities.LoadModuleName, activities.ModuleInput{Name: "drbd", Options: []string{"minor_count=1"}}, nil); err != nil {
				return err
			}
			if err := do(ctx, host, 2*time.Minute, "drbdadm up "+r.Name, activities.DRBDUpName, in, nil); err != nil {
				return err
			}
			wait := activities.DRBDWaitInput{Resource: r, Until: "synced"}
			if err := do(waitSync(ctx, host, "wait for DRBD "+r.Name+": synced"), host, 0, "", activities.DRBDWaitName, wait, nil); err != nil {
				return err
			}
			if err := do(ctx, host, 2*time.Minute, "drbdadm primary "+r.Name, activities.DRBDPrimaryName, in, nil); err != nil {
				return err
			}
			wait.Until = "primary"
			return do(waitSync(ctx, host, "wait for DRBD "+r.Name+": primary"), host, 0, "", activities.DRBDWaitName, wait, nil)
		}, nil},
		{"gnbd_serv, exports", t.exporters, func(ctx workflow.Context, host string) error {
			if err := do(ctx, host, time.Minute, "gnbd_serv", activities.GNBDServeName, activities.ServerInput{}, nil); err != nil {
				return err
			}
			for _, e := range t.rb.ExportsOf(shortName(host)) {
				if err := do(ctx, host, time.Minute, fmt.Sprintf("gnbd_export -d %s -e %s -u %d", e.Device, e.Name, e.UID), activities.GNBDExportName,
					activities.ExportInput{Device: e.Device, Name: e.Name, UID: e.UID}, nil); err != nil {
					return err
				}
			}
			return nil
		}, nil},
		{"GNBD imports", t.importers, func(ctx workflow.Context, host string) error {
			if err := do(ctx, host, time.Minute, "modprobe gnbd", activities.LoadModuleName, activities.ModuleInput{Name: "gnbd"}, nil); err != nil {
				return err
			}
			for i, s := range servers {
				if err := do(ctx, host, 2*time.Minute, "gnbd_import -i "+s, activities.GNBDImportName, activities.ImportInput{Server: s, Exports: exportNames[i]}, nil); err != nil {
					return err
				}
			}
			return nil
		}, nil},
		{"multipathd, maps", t.multipath, func(ctx workflow.Context, host string) error {
			if err := do(ctx, host, 3*time.Minute, "/etc/init.d/multipathd start", activities.StartServiceName, activities.ServiceInput{Name: "multipathd"}, nil); err != nil {
				return err
			}
			return workflow.ExecuteActivity(waitOnHost(ctx, host, "multipath -l: one map per pair"), activities.MultipathMapsName, activities.MultipathInput{Maps: maps}).Get(ctx, nil)
		}, nil},
		{"clvmd", t.clvm, func(ctx workflow.Context, host string) error {
			if err := do(ctx, host, 3*time.Minute, "/etc/init.d/clvmd start", activities.StartServiceName, activities.ServiceInput{Name: "clvmd"}, nil); err != nil {
				return err
			}
			vol := activities.VolumeInput{VG: t.rb.CLVM.VG, LV: t.rb.CLVM.LV, Extents: 1}
			return workflow.ExecuteActivity(waitOnHost(ctx, host, "lvdisplay"), activities.LogicalVolumeName, vol).Get(ctx, nil)
		}, nil},
		{"mount GFS2", t.mounts, run1("mount "+t.fs.Device+" "+t.fs.Mountpoint, activities.MountFilesystemName, 5*time.Minute, t.fs),
			func(p activities.StorageProbeResult) error { return notIf(!mounted(p, t.fs.Mountpoint), "not mounted") }},
	})
}

func nodeHosts(c runbooks.Cluster) []string {
	var hosts []string
	for _, n := range c.Nodes {
		hosts = append(hosts, n.Host)
	}
	return hosts
}

func notIf(bad bool, what string) error {
	if bad {
		return fmt.Errorf("%s", what)
	}
	return nil
}
