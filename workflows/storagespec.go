package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// Packages of the data path, per role.
var (
	drbdPackages      = []string{"kmod-drbd82-xen"}
	exportPackages    = []string{"gnbd"}
	importPackages    = []string{"kmod-gnbd-xen", "gnbd"}
	multipathPackages = []string{"device-mapper-multipath"}
)

// hostOf resolves a host of the runbook by short name or FQDN.
func hostOf(rb *runbooks.Runbook, name string) (runbooks.Host, error) {
	for _, h := range rb.Hosts {
		if h.Name == name || h.FQDN == name {
			return h, nil
		}
	}
	return runbooks.Host{}, badRequest("runbook %q has no host %q", rb.Name, name)
}

// drbdResource finds the DRBD resource of a cluster (by name when the
// cluster has several) and resolves it to what drbd.conf says.
func drbdResource(rb *runbooks.Runbook, cluster, name string) (runbooks.DRBDResource, activities.DRBDResource, error) {
	c, ok := rb.Cluster(cluster)
	if !ok {
		return runbooks.DRBDResource{}, activities.DRBDResource{}, badRequest("runbook %q has no cluster %q", rb.Name, cluster)
	}
	for _, r := range rb.DRBD {
		if (name == "" || r.Name == name) && slices.ContainsFunc(c.Nodes, func(n runbooks.Node) bool { return n.Host == r.Hosts[0] }) {
			return r, resolveDRBD(rb, r), nil
		}
	}
	return runbooks.DRBDResource{}, activities.DRBDResource{}, badRequest("cluster %q of runbook %q has no DRBD resource %q", cluster, rb.Name, name)
}

func resolveDRBD(rb *runbooks.Runbook, r runbooks.DRBDResource) activities.DRBDResource {
	spec := activities.DRBDResource{Name: r.Name, Device: r.Device, Protocol: r.Protocol, Rate: r.Rate, Port: r.Port}
	for _, name := range r.Hosts {
		h, _ := rb.Host(name)
		d, _ := rb.Disk(name)
		spec.Nodes = append(spec.Nodes, activities.DRBDNode{Host: h.FQDN, Address: h.Address, Disk: d.Partition})
	}
	return spec
}

// clusterOfHosts names the cman cluster a DRBD pair's hosts form.
func clusterOfHosts(rb *runbooks.Runbook, r runbooks.DRBDResource) string {
	c, _ := rb.ClusterOf(r.Hosts[0])
	return c.Name
}

// overwriteStep is the approval name of a pair's initial sync.
func overwriteStep(cluster, resource string) string {
	return fmt.Sprintf("%s:%s/%s", runbooks.ApproveDRBDOverwrite, cluster, resource)
}

// exportServers lists, in runbook order, the hosts that export and the
// names of their exports.
func exportServers(rb *runbooks.Runbook) (servers []string, names [][]string) {
	if rb.GNBD == nil {
		return nil, nil
	}
	for _, e := range rb.GNBD.Exports {
		h, _ := rb.Host(e.Host)
		i := slices.Index(servers, h.FQDN)
		if i < 0 {
			servers, names = append(servers, h.FQDN), append(names, nil)
			i = len(servers) - 1
		}
		names[i] = append(names[i], e.Name)
	}
	return servers, names
}

// mapSpecs are the multipath maps a client should end with: one per uid,
// over the exports sharing it.
func mapSpecs(rb *runbooks.Runbook) []activities.MapSpec {
	var specs []activities.MapSpec
	if rb.GNBD == nil {
		return nil
	}
	for _, e := range rb.GNBD.Exports {
		i := slices.IndexFunc(specs, func(s activities.MapSpec) bool { return s.UID == e.UID })
		if i < 0 {
			specs = append(specs, activities.MapSpec{UID: e.UID})
			i = len(specs) - 1
		}
		specs[i].Exports = append(specs[i].Exports, e.Name)
	}
	return specs
}

// probeStorage reads a host's data path before a procedure changes it.
func probeStorage(ctx workflow.Context, host string, in activities.StorageProbeInput) (activities.StorageProbeResult, error) {
	var p activities.StorageProbeResult
	err := do(ctx, host, time.Minute, "probe", activities.ProbeStorageName, in, &p)
	return p, err
}

// installStorage installs packages on a host, pushing the undo that removes
// what was not there before and what yum pulled in with it.
func installStorage(ctx workflow.Context, u *undoLog, host string, pkgs []string, probe activities.StorageProbeResult) error {
	var missing []string
	for _, p := range pkgs {
		if !slices.Contains(probe.Installed, p) {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	var res activities.PackagesResult
	err := do(ctx, host, 10*time.Minute, "yum -y install "+strings.Join(missing, " "), activities.EnsurePackagesName, activities.PackagesInput{Packages: missing}, &res)
	removed := slices.Clone(missing)
	for _, p := range res.Changed {
		if !slices.Contains(removed, p) {
			removed = append(removed, p)
		}
	}
	u.add(host, "yum -y remove "+strings.Join(removed, " "), activities.RemovePackagesName, activities.PackagesInput{Packages: removed})
	return err
}
