package runbooks

import (
	"fmt"
	"slices"
)

// A build of a thousand clients loads its runbook once for itself, and
// the load is recorded in its history: 145 KB, every client's host, node
// and list entries, where the build asks only which hosts to hand to
// which child. An outline answers that instead: the runbook's view for
// the servers and the volume's hosts, which the build's own steps use,
// and a roster of every host by FQDN, with the import clients, the
// multipath clients and each cluster's members as positions in it. A
// thousand clients' roster is about 26 KB.

// Roster is every host of a runbook by FQDN, in file order, and the fan-out
// lists of a build as positions in Hosts.
type Roster struct {
	Hosts     []string        `json:"hosts"`
	Importers Spans           `json:"importers,omitempty"`
	Multipath Spans           `json:"multipath,omitempty"`
	Clusters  []RosterCluster `json:"clusters"`
}

// RosterCluster is a cluster's name and its nodes, in file order.
type RosterCluster struct {
	Name    string `json:"name"`
	Members Spans  `json:"members"`
}

// Spans is a list of positions, written as runs of consecutive ones, each
// [first, last+1): a thousand clients listed in file order are one run.
type Spans [][2]int

// SpansOf writes positions as runs.
func SpansOf(positions []int) Spans {
	var s Spans
	for _, p := range positions {
		if n := len(s); n > 0 && s[n-1][1] == p {
			s[n-1][1]++
			continue
		}
		s = append(s, [2]int{p, p + 1})
	}
	return s
}

// of is the hosts at the positions, in order, of spans that Check passed.
func (s Spans) of(hosts []string) []string {
	var out []string
	for _, run := range s {
		out = append(out, hosts[run[0]:run[1]]...)
	}
	return out
}

// Check reports a roster whose spans are not within its hosts. A roster is
// what the loader gave, read back from a history: the build checks it
// once, and its answers need no error.
func (ro *Roster) Check() error {
	lists := []Spans{ro.Importers, ro.Multipath}
	for _, c := range ro.Clusters {
		lists = append(lists, c.Members)
	}
	for _, s := range lists {
		for _, run := range s {
			if run[0] < 0 || run[0] >= run[1] || run[1] > len(ro.Hosts) {
				return fmt.Errorf("roster: span %v is not within its %d hosts", run, len(ro.Hosts))
			}
		}
	}
	return nil
}

// Roster returns the runbook's roster.
func (r *Runbook) Roster() *Roster {
	at := make(map[string]int, len(r.Hosts))
	ro := &Roster{Hosts: make([]string, len(r.Hosts)), Clusters: make([]RosterCluster, 0, len(r.Clusters))}
	for i, h := range r.Hosts {
		ro.Hosts[i] = h.FQDN
		if _, dup := at[h.Name]; !dup {
			at[h.Name] = i
		}
	}
	positions := func(names []string) []int {
		ps := make([]int, len(names))
		for i, n := range names {
			ps[i] = at[n]
		}
		return ps
	}
	if r.GNBD != nil {
		ro.Importers = SpansOf(positions(r.GNBD.Imports.Clients))
	}
	if r.Multipath != nil {
		ro.Multipath = SpansOf(positions(r.Multipath.Clients))
	}
	for _, c := range r.Clusters {
		names := make([]string, len(c.Nodes))
		for i, n := range c.Nodes {
			names[i] = n.Host
		}
		ro.Clusters = append(ro.Clusters, RosterCluster{Name: c.Name, Members: SpansOf(positions(names))})
	}
	return ro
}

// VolumeHosts are the hosts of the clustered volume and its file system,
// by FQDN: the clvm and gfs2 clients and creators, each once.
func (r *Runbook) VolumeHosts() []string {
	var names []string
	if r.CLVM != nil {
		names = append(names, r.CLVM.Creator)
		names = append(names, r.CLVM.Clients...)
	}
	if r.GFS2 != nil {
		names = append(names, r.GFS2.Creator)
		names = append(names, r.GFS2.Clients...)
	}
	var out []string
	for _, f := range r.FQDNs(names) {
		if f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// Outline is what Load gives, but for a runbook of more than past hosts
// loaded without a focus: the view for its servers and volume hosts, with
// the roster of all its hosts. The reference pins the whole runbook, for
// the run's children to load their own part. A run asks for an outline
// past the hosts it would work on in its own history: below that, the
// whole runbook is a few kilobytes, and the run needs all of it.
func (c *Catalog) Outline(ref Ref, past int) (Loaded, error) {
	loaded, err := c.Load(ref)
	if err != nil || len(ref.Focus) > 0 || len(loaded.Runbook.Hosts) <= past {
		return loaded, err
	}
	rb := loaded.Runbook
	view, err := rb.Focus(rb.VolumeHosts())
	if err != nil {
		return Loaded{}, fmt.Errorf("%w: %s: %w", ErrInvalid, loaded.Ref.Source, err)
	}
	loaded.Runbook, loaded.Roster = view, rb.Roster()
	return loaded, nil
}

// The fan-out questions of a build, which a loaded runbook answers from
// its roster when it has one, else from the runbook itself: the same
// answers either way.

// Importers are the import clients, by FQDN, in file order.
func (l Loaded) Importers() []string {
	if l.Roster == nil {
		return l.Runbook.Stack().Importers
	}
	return l.Roster.Importers.of(l.Roster.Hosts)
}

// MultipathClients are the multipath clients, by FQDN, in file order.
func (l Loaded) MultipathClients() []string {
	if l.Roster == nil {
		return l.Runbook.Stack().Multipath
	}
	return l.Roster.Multipath.of(l.Roster.Hosts)
}

// HostFQDNs are every host, by FQDN, in file order.
func (l Loaded) HostFQDNs() []string {
	if l.Roster != nil {
		return l.Roster.Hosts
	}
	out := make([]string, len(l.Runbook.Hosts))
	for i, h := range l.Runbook.Hosts {
		out[i] = h.FQDN
	}
	return out
}

// ClusterNames are the clusters' names, in file order.
func (l Loaded) ClusterNames() []string {
	if l.Roster == nil {
		return l.Runbook.ClusterNames()
	}
	out := make([]string, len(l.Roster.Clusters))
	for i, c := range l.Roster.Clusters {
		out[i] = c.Name
	}
	return out
}

// ClusterMembers are a cluster's nodes, by FQDN, in file order; false when
// the runbook has no such cluster.
func (l Loaded) ClusterMembers(name string) ([]string, bool) {
	if l.Roster == nil {
		c, ok := l.Runbook.Cluster(name)
		if !ok {
			return nil, false
		}
		var out []string
		for _, m := range l.Runbook.Members(c) {
			out = append(out, m.FQDN)
		}
		return out, true
	}
	for _, c := range l.Roster.Clusters {
		if c.Name == name {
			return c.Members.of(l.Roster.Hosts), true
		}
	}
	return nil, false
}
