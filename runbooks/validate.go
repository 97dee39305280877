package runbooks

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// The patterns keep every name safe to put on a command line or in a
// configuration file unquoted: no '/', '..', spaces, shell metacharacters,
// control characters, and no leading '-' that a tool would read as an option.
var (
	runbookNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	hostNameRE    = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)
	clusterNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	fqdnLabelRE   = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
)

const hostNameRule = "a host name: a lowercase letter, then lowercase letters, digits and '-', at most 63 characters"

// maxClusterName is cman's limit on cluster names.
const maxClusterName = 15

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

func (v *validator) runbook(r *Runbook) {
	if msg := nameProblem(r.Name, runbookNameRE, "a runbook name: lowercase letters, digits and '-', starting with a letter or digit, at most 63 characters"); msg != "" {
		v.fail("name", "%s", msg)
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
	names, fqdns, addrs := map[string]string{}, map[string]string{}, map[netip.Addr]string{}
	for i, h := range hosts {
		path := index("hosts", i)
		if msg := nameProblem(h.Name, hostNameRE, hostNameRule); msg != "" {
			v.fail(path+".name", "%s", msg)
		} else if first, dup := names[h.Name]; dup {
			v.fail(path+".name", "duplicate host name %s, also %s", quote(h.Name), v.at(first))
		}
		if _, seen := names[h.Name]; !seen && h.Name != "" {
			names[h.Name] = path + ".name"
		}

		if msg := fqdnProblem(h.FQDN); msg != "" {
			v.fail(path+".fqdn", "%s", msg)
		} else if first, dup := fqdns[h.FQDN]; dup {
			v.fail(path+".fqdn", "duplicate FQDN %s, also %s", quote(h.FQDN), v.at(first))
		} else {
			fqdns[h.FQDN] = path + ".fqdn"
		}

		if addr, msg := addressProblem(h.Address); msg != "" {
			v.fail(path+".address", "%s", msg)
		} else if first, dup := addrs[addr.Unmap()]; dup {
			v.fail(path+".address", "duplicate address %s, also %s", quote(h.Address), v.at(first))
		} else {
			addrs[addr.Unmap()] = path + ".address"
		}
	}
	return names
}

func (v *validator) clusters(clusters []Cluster, hosts map[string]string) {
	names := map[string]string{}
	member := map[string]membership{} // by host name, across all clusters
	for i, c := range clusters {
		path := index("clusters", i)
		if msg := clusterNameProblem(c.Name); msg != "" {
			v.fail(path+".name", "%s", msg)
		} else if first, dup := names[c.Name]; dup {
			v.fail(path+".name", "duplicate cluster name %s, also %s", quote(c.Name), v.at(first))
		} else {
			names[c.Name] = path + ".name"
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
	if msg := nameProblem(n.Host, hostNameRE, hostNameRule); msg != "" {
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

// nameProblem explains why s does not match re, or returns "".
func nameProblem(s string, re *regexp.Regexp, what string) string {
	switch {
	case s == "":
		return "is required"
	case re.MatchString(s):
		return ""
	case strings.HasPrefix(s, "-"):
		return fmt.Sprintf("%s must not start with '-', a tool would read it as an option; want %s", quote(s), what)
	default:
		return fmt.Sprintf("%s is not %s", quote(s), what)
	}
}

// clusterNameProblem applies cman's rules: at most 15 characters, and the
// characters cman and the GFS2 lock table accept.
func clusterNameProblem(s string) string {
	switch {
	case s == "":
		return "is required"
	case !clusterNameRE.MatchString(s):
		return fmt.Sprintf("%s is not a cluster name: letters, digits, '_' and '-' only", quote(s))
	case strings.HasPrefix(s, "-"):
		return fmt.Sprintf("%s must not start with '-', a tool would read it as an option", quote(s))
	case len(s) > maxClusterName:
		return fmt.Sprintf("%s is %d characters long; cman refuses cluster names longer than %d", quote(s), len(s), maxClusterName)
	}
	return ""
}

// fqdnProblem checks an RFC 1123 host name with at least one dot, in
// lowercase so that it compares equal to what cman_tool prints.
func fqdnProblem(s string) string {
	switch {
	case s == "":
		return "is required"
	case len(s) > 253:
		return fmt.Sprintf("%s is longer than 253 characters", quote(s))
	case strings.ToLower(s) != s:
		return fmt.Sprintf("%s must be lowercase", quote(s))
	case !strings.Contains(s, "."):
		return fmt.Sprintf("%s is not fully qualified: it needs a domain, as in storage0a.example.org", quote(s))
	case strings.HasSuffix(s, "."):
		return fmt.Sprintf("%s must not end with a dot", quote(s))
	}
	for _, label := range strings.Split(s, ".") {
		switch {
		case label == "":
			return fmt.Sprintf("%s has an empty label", quote(s))
		case len(label) > 63:
			return fmt.Sprintf("%s has a label longer than 63 characters", quote(s))
		case !fqdnLabelRE.MatchString(label):
			return fmt.Sprintf("%s is not a valid FQDN: label %s must hold only a-z, 0-9 and '-', and not start or end with '-'", quote(s), quote(label))
		}
	}
	return ""
}

// addressProblem parses a unicast IP address. It insists on the canonical
// spelling so that the same address cannot appear twice in two spellings
// and the text lands unchanged in drbd.conf.
func addressProblem(s string) (netip.Addr, string) {
	if s == "" {
		return netip.Addr{}, "is required"
	}
	addr, err := netip.ParseAddr(s)
	switch {
	case err != nil:
		return addr, fmt.Sprintf("%s is not an IPv4 or IPv6 address", quote(s))
	case addr.Zone() != "":
		return addr, fmt.Sprintf("%s must not have a zone", quote(s))
	case addr.IsUnspecified() || addr.IsMulticast():
		return addr, fmt.Sprintf("%s is not a unicast host address", quote(s))
	case addr.String() != s:
		return addr, fmt.Sprintf("%s is not in canonical form; write %s", quote(s), strconv.Quote(addr.String()))
	}
	return addr, ""
}
