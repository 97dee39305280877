package cman

import (
	"fmt"
	"slices"
	"time"
)

// State is what the cman daemons of all lab hosts know between them.
type State struct {
	Clusters map[string]*Cluster `json:"clusters"`
}

// Cluster is one cman cluster, named as in cluster.conf.
type Cluster struct {
	Name string `json:"name"`
	// Config is the running cluster.conf, the copy ccsd serves and hands to
	// joining nodes. It outlives the members, but a cluster formed again
	// from nothing takes the config of its first node.
	Config string `json:"config"`
	// Incarnation is the ring sequence number: it advances by 4 at every
	// membership change, like openais's.
	Incarnation int      `json:"incarnation"`
	Members     []Member `json:"members"`
	// Left remembers the incarnation of nodes that were members, which
	// `cman_tool nodes` keeps showing next to their X.
	Left map[string]int `json:"left,omitempty"`
	// Expected is the expected votes set by `cman_tool expected -e`, which
	// overrides the config's until the next config change.
	Expected int `json:"expected,omitempty"`
}

// Member is a host running cman in a cluster.
type Member struct {
	Host   string    `json:"host"` // the lab host's FQDN
	Name   string    `json:"name"` // its clusternode name
	NodeID int       `json:"nodeid"`
	Votes  int       `json:"votes"`
	Inc    int       `json:"inc"`
	Joined time.Time `json:"joined"`
}

// JoinError is why cman refused to start on a host, in the words the
// daemon passes back to cman_tool join.
type JoinError struct{ Reason string }

func (e *JoinError) Error() string { return e.Reason }

// UpdateError is why ccs_tool update refused a file, with the lines it
// prints before "Failed to update config file.".
type UpdateError struct{ Message string }

func (e *UpdateError) Error() string { return e.Message }

// Conf parses the running config; it was validated when it was taken in.
func (c *Cluster) Conf() Conf {
	conf, _ := ParseConf([]byte(c.Config))
	return conf
}

// Quorum is the cluster's vote arithmetic now.
func (c *Cluster) Quorum() Quorum {
	var votes []int
	for _, m := range c.Members {
		votes = append(votes, m.Votes)
	}
	conf := c.Conf()
	if c.Expected > 0 {
		conf.ExpectedVotes = c.Expected
	}
	return ComputeQuorum(conf, votes)
}

// SetExpected is `cman_tool expected -e votes`: quorum is worked out from
// this many expected votes until a new config is taken in. It is how an
// operator lets a cluster that waits for a node that will never come act
// again, for instance to remove that node from the config.
func (s *State) SetExpected(fqdn string, votes int) error {
	c, _ := s.Running(fqdn)
	if c == nil {
		return &UpdateError{msgConnectRefused}
	}
	c.Expected = votes
	return nil
}

// Running returns the cluster a host runs cman in, and its membership.
func (s *State) Running(fqdn string) (*Cluster, *Member) {
	for _, c := range s.Clusters {
		for i := range c.Members {
			if c.Members[i].Host == fqdn {
				return c, &c.Members[i]
			}
		}
	}
	return nil, nil
}

// Join starts cman on a host whose cluster.conf is local. When running
// members have a higher config version, their config is the one the node
// joins with, and it is returned as received so the caller can write it
// over the host's file.
func (s *State) Join(fqdn string, local []byte, now time.Time) (received []byte, err error) {
	conf, err := ParseConf(local)
	if err != nil {
		return nil, &JoinError{msgNoCCSD}
	}
	if conf.Name == "" {
		return nil, &JoinError{msgNoClusterName}
	}
	c := s.Clusters[conf.Name]
	if c == nil {
		c = &Cluster{Name: conf.Name}
	}
	config := string(local)
	if len(c.Members) > 0 {
		running := c.Conf()
		switch {
		case running.Version > conf.Version:
			received, config, conf = []byte(c.Config), c.Config, running
		case running.Version < conf.Version:
			return nil, &JoinError{fmt.Sprintf(fmtRefusedVersion, conf.Version, running.Version)}
		}
	}
	node, ok := conf.Node(fqdn)
	switch {
	case !ok:
		return nil, &JoinError{msgNoLocalNode}
	case node.NodeID == 0:
		return nil, &JoinError{msgNoNodeID}
	case conf.TwoNode && (len(conf.Nodes) != 2 || sumVotes(conf) != 2):
		return nil, &JoinError{msgTwoNodeCount}
	case conf.TwoNode && node.Votes != 1:
		return nil, &JoinError{msgTwoNodeVotes}
	}
	for _, m := range c.Members {
		if m.NodeID == node.NodeID || m.Name == node.Name {
			return nil, &JoinError{fmt.Sprintf(fmtRefusedNodeID, node.NodeID)}
		}
	}
	if s.Clusters == nil {
		s.Clusters = map[string]*Cluster{}
	}
	s.Clusters[c.Name] = c
	c.Config = config
	c.Incarnation += 4
	c.Members = append(c.Members, Member{Host: fqdn, Name: node.Name, NodeID: node.NodeID, Votes: node.Votes, Inc: c.Incarnation, Joined: now})
	delete(c.Left, node.Name)
	return received, nil
}

func sumVotes(c Conf) int {
	sum := 0
	for _, n := range c.Nodes {
		sum += n.Votes
	}
	return sum
}

// Leave stops cman on a host; it reports whether the host was running.
func (s *State) Leave(fqdn string) bool {
	c, m := s.Running(fqdn)
	if c == nil {
		return false
	}
	if c.Left == nil {
		c.Left = map[string]int{}
	}
	c.Left[m.Name] = m.Inc
	c.Members = slices.DeleteFunc(c.Members, func(x Member) bool { return x.Host == fqdn })
	c.Incarnation += 4
	return true
}

// Update is ccs_tool update run on a host with a parsed proposed file: the
// checks ccsd and cman make, in their order, and on success the new running
// config. It returns the versions before and after, and the members whose
// cluster.conf must now receive the file.
func (s *State) Update(fqdn string, proposed []byte, conf Conf) (from int, members []Member, err error) {
	c, _ := s.Running(fqdn)
	if c == nil {
		return 0, nil, &UpdateError{msgConnectRefused}
	}
	from = c.Conf().Version
	if conf.Version <= from {
		return from, nil, &UpdateError{fmt.Sprintf(fmtNotGreater, from, conf.Version)}
	}
	if !c.Quorum().Quorate {
		return from, nil, &UpdateError{msgNotQuorate}
	}
	if conf.Name != c.Name {
		// ccsd on the first member refuses the document, and ccs_tool only
		// learns that its notice was not acknowledged.
		first := c.sortedMembers()[0].Name
		return from, nil, &UpdateError{fmt.Sprintf(fmtNoNoticeAck, first, first)}
	}
	c.Config = string(proposed)
	c.Expected = 0
	return from, slices.Clone(c.Members), nil
}

func (c *Cluster) sortedMembers() []Member {
	ms := slices.Clone(c.Members)
	slices.SortFunc(ms, func(a, b Member) int { return a.NodeID - b.NodeID })
	return ms
}

// NodeLine is one line of `cman_tool nodes`.
type NodeLine struct {
	NodeID int
	Member bool
	Inc    int
	Joined time.Time
	Name   string
}

// Nodes lists the nodes cman knows: the clusternodes of the running config
// and the running members, ordered by node id.
func (c *Cluster) Nodes() []NodeLine {
	var lines []NodeLine
	for _, m := range c.Members {
		lines = append(lines, NodeLine{NodeID: m.NodeID, Member: true, Inc: m.Inc, Joined: m.Joined, Name: m.Name})
	}
	for _, n := range c.Conf().Nodes {
		if slices.ContainsFunc(lines, func(l NodeLine) bool { return l.Name == n.Name }) {
			continue
		}
		lines = append(lines, NodeLine{NodeID: n.NodeID, Inc: c.Left[n.Name], Name: n.Name})
	}
	slices.SortStableFunc(lines, func(a, b NodeLine) int { return a.NodeID - b.NodeID })
	return lines
}

// String formats the line as cman_tool does.
func (n NodeLine) String() string {
	sts, joined := 'X', notJoined
	if n.Member {
		sts = 'M'
		if !n.Joined.IsZero() {
			joined = n.Joined.Local().Format(joinedLayout)
		}
	}
	return fmt.Sprintf(fmtNodeLine, n.NodeID, sts, n.Inc, joined, n.Name)
}
