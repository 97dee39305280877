package runbooks

import (
	"fmt"
	"slices"
)

// A thousand-client data path runs two children a client, and each used
// to record the whole runbook when it loaded it: 200 KB of a thousand
// clients' hosts, clusters and lists, two thousand times, to read one
// client's part. A Ref's Focus asks for a view instead: the runbook with
// the other import clients taken out, which a child's history records.
//
// The view keeps everything but the other clients: the servers, their
// disks, pairs and exports, every section and setting, and each cluster
// that still has a node, with the nodes that remain. So what a per-client
// procedure asks of the runbook about its own host (the host, its cluster
// and node, the export servers, the maps, whether the host imports,
// multipaths or mounts) gets the answer the whole runbook gives; what it
// would ask about the other clients, it cannot.

// Focus returns the view of the runbook for the hosts named by FQDN: the
// import clients among them stay, the other import, multipath, CLVM and
// GFS2 clients drop out of the hosts, the clusters' nodes, the disks and
// every client list, and a cluster left without nodes drops out too. A
// host that is not the runbook's is an error naming it.
//
// The view is not validated again, and would not always pass: a trimmed
// client cluster may be below a size rule, and the CLVM and GFS2
// creators stay named in their sections though the view may have dropped
// their hosts. It is a window on a runbook that did validate, for the
// focus hosts' procedures; the runbook is not changed.
func (r *Runbook) Focus(fqdns []string) (*Runbook, error) {
	keep := map[string]bool{}
	for i, f := range fqdns {
		h, ok := r.Lookup(f)
		if !ok || h.FQDN != f {
			return nil, fmt.Errorf("focus[%d]: %s is not a host of runbook %s (by FQDN)", i, quote(f), quote(r.Name))
		}
		keep[h.Name] = true
	}
	// The servers stay whatever the lists say: a valid runbook never
	// makes one a client, and a view must not lose one if it did.
	for _, d := range r.DRBD {
		for _, h := range d.Hosts {
			keep[h] = true
		}
	}
	if r.GNBD != nil {
		for _, e := range r.GNBD.Exports {
			keep[e.Host] = true
		}
	}
	drop := map[string]bool{}
	for _, h := range r.clients() {
		if !keep[h] {
			drop[h] = true
		}
	}
	kept := func(h string) bool { return !drop[h] }

	v := *r
	v.Hosts = filter(r.Hosts, func(h Host) bool { return kept(h.Name) })
	v.Clusters = make([]Cluster, 0, len(r.Clusters))
	for _, c := range r.Clusters {
		nodes := filter(c.Nodes, func(n Node) bool { return kept(n.Host) })
		if len(nodes) == 0 && len(c.Nodes) > 0 {
			continue
		}
		c.Nodes = nodes
		v.Clusters = append(v.Clusters, c)
	}
	if r.Disks != nil {
		v.Disks = filter(r.Disks, func(d Disk) bool { return kept(d.Host) })
	}
	if r.GNBD != nil {
		g := *r.GNBD
		g.Imports.Clients = filter(g.Imports.Clients, kept)
		v.GNBD = &g
	}
	if r.Multipath != nil {
		m := *r.Multipath
		m.Clients = filter(m.Clients, kept)
		v.Multipath = &m
	}
	if r.CLVM != nil {
		c := *r.CLVM
		c.Clients = filter(c.Clients, kept)
		v.CLVM = &c
	}
	if r.GFS2 != nil {
		g := *r.GFS2
		g.Clients = filter(g.Clients, kept)
		v.GFS2 = &g
	}
	return &v, nil
}

// clients are the hosts of every client list, by short name.
func (r *Runbook) clients() []string {
	var hosts []string
	if r.GNBD != nil {
		hosts = append(hosts, r.GNBD.Imports.Clients...)
	}
	if r.Multipath != nil {
		hosts = append(hosts, r.Multipath.Clients...)
	}
	if r.CLVM != nil {
		hosts = append(hosts, r.CLVM.Clients...)
	}
	if r.GFS2 != nil {
		hosts = append(hosts, r.GFS2.Clients...)
	}
	return hosts
}

// filter returns the items of list that keep holds, in a new slice that is
// empty rather than nil, so that a view's empty list encodes as [] like
// the whole runbook's lists.
func filter[T any](list []T, keep func(T) bool) []T {
	out := make([]T, 0, len(list))
	for _, item := range list {
		if keep(item) {
			out = append(out, item)
		}
	}
	return slices.Clip(out)
}
