package runbooks

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// decoder turns the YAML node tree into a Runbook by hand rather than with
// yaml.Unmarshal, because only a walk over the nodes can report unknown and
// duplicate keys, wrong types and anchors with our file:line: field format.
// It checks shape and types only; validator checks the values.
type decoder struct {
	*problems
	lines map[string]int // line of every field present in the file, by path
}

// schema lists the keys a mapping may hold. Sections are optional too:
// the data path layers, which the "must be a mapping" message lists apart,
// after the keys every runbook has.
type schema struct {
	required, optional, sections []string
}

// keys lists every key of the schema, for error messages.
func (s schema) keys() []string {
	return slices.Concat(s.required, s.optional, s.sections)
}

var (
	runbookKeys = schema{
		required: []string{"name", "hosts"},
		optional: []string{"description", "clusters"},
		sections: []string{"disks", "drbd", "gnbd", "multipath", "clvm", "gfs2", "approvals", "checks"},
	}
	hostKeys      = schema{required: []string{"name", "fqdn", "address"}}
	clusterKeys   = schema{required: []string{"name", "nodes"}, optional: []string{"two_node"}}
	nodeKeys      = schema{required: []string{"host", "nodeid"}, optional: []string{"votes"}}
	diskKeys      = schema{required: []string{"host", "device", "partition"}}
	drbdKeys      = schema{required: []string{"name", "device", "hosts"}, optional: []string{"protocol", "rate", "port", "sync_from"}}
	gnbdKeys      = schema{required: []string{"exports", "imports"}}
	exportKeys    = schema{required: []string{"host", "name", "device", "uid"}}
	importKeys    = schema{required: []string{"clients"}}
	multipathKeys = schema{required: []string{"clients"}}
	clvmKeys      = schema{required: []string{"clients", "vg", "lv", "pvs", "extents"}, optional: []string{"creator"}}
	gfs2Keys      = schema{required: []string{"lock_table", "journals", "mountpoint"}, optional: []string{"clients", "creator"}}
	approvalKeys  = schema{optional: []string{"auto", "approvers", "unsigned"}}
	approverKeys  = schema{required: []string{"name", "key"}}
	checksKeys    = schema{optional: []string{"ignore", "repair"}}
)

func (d *decoder) runbook(n *yaml.Node) *Runbook {
	r := &Runbook{Hosts: []Host{}, Clusters: []Cluster{}}
	f := d.mapping(n, "", runbookKeys)
	if f == nil {
		return r
	}
	r.Name = d.str(f["name"], "name")
	r.Description = d.str(f["description"], "description")
	for i, item := range d.sequence(f["hosts"], "hosts") {
		r.Hosts = append(r.Hosts, d.host(item, index("hosts", i)))
	}
	for i, item := range d.sequence(f["clusters"], "clusters") {
		r.Clusters = append(r.Clusters, d.cluster(item, index("clusters", i)))
	}
	// The data path sections stay nil when absent or empty, so that a
	// runbook without them is the same value as before they existed and
	// survives a round trip through yaml.Marshal's omitempty.
	for i, item := range d.sequence(f["disks"], "disks") {
		r.Disks = append(r.Disks, d.disk(item, index("disks", i)))
	}
	for i, item := range d.sequence(f["drbd"], "drbd") {
		r.DRBD = append(r.DRBD, d.drbd(item, index("drbd", i)))
	}
	if n := f["gnbd"]; n != nil {
		r.GNBD = d.gnbd(n, "gnbd")
	}
	if n := f["multipath"]; n != nil {
		af := d.mapping(n, "multipath", multipathKeys)
		r.Multipath = &Multipath{Clients: d.strs(af["clients"], "multipath.clients")}
	}
	if n := f["clvm"]; n != nil {
		r.CLVM = d.clvm(n, "clvm")
	}
	if n := f["gfs2"]; n != nil {
		r.GFS2 = d.gfs2(n, "gfs2", r.CLVM)
	}
	if n := f["approvals"]; n != nil {
		af := d.mapping(n, "approvals", approvalKeys)
		r.Approvals.Auto = d.strs(af["auto"], "approvals.auto")
		for i, item := range d.sequence(af["approvers"], "approvals.approvers") {
			path := index("approvals.approvers", i)
			f := d.mapping(item, path, approverKeys)
			r.Approvals.Approvers = append(r.Approvals.Approvers, Approver{Name: d.str(f["name"], path+".name"), Key: d.str(f["key"], path+".key")})
		}
		r.Approvals.Unsigned = d.boolean(af["unsigned"], "approvals.unsigned")
	}
	if n := f["checks"]; n != nil {
		cf := d.mapping(n, "checks", checksKeys)
		r.Checks.Ignore = d.strs(cf["ignore"], "checks.ignore")
		r.Checks.Repair = d.strs(cf["repair"], "checks.repair")
	}
	return r
}

func (d *decoder) host(n *yaml.Node, path string) Host {
	f := d.mapping(n, path, hostKeys)
	return Host{
		Name:    d.str(f["name"], path+".name"),
		FQDN:    d.str(f["fqdn"], path+".fqdn"),
		Address: d.str(f["address"], path+".address"),
	}
}

func (d *decoder) cluster(n *yaml.Node, path string) Cluster {
	f := d.mapping(n, path, clusterKeys)
	c := Cluster{
		Name:    d.str(f["name"], path+".name"),
		TwoNode: d.boolean(f["two_node"], path+".two_node"),
		Nodes:   []Node{},
	}
	for i, item := range d.sequence(f["nodes"], path+".nodes") {
		c.Nodes = append(c.Nodes, d.node(item, index(path+".nodes", i)))
	}
	return c
}

func (d *decoder) node(n *yaml.Node, path string) Node {
	f := d.mapping(n, path, nodeKeys)
	node := Node{
		Host:   d.str(f["host"], path+".host"),
		NodeID: d.integer(f["nodeid"], path+".nodeid"),
		Votes:  1, // cman's default
	}
	if v := f["votes"]; v != nil {
		node.Votes = d.integer(v, path+".votes")
	}
	return node
}

func (d *decoder) disk(n *yaml.Node, path string) Disk {
	f := d.mapping(n, path, diskKeys)
	return Disk{
		Host:      d.str(f["host"], path+".host"),
		Device:    d.str(f["device"], path+".device"),
		Partition: d.str(f["partition"], path+".partition"),
	}
}

// The defaults of a DRBD resource: the blog's drbd.conf.
const (
	defaultDRBDProtocol = "C"
	defaultDRBDRate     = "10M"
	defaultDRBDPort     = 7788
)

// drbd decodes a DRBD resource and fills in the defaults of the keys the
// file leaves out (absent or null); a key that is present keeps its value,
// even an empty one, for the validator to refuse.
func (d *decoder) drbd(n *yaml.Node, path string) DRBDResource {
	f := d.mapping(n, path, drbdKeys)
	res := DRBDResource{
		Name:     d.str(f["name"], path+".name"),
		Device:   d.str(f["device"], path+".device"),
		Protocol: defaultDRBDProtocol,
		Rate:     defaultDRBDRate,
		Port:     defaultDRBDPort,
		Hosts:    d.strs(f["hosts"], path+".hosts"),
	}
	if v := f["protocol"]; v != nil {
		res.Protocol = d.str(v, path+".protocol")
	}
	if v := f["rate"]; v != nil {
		res.Rate = d.str(v, path+".rate")
	}
	if v := f["port"]; v != nil {
		res.Port = d.integer(v, path+".port")
	}
	if v := f["sync_from"]; v != nil {
		res.SyncFrom = d.str(v, path+".sync_from")
	} else if len(res.Hosts) > 0 {
		res.SyncFrom = res.Hosts[0]
	}
	return res
}

func (d *decoder) gnbd(n *yaml.Node, path string) *GNBD {
	f := d.mapping(n, path, gnbdKeys)
	g := &GNBD{}
	for i, item := range d.sequence(f["exports"], path+".exports") {
		g.Exports = append(g.Exports, d.export(item, index(path+".exports", i)))
	}
	if v := f["imports"]; v != nil {
		imf := d.mapping(v, path+".imports", importKeys)
		g.Imports.Clients = d.strs(imf["clients"], path+".imports.clients")
	}
	return g
}

func (d *decoder) export(n *yaml.Node, path string) Export {
	f := d.mapping(n, path, exportKeys)
	return Export{
		Host:   d.str(f["host"], path+".host"),
		Name:   d.str(f["name"], path+".name"),
		Device: d.str(f["device"], path+".device"),
		UID:    d.integer(f["uid"], path+".uid"),
	}
}

// clvm decodes the clvm section; the creator defaults to the first client.
func (d *decoder) clvm(n *yaml.Node, path string) *CLVM {
	f := d.mapping(n, path, clvmKeys)
	c := &CLVM{
		Clients: d.strs(f["clients"], path+".clients"),
		VG:      d.str(f["vg"], path+".vg"),
		LV:      d.str(f["lv"], path+".lv"),
		PVs:     d.strs(f["pvs"], path+".pvs"),
		Extents: d.integer(f["extents"], path+".extents"),
	}
	if v := f["creator"]; v != nil {
		c.Creator = d.str(v, path+".creator")
	} else if len(c.Clients) > 0 {
		c.Creator = c.Clients[0]
	}
	return c
}

// gfs2 decodes the gfs2 section; the clients default to every client of
// clvm and the creator to clvm's creator, when there is a clvm section. A
// clients key that is present keeps its value, even an empty list, for the
// validator to refuse.
func (d *decoder) gfs2(n *yaml.Node, path string, clvm *CLVM) *GFS2 {
	f := d.mapping(n, path, gfs2Keys)
	g := &GFS2{
		LockTable:  d.str(f["lock_table"], path+".lock_table"),
		Journals:   d.integer(f["journals"], path+".journals"),
		Mountpoint: d.str(f["mountpoint"], path+".mountpoint"),
	}
	if v := f["clients"]; v != nil {
		g.Clients = d.strs(v, path+".clients")
	} else if clvm != nil {
		g.Clients = slices.Clone(clvm.Clients)
	}
	if v := f["creator"]; v != nil {
		g.Creator = d.str(v, path+".creator")
	} else if clvm != nil {
		g.Creator = clvm.Creator
	}
	return g
}

// strs returns a list of strings, recording the line of each item so that
// an error about one item points at it; nil (absent) and [] are nil.
func (d *decoder) strs(n *yaml.Node, path string) []string {
	var list []string
	for i, item := range d.sequence(n, path) {
		field := index(path, i)
		d.lines[field] = item.Line
		list = append(list, d.str(item, field))
	}
	return list
}

// mapping checks that n is a mapping whose keys are known, unique strings
// and that every required key has a value, and returns the values by key.
// A null value counts as absent. It returns nil when n is not usable.
func (d *decoder) mapping(n *yaml.Node, path string, s schema) map[string]*yaml.Node {
	if !d.plain(n, path) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		what := "must be a mapping"
		if path == "" {
			what = "the file must hold a mapping"
		}
		msg := what + " with keys " + strings.Join(slices.Concat(s.required, s.optional), ", ") + ", got " + describe(n)
		if len(s.sections) > 0 {
			msg += "; it may also hold " + strings.Join(s.sections, ", ")
		}
		d.add(n.Line, path, msg)
		return nil
	}
	d.lines[path] = n.Line
	values := map[string]*yaml.Node{}
	firstLine := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			d.add(k.Line, join(path, "<<"), "merge keys are not supported; write the keys out")
			continue
		}
		if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" || k.Anchor != "" {
			d.add(k.Line, path, "keys must be plain strings, got "+describe(k))
			continue
		}
		field := join(path, keyName(k.Value))
		if line, dup := firstLine[k.Value]; dup {
			d.add(k.Line, field, fmt.Sprintf("duplicate key %s (first at line %d)", quote(k.Value), line))
			continue
		}
		firstLine[k.Value] = k.Line
		if !slices.Contains(s.keys(), k.Value) {
			d.add(k.Line, field, fmt.Sprintf("unknown key %s; expected one of %s", quote(k.Value), strings.Join(s.keys(), ", ")))
			continue
		}
		d.lines[field] = v.Line
		if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null" && v.Anchor == "" {
			continue
		}
		values[k.Value] = v
	}
	for _, key := range s.required {
		if values[key] == nil {
			line := n.Line
			if l, ok := firstLine[key]; ok {
				line = l
			}
			d.add(line, join(path, key), "is required")
		}
	}
	return values
}

// sequence returns the items of a list; nil (absent) is an empty list.
func (d *decoder) sequence(n *yaml.Node, path string) []*yaml.Node {
	if n == nil || !d.plain(n, path) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.add(n.Line, path, "must be a list, got "+describe(n))
		return nil
	}
	return n.Content
}

// str returns a string scalar; nil (absent) is "".
func (d *decoder) str(n *yaml.Node, path string) string {
	if n == nil || !d.plain(n, path) {
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		msg := "must be a string, got " + describe(n)
		if n.Kind == yaml.ScalarNode {
			msg += "; quote it if it is meant as text"
		}
		d.add(n.Line, path, msg)
		return ""
	}
	return n.Value
}

// integer returns a decimal integer scalar; nil (absent) is 0.
func (d *decoder) integer(n *yaml.Node, path string) int {
	if n == nil || !d.plain(n, path) {
		return 0
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		d.add(n.Line, path, "must be an integer, got "+describe(n))
		return 0
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil {
		d.add(n.Line, path, "must be a decimal integer, got "+quote(n.Value))
		return 0
	}
	return v
}

// boolean returns true or false; nil (absent) is false. YAML 1.1 spellings
// such as yes and on are strings in yaml.v3 and are refused as such.
func (d *decoder) boolean(n *yaml.Node, path string) bool {
	if n == nil || !d.plain(n, path) {
		return false
	}
	var b bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
		d.add(n.Line, path, "must be true or false, got "+describe(n))
		return false
	}
	return b
}

// plain refuses anchors and aliases: resolving them would let a small file
// expand into a huge runbook, and a value defined far away is easy to misread.
func (d *decoder) plain(n *yaml.Node, path string) bool {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		d.add(n.Line, path, "anchors and aliases are not supported; write the value out")
		return false
	}
	return true
}

// describe names the YAML type of n for error messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return "a string " + quote(n.Value)
		case "!!int":
			return "an integer " + quote(n.Value)
		case "!!float":
			return "a number " + quote(n.Value)
		case "!!bool":
			return "a boolean " + quote(n.Value)
		case "!!null":
			return "null"
		default:
			return "a value tagged " + quote(n.Tag)
		}
	}
	return "a YAML node of kind " + strconv.Itoa(int(n.Kind))
}

var safeKeyRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// keyName spells a key for a field path, quoting keys that are not plain
// words so that a hostile key cannot break the error line.
func keyName(key string) string {
	if safeKeyRE.MatchString(key) {
		return key
	}
	return quote(key)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// quote quotes a value from the file for an error message, escaping control
// characters so a hostile value cannot forge log lines, and shortening it so
// a long one cannot flood them.
func quote(s string) string {
	const max = 64
	if r := []rune(s); len(r) > max {
		return strconv.Quote(string(r[:max])) + "..."
	}
	return strconv.Quote(s)
}
