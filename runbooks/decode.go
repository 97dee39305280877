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

// schema lists the keys a mapping may hold.
type schema struct {
	required, optional []string
}

var (
	runbookKeys = schema{required: []string{"name", "hosts"}, optional: []string{"description", "clusters"}}
	hostKeys    = schema{required: []string{"name", "fqdn", "address"}}
	clusterKeys = schema{required: []string{"name", "nodes"}, optional: []string{"two_node"}}
	nodeKeys    = schema{required: []string{"host", "nodeid"}, optional: []string{"votes"}}
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
		d.add(n.Line, path, what+" with keys "+strings.Join(append(slices.Clone(s.required), s.optional...), ", ")+", got "+describe(n))
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
		if !slices.Contains(s.required, k.Value) && !slices.Contains(s.optional, k.Value) {
			d.add(k.Line, field, fmt.Sprintf("unknown key %s; expected one of %s", quote(k.Value), strings.Join(append(slices.Clone(s.required), s.optional...), ", ")))
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
