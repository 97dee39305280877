package activities

import (
	"encoding/xml"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ClusterConfPath is where cman reads its configuration.
const ClusterConfPath = "/etc/cluster/cluster.conf"

// ClusterConf is the part of cluster.conf the runbooks manage: the name, the
// version cman compares, the nodes and the two-node quorum setting. Fencing
// and resource-manager sections are kept verbatim, so an edit by the agent
// never loses what an operator configured there.
type ClusterConf struct {
	Name          string     `json:"name"`
	Version       int        `json:"config_version"`
	TwoNode       bool       `json:"two_node,omitempty"`
	ExpectedVotes int        `json:"expected_votes,omitempty"`
	Nodes         []ConfNode `json:"nodes"`
	fence, rm     *string
}

// ConfNode is one <clusternode>.
type ConfNode struct {
	Name   string `json:"name"`
	NodeID int    `json:"nodeid"`
	Votes  int    `json:"votes"`
	inner  string
}

type xmlCluster struct {
	XMLName xml.Name `xml:"cluster"`
	Name    string   `xml:"name,attr"`
	Version string   `xml:"config_version,attr"`
	Cman    *struct {
		TwoNode  string `xml:"two_node,attr"`
		Expected string `xml:"expected_votes,attr"`
	} `xml:"cman"`
	Nodes struct {
		Node []struct {
			Name   string `xml:"name,attr"`
			NodeID string `xml:"nodeid,attr"`
			Votes  string `xml:"votes,attr"`
			Inner  string `xml:",innerxml"`
		} `xml:"clusternode"`
	} `xml:"clusternodes"`
	Fence *struct {
		Inner string `xml:",innerxml"`
	} `xml:"fencedevices"`
	RM *struct {
		Inner string `xml:",innerxml"`
	} `xml:"rm"`
}

// ParseClusterConf reads a cluster.conf as cman 2 writes and reads it.
func ParseClusterConf(data string) (ClusterConf, error) {
	var x xmlCluster
	if err := xml.Unmarshal([]byte(data), &x); err != nil {
		return ClusterConf{}, fmt.Errorf("cluster.conf: %w", err)
	}
	c := ClusterConf{Name: x.Name}
	var err error
	if c.Version, err = atoiAttr("config_version", x.Version, 0); err != nil {
		return ClusterConf{}, err
	}
	if x.Cman != nil {
		c.TwoNode = x.Cman.TwoNode == "1"
		if c.ExpectedVotes, err = atoiAttr("expected_votes", x.Cman.Expected, 0); err != nil {
			return ClusterConf{}, err
		}
	}
	for _, n := range x.Nodes.Node {
		id, err := atoiAttr("nodeid", n.NodeID, 0)
		if err != nil {
			return ClusterConf{}, err
		}
		votes, err := atoiAttr("votes", n.Votes, 1)
		if err != nil {
			return ClusterConf{}, err
		}
		c.Nodes = append(c.Nodes, ConfNode{Name: n.Name, NodeID: id, Votes: votes, inner: n.Inner})
	}
	if x.Fence != nil {
		c.fence = &x.Fence.Inner
	}
	if x.RM != nil {
		c.rm = &x.RM.Inner
	}
	if c.Name == "" {
		return ClusterConf{}, fmt.Errorf("cluster.conf: <cluster> has no name")
	}
	return c, nil
}

func atoiAttr(name, v string, def int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("cluster.conf: %s=%q is not a number", name, v)
	}
	return n, nil
}

// Node returns the clusternode with this name.
func (c ClusterConf) Node(name string) (ConfNode, bool) {
	i := slices.IndexFunc(c.Nodes, func(n ConfNode) bool { return n.Name == name })
	if i < 0 {
		return ConfNode{}, false
	}
	return c.Nodes[i], true
}

// Render writes the file in the layout of the procedures (PROCEDURES.md,
// part #3), nodes ordered by nodeid so that the same membership always
// renders the same bytes.
func (c ClusterConf) Render() string {
	var b strings.Builder
	fmt.Fprintf(&b, "<?xml version=\"1.0\"?>\n<cluster name=\"%s\" config_version=\"%d\">\n", xmlEscape(c.Name), c.Version)
	if c.TwoNode || c.ExpectedVotes > 0 {
		b.WriteString("  <cman")
		if c.TwoNode {
			b.WriteString(` two_node="1"`)
		}
		if c.ExpectedVotes > 0 {
			fmt.Fprintf(&b, ` expected_votes="%d"`, c.ExpectedVotes)
		}
		b.WriteString("/>\n")
	}
	nodes := slices.Clone(c.Nodes)
	slices.SortFunc(nodes, func(a, b ConfNode) int { return a.NodeID - b.NodeID })
	if len(nodes) == 0 {
		b.WriteString("    <clusternodes/>\n")
	} else {
		b.WriteString("    <clusternodes>\n")
		for _, n := range nodes {
			fmt.Fprintf(&b, "        <clusternode name=\"%s\" nodeid=\"%d\" votes=\"%d\"", xmlEscape(n.Name), n.NodeID, n.Votes)
			if strings.TrimSpace(n.inner) == "" {
				b.WriteString("/>\n")
			} else {
				fmt.Fprintf(&b, ">%s</clusternode>\n", n.inner)
			}
		}
		b.WriteString("    </clusternodes>\n")
	}
	section(&b, "fencedevices", c.fence, "")
	section(&b, "rm", c.rm, "\n    <failoverdomains/>\n    <resources/>\n  ")
	b.WriteString("</cluster>\n")
	return b.String()
}

func section(b *strings.Builder, name string, inner *string, def string) {
	content := def
	if inner != nil {
		content = *inner
	}
	if strings.TrimSpace(content) == "" {
		fmt.Fprintf(b, "  <%s/>\n", name)
		return
	}
	fmt.Fprintf(b, "  <%s>%s</%s>\n", name, content, name)
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// HasFencing reports whether the file configures a fence device: an empty
// <fencedevices/>, as the blog's lab has, fences nothing.
func (c ClusterConf) HasFencing() bool {
	return c.fence != nil && strings.Contains(*c.fence, "<fencedevice ")
}
