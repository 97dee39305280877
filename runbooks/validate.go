package runbooks

import (
	"fmt"
	"net/netip"
	"unicode"

	"github.com/tetsuzuki/tetsuzuki/names"
)

// The rules for names, paths and small values are package names', which
// the agent applies to its inputs too: a runbook that loads carries
// nothing the agent refuses.

// problem is the text of a names rule's error, "" when the value passes.
func problem(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// Validate checks a runbook that did not come from Parse, such as one built
// in code or decoded from a workflow input, against the same rules as a
// file. Errors carry field paths but no source or line.
func (r *Runbook) Validate() error {
	p := &problems{}
	(&validator{problems: p}).runbook(r)
	return p.err()
}

// validator checks the values of a decoded runbook. lines, when set, gives
// the line of each field so errors point into the file.
type validator struct {
	*problems
	lines map[string]int
}

// line returns the line of field, or of its nearest parent present in the
// file, so that a missing field is reported where its mapping starts.
func (v *validator) line(field string) int {
	for f := field; ; f = parent(f) {
		if l, ok := v.lines[f]; ok || f == "" {
			return l
		}
	}
}

func (v *validator) fail(field, format string, args ...any) {
	v.add(v.line(field), field, fmt.Sprintf(format, args...))
}

// at names an earlier field for a message about a duplicate.
func (v *validator) at(field string) string {
	if l := v.line(field); l > 0 {
		return fmt.Sprintf("%s (line %d)", field, l)
	}
	return field
}

// MaxDescription bounds a runbook's free text: it is printed and carried
// in every run's history.
const MaxDescription = 4096

func (v *validator) runbook(r *Runbook) {
	if msg := problem(names.Runbook(r.Name)); msg != "" {
		v.fail("name", "%s", msg)
	}
	if len(r.Description) > MaxDescription {
		v.fail("description", "%d bytes, at most %d", len(r.Description), MaxDescription)
	}
	for _, c := range r.Description {
		if unicode.IsControl(c) && c != '\n' && c != '\t' {
			v.fail("description", "must not contain control characters, found %s", quote(string(c)))
			break
		}
	}
	if len(r.Hosts) == 0 {
		v.fail("hosts", "at least one host is required")
	}
	hosts := v.hosts(r.Hosts)
	v.clusters(r.Clusters, hosts)
	v.dataPath(r, hosts)
}

// hosts checks every host and returns the field path of each host name, for
// resolving cluster nodes.
func (v *validator) hosts(hosts []Host) map[string]string {
	named, fqdns, addrs := map[string]string{}, map[string]string{}, map[netip.Addr]string{}
	for i, h := range hosts {
		path := index("hosts", i)
		if msg := problem(names.Host(h.Name)); msg != "" {
			v.fail(path+".name", "%s", msg)
		} else if first, dup := named[h.Name]; dup {
			v.fail(path+".name", "duplicate host name %s, also %s", quote(h.Name), v.at(first))
		}
		if _, seen := named[h.Name]; !seen && h.Name != "" {
			named[h.Name] = path + ".name"
		}

		if msg := problem(names.FQDN(h.FQDN)); msg != "" {
			v.fail(path+".fqdn", "%s", msg)
		} else if first, dup := fqdns[h.FQDN]; dup {
			v.fail(path+".fqdn", "duplicate FQDN %s, also %s", quote(h.FQDN), v.at(first))
		} else {
			fqdns[h.FQDN] = path + ".fqdn"
		}

		if addr, err := names.Address(h.Address); err != nil {
			v.fail(path+".address", "%s", err)
		} else if first, dup := addrs[addr.Unmap()]; dup {
			v.fail(path+".address", "duplicate address %s, also %s", quote(h.Address), v.at(first))
		} else {
			addrs[addr.Unmap()] = path + ".address"
		}
	}
	return named
}

func (v *validator) clusters(clusters []Cluster, hosts map[string]string) {
	named := map[string]string{}
	member := map[string]membership{} // by host name, across all clusters
	for i, c := range clusters {
		path := index("clusters", i)
		if msg := problem(names.Cluster(c.Name)); msg != "" {
			v.fail(path+".name", "%s", msg)
		} else if first, dup := named[c.Name]; dup {
			v.fail(path+".name", "duplicate cluster name %s, also %s", quote(c.Name), v.at(first))
		} else {
			named[c.Name] = path + ".name"
		}
		if len(c.Nodes) == 0 {
			v.fail(path+".nodes", "a cluster needs at least one node")
		}
		if c.TwoNode && len(c.Nodes) != 2 {
			v.fail(path+".two_node", "two_node is only allowed with exactly 2 nodes, the cluster has %d", len(c.Nodes))
		}
		ids := map[int]string{}
		for j, n := range c.Nodes {
			npath := index(path+".nodes", j)
			v.node(n, npath, c, path, hosts, member)
			if n.NodeID < 1 || n.NodeID > 255 {
				v.fail(npath+".nodeid", "must be from 1 to 255, got %d", n.NodeID)
			} else if first, dup := ids[n.NodeID]; dup {
				v.fail(npath+".nodeid", "duplicate nodeid %d in the cluster, also %s", n.NodeID, v.at(first))
			} else {
				ids[n.NodeID] = npath + ".nodeid"
			}
			if n.Votes < 1 || n.Votes > 255 {
				v.fail(npath+".votes", "must be from 1 to 255, got %d", n.Votes)
			}
		}
	}
}

// node checks the host of one cluster node: it must be a host of the
// runbook and a node of no other cluster, because a host runs one cman.
func (v *validator) node(n Node, npath string, c Cluster, cpath string, hosts map[string]string, member map[string]membership) {
	field := npath + ".host"
	if msg := problem(names.Host(n.Host)); msg != "" {
		v.fail(field, "%s", msg)
		return
	}
	if _, ok := hosts[n.Host]; !ok {
		v.fail(field, "%s is not a host of this runbook", quote(n.Host))
		return
	}
	if first, ok := member[n.Host]; ok {
		if first.cluster == cpath {
			v.fail(field, "host %s is listed twice in this cluster, also %s", quote(n.Host), v.at(first.field))
		} else {
			v.fail(field, "host %s is already a node of cluster %s, %s; a host runs only one cman", quote(n.Host), quote(first.name), v.at(first.field))
		}
		return
	}
	member[n.Host] = membership{field: field, cluster: cpath, name: c.Name}
}

// membership records where a host was first seen as a cluster node.
type membership struct {
	field, cluster, name string
}
