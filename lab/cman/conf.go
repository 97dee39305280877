package cman

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// ClusterConfPath is the file cman reads on every host.
const ClusterConfPath = "/etc/cluster/cluster.conf"

// Conf is what cman reads from a cluster.conf.
type Conf struct {
	Name          string
	Version       int
	TwoNode       bool
	ExpectedVotes int    // 0 when <cman expected_votes> is not set
	Multicast     string // <cman><multicast addr>, "" for the default
	Nodes         []ConfNode
}

// ConfNode is one <clusternode>.
type ConfNode struct {
	Name   string
	NodeID int // 0 when not set
	Votes  int // 1 when not set, as cman assumes
}

// The ways a cluster.conf can be unreadable, in the words ccs_tool uses.
var (
	// ErrSyntax is a file libxml cannot parse.
	ErrSyntax = errors.New("not well-formed XML")
	// ErrNoVersion is a file without /cluster/@config_version.
	ErrNoVersion = errors.New(msgNoVersion)
	// ErrBadVersion is a config_version that is not a number.
	ErrBadVersion = errors.New(msgBadVersion)
)

type xmlConf struct {
	XMLName xml.Name `xml:"cluster"`
	Name    string   `xml:"name,attr"`
	Version *string  `xml:"config_version,attr"`
	Cman    *struct {
		TwoNode   string `xml:"two_node,attr"`
		Expected  string `xml:"expected_votes,attr"`
		Multicast *struct {
			Addr string `xml:"addr,attr"`
		} `xml:"multicast"`
	} `xml:"cman"`
	Nodes []struct {
		Name   string  `xml:"name,attr"`
		NodeID string  `xml:"nodeid,attr"`
		Votes  *string `xml:"votes,attr"`
	} `xml:"clusternodes>clusternode"`
}

// ParseConf reads a cluster.conf. The document must be well-formed XML with
// one root element; a root that is not <cluster> has no config_version to
// find, as ccs_tool's XPath query would put it.
func ParseConf(data []byte) (Conf, error) {
	if err := wellFormed(data); err != nil {
		return Conf{}, err
	}
	var x xmlConf
	if err := xml.Unmarshal(data, &x); err != nil {
		return Conf{}, ErrNoVersion
	}
	if x.Version == nil || *x.Version == "" {
		return Conf{}, ErrNoVersion
	}
	for _, c := range *x.Version {
		if c < '0' || c > '9' {
			return Conf{}, ErrBadVersion
		}
	}
	c := Conf{Name: x.Name, Version: atoi(*x.Version)}
	if x.Cman != nil {
		c.TwoNode = atoi(x.Cman.TwoNode) != 0
		c.ExpectedVotes = atoi(x.Cman.Expected)
		if x.Cman.Multicast != nil {
			c.Multicast = x.Cman.Multicast.Addr
		}
	}
	for _, n := range x.Nodes {
		node := ConfNode{Name: n.Name, NodeID: atoi(n.NodeID), Votes: 1}
		if n.Votes != nil {
			node.Votes = atoi(*n.Votes)
		}
		c.Nodes = append(c.Nodes, node)
	}
	return c, nil
}

// wellFormed checks what libxml's parser checks before anything is read:
// the tags nest and close, and there is exactly one root element.
func wellFormed(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return ErrSyntax
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return ErrSyntax
			}
		}
	}
	if roots != 1 || depth != 0 {
		return ErrSyntax
	}
	return nil
}

// atoi reads leading digits as C's atoi does: junk gives 0.
func atoi(s string) int {
	s = strings.TrimSpace(s)
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// Expected is the expected votes the config asks for.
func (c Conf) Expected() int {
	if c.ExpectedVotes > 0 {
		return c.ExpectedVotes
	}
	sum := 0
	for _, n := range c.Nodes {
		sum += n.Votes
	}
	return sum
}

// Node finds the clusternode standing for a host, the way cman matches the
// host's uname: the name itself, then its first label, then a clusternode
// whose first label is the host's.
func (c Conf) Node(fqdn string) (ConfNode, bool) {
	short := strings.SplitN(fqdn, ".", 2)[0]
	for _, want := range []func(ConfNode) bool{
		func(n ConfNode) bool { return n.Name == fqdn },
		func(n ConfNode) bool { return n.Name == short },
		func(n ConfNode) bool { return strings.SplitN(n.Name, ".", 2)[0] == short },
	} {
		for _, n := range c.Nodes {
			if want(n) {
				return n, true
			}
		}
	}
	return ConfNode{}, false
}
