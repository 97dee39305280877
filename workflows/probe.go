package workflows

import (
	"slices"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// Packages of the data path, per role.
var (
	drbdPackages      = []string{"kmod-drbd82-xen"}
	exportPackages    = []string{"gnbd"}
	importPackages    = []string{"kmod-gnbd-xen", "gnbd"}
	multipathPackages = []string{"device-mapper-multipath"}
	clvmPackages      = []string{"lvm2-cluster"}
	gfs2Packages      = []string{"gfs2-utils"}
)

// probeStorage reads a host's data path, changing nothing: what a
// procedure reads before it changes the host, and what a stage of the
// lifecycle checks after.
func probeStorage(host string, in activities.StorageProbeInput) Step {
	return Step{Host: host, Summary: "probe", Activity: activities.ProbeStorageName, Input: in, Timeout: Quick}
}

// probe runs probeStorage.
func (p *proc) probe(ctx workflow.Context, host string, in activities.StorageProbeInput) (activities.StorageProbeResult, error) {
	var out activities.StorageProbeResult
	err := p.run(ctx, probeStorage(host, in), &out)
	return out, err
}

// install installs the packages the probe did not find, and pushes the
// undo that removes them and whatever yum pulled in with them (known only
// once yum has run, so the undo is pushed after it, failed or not).
func (p *proc) install(ctx workflow.Context, host string, pkgs []string, probe activities.StorageProbeResult) error {
	var missing []string
	for _, pkg := range pkgs {
		if !slices.Contains(probe.Installed, pkg) {
			missing = append(missing, pkg)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	var res activities.PackagesResult
	err := p.run(ctx, Step{Host: host, Summary: "yum -y install " + strings.Join(missing, " "), Activity: activities.EnsurePackagesName,
		Input: activities.PackagesInput{Packages: missing}, Timeout: Install}, &res)
	removed := slices.Clone(missing)
	for _, pkg := range res.Changed {
		if !slices.Contains(removed, pkg) {
			removed = append(removed, pkg)
		}
	}
	p.undo.push(newUndo(host, "yum -y remove "+strings.Join(removed, " "), activities.RemovePackagesName, activities.PackagesInput{Packages: removed}))
	return err
}

// loadModule loads a kernel module; its undo unloads it, pushed only when
// the module was not loaded before the run.
func loadModule(host, name string, options []string, probe activities.StorageProbeResult) Step {
	summary := "modprobe " + strings.Join(append([]string{name}, options...), " ")
	st := Step{Host: host, Summary: summary, Activity: activities.LoadModuleName, Input: activities.ModuleInput{Name: name, Options: options}, Timeout: Quick}
	if !slices.Contains(probe.Modules, name) {
		st = st.undoing("modprobe -r "+name, activities.UnloadModuleName, activities.ModuleInput{Name: name})
	}
	return st
}

// startService and stopService run an init script.
func startService(host, name string) Step {
	return Step{Host: host, Summary: "/etc/init.d/" + name + " start", Activity: activities.StartServiceName, Input: activities.ServiceInput{Name: name}, Timeout: Daemon}
}

func stopService(host, name string) Step {
	return Step{Host: host, Summary: "/etc/init.d/" + name + " stop", Activity: activities.StopServiceName, Input: activities.ServiceInput{Name: name}, Timeout: Daemon}
}
