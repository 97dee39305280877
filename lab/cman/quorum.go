package cman

import "fmt"

// Quorum is the vote arithmetic `cman_tool status` reports.
type Quorum struct {
	Expected int // expected votes
	Total    int // votes of the running members
	Quorum   int // votes needed
	Quorate  bool
}

// ComputeQuorum applies cman(5) to a config and the votes of its running
// members: quorum is more than half of the expected votes (or of the total,
// when the members hold more), and 1 in two_node mode, where either node may
// carry on alone.
func ComputeQuorum(c Conf, memberVotes []int) Quorum {
	q := Quorum{Expected: c.Expected()}
	for _, v := range memberVotes {
		q.Total += v
	}
	q.Quorum = max((q.Expected+2)/2, (q.Total+2)/2)
	if c.TwoNode {
		q.Quorum = 1
	}
	q.Quorate = q.Total >= q.Quorum
	return q
}

// ClusterID is the id cman derives from a cluster name when cluster.conf
// sets none: a shift-and-add checksum cut to 16 bits.
func ClusterID(name string) int {
	v := 0
	for i := 0; i < len(name); i++ {
		v = v<<1 + int(int8(name[i]))
	}
	return v & 0xFFFF
}

// MulticastAddr is the address cman uses when cluster.conf names none,
// derived from the cluster id (with cman's "% 0xFF", not "& 0xFF").
func MulticastAddr(c Conf) string {
	if c.Multicast != "" {
		return c.Multicast
	}
	id := ClusterID(c.Name)
	return fmt.Sprintf("239.192.%d.%d", id>>8, id%0xFF)
}
