package runbooks

import (
	"slices"

	"github.com/tetsuzuki/tetsuzuki/names"
)

// The queries below answer what a procedure asks of a runbook: which hosts
// take part in a layer, which pair a cluster runs, what a host exports.
// Workflows ask them instead of walking the sections themselves, so each
// rule of the topology is written once. Hosts come back as FQDNs, the
// names the agents' task queues and the cluster tools use, in file order.

// Lookup returns the host with the given short name or FQDN.
func (r *Runbook) Lookup(name string) (Host, bool) {
	for _, h := range r.Hosts {
		if h.Name == name || h.FQDN == name {
			return h, true
		}
	}
	return Host{}, false
}

// FQDNs returns the FQDNs of the hosts with the given short names.
func (r *Runbook) FQDNs(names []string) []string {
	fqdn := r.FQDN
	if len(names) > 16 {
		fqdn = r.fqdnIndex()
	}
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, fqdn(n))
	}
	return out
}

// fqdnIndex is FQDN for many names at once: one search of the hosts a
// name made Stack quadratic, 5.7 ms a call in a runbook of a thousand
// clients, where workflow code asks it for every batch it starts. The
// first host of a name wins, as in Host's search.
func (r *Runbook) fqdnIndex() func(string) string {
	m := make(map[string]string, len(r.Hosts))
	for _, h := range r.Hosts {
		if _, dup := m[h.Name]; !dup {
			m[h.Name] = h.FQDN
		}
	}
	return func(name string) string { return m[name] }
}

// ClusterNames returns the names of the runbook's clusters, in file order.
func (r *Runbook) ClusterNames() []string {
	names := make([]string, 0, len(r.Clusters))
	for _, c := range r.Clusters {
		names = append(names, c.Name)
	}
	return names
}

// Member is one node of a cluster as cman knows it.
type Member struct {
	FQDN   string
	NodeID int
	Votes  int
}

// Members returns a cluster's nodes, the first (the one that bootstraps
// it) first.
func (r *Runbook) Members(c Cluster) []Member {
	members := make([]Member, 0, len(c.Nodes))
	for _, n := range c.Nodes {
		members = append(members, Member{FQDN: r.FQDN(n.Host), NodeID: n.NodeID, Votes: n.Votes})
	}
	return members
}

// PairOf returns the DRBD resource of a cluster: the one named, or the
// first when name is empty.
func (r *Runbook) PairOf(cluster, name string) (DRBDResource, bool) {
	c, ok := r.Cluster(cluster)
	if !ok {
		return DRBDResource{}, false
	}
	for _, d := range r.DRBD {
		if (name == "" || d.Name == name) && slices.ContainsFunc(c.Nodes, func(n Node) bool { return n.Host == d.Hosts[0] }) {
			return d, true
		}
	}
	return DRBDResource{}, false
}

// PairOn returns the DRBD resource a host (short name or FQDN) serves.
func (r *Runbook) PairOn(host string) (DRBDResource, bool) {
	h, ok := r.Lookup(host)
	if !ok {
		return DRBDResource{}, false
	}
	for _, d := range r.DRBD {
		if slices.Contains(d.Hosts, h.Name) {
			return d, true
		}
	}
	return DRBDResource{}, false
}

// ClusterOfPair names the cman cluster a DRBD pair's hosts form.
func (r *Runbook) ClusterOfPair(d DRBDResource) string {
	c, _ := r.ClusterOf(d.Hosts[0])
	return c.Name
}

// PairNode is one side of a DRBD pair: where it listens and what it mirrors.
type PairNode struct {
	FQDN    string
	Address string
	Disk    string
}

// PairNodes returns the two sides of a pair, in the order of its hosts.
func (r *Runbook) PairNodes(d DRBDResource) []PairNode {
	nodes := make([]PairNode, 0, len(d.Hosts))
	for _, name := range d.Hosts {
		h, _ := r.Host(name)
		disk, _ := r.Disk(name)
		nodes = append(nodes, PairNode{FQDN: h.FQDN, Address: h.Address, Disk: disk.Partition})
	}
	return nodes
}

// ExportServer is a host that exports, and the names of its exports.
type ExportServer struct {
	FQDN    string
	Exports []string
}

// ExportServers lists the hosts that export, in the order of their first
// export in the file.
func (r *Runbook) ExportServers() []ExportServer {
	if r.GNBD == nil {
		return nil
	}
	var servers []ExportServer
	for _, e := range r.GNBD.Exports {
		fqdn := r.FQDN(e.Host)
		i := slices.IndexFunc(servers, func(s ExportServer) bool { return s.FQDN == fqdn })
		if i < 0 {
			servers = append(servers, ExportServer{FQDN: fqdn})
			i = len(servers) - 1
		}
		servers[i].Exports = append(servers[i].Exports, e.Name)
	}
	return servers
}

// ExportNames returns the name of every export, in file order.
func (r *Runbook) ExportNames() []string {
	var names []string
	for _, s := range r.ExportServers() {
		names = append(names, s.Exports...)
	}
	return names
}

// Map is a multipath map a client should end with: the exports sharing
// one GNBD uid, which multipath groups into one device.
type Map struct {
	UID     int
	Exports []string
}

// Maps returns the multipath maps of the runbook, one per uid, in the
// order of their first export.
func (r *Runbook) Maps() []Map {
	if r.GNBD == nil {
		return nil
	}
	var maps []Map
	for _, e := range r.GNBD.Exports {
		i := slices.IndexFunc(maps, func(m Map) bool { return m.UID == e.UID })
		if i < 0 {
			maps = append(maps, Map{UID: e.UID})
			i = len(maps) - 1
		}
		maps[i].Exports = append(maps[i].Exports, e.Name)
	}
	return maps
}

// Stack is who does what in a runbook's storage stack, layer by layer from
// the bottom, as FQDNs. Shutdown walks it from the top, Startup from the
// bottom.
type Stack struct {
	Nodes     []string // every node of every cluster
	DRBD      []string // both sides of every pair
	Exporters []string
	Importers []string
	Multipath []string
	CLVM      []string
	Mounts    []string
}

// Stack returns the runbook's stack; a layer the runbook leaves out has no
// hosts.
func (r *Runbook) Stack() Stack {
	var s Stack
	fqdn := r.fqdnIndex()
	for _, c := range r.Clusters {
		for _, n := range c.Nodes {
			s.Nodes = append(s.Nodes, fqdn(n.Host))
		}
	}
	for _, d := range r.DRBD {
		s.DRBD = append(s.DRBD, r.FQDNs(d.Hosts)...)
	}
	for _, e := range r.ExportServers() {
		s.Exporters = append(s.Exporters, e.FQDN)
	}
	if r.GNBD != nil {
		s.Importers = r.FQDNs(r.GNBD.Imports.Clients)
	}
	if r.Multipath != nil {
		s.Multipath = r.FQDNs(r.Multipath.Clients)
	}
	if r.CLVM != nil {
		s.CLVM = r.FQDNs(r.CLVM.Clients)
		if r.GFS2 != nil {
			s.Mounts = r.FQDNs(r.GFS2.Clients)
		}
	}
	return s
}

// LVPath is the device of the clustered logical volume, /dev/VG/LV; "" when
// the runbook has no clvm section.
func (r *Runbook) LVPath() string {
	if r.CLVM == nil {
		return ""
	}
	return names.LVPath(r.CLVM.VG, r.CLVM.LV)
}
