package cman

import "testing"

func TestComputeQuorum(t *testing.T) {
	two := Conf{Nodes: []ConfNode{{Votes: 1}, {Votes: 1}}}
	for _, tc := range []struct {
		name  string
		conf  Conf
		votes []int
		want  Quorum
	}{
		{"one node alone", Conf{Nodes: []ConfNode{{Votes: 1}}}, []int{1}, Quorum{1, 1, 1, true}},
		{"both of two", two, []int{1, 1}, Quorum{2, 2, 2, true}},
		{"one of two", two, []int{1}, Quorum{2, 1, 2, false}},
		{"none of two", two, nil, Quorum{2, 0, 2, false}},
		{"two_node, one left", Conf{TwoNode: true, ExpectedVotes: 1, Nodes: two.Nodes}, []int{1}, Quorum{1, 1, 1, true}},
		{"two_node, both", Conf{TwoNode: true, ExpectedVotes: 1, Nodes: two.Nodes}, []int{1, 1}, Quorum{1, 2, 1, true}},
		{"three, two up", Conf{Nodes: []ConfNode{{Votes: 1}, {Votes: 1}, {Votes: 1}}}, []int{1, 1}, Quorum{3, 2, 2, true}},
		{"four, two up", Conf{Nodes: []ConfNode{{Votes: 1}, {Votes: 1}, {Votes: 1}, {Votes: 1}}}, []int{1, 1}, Quorum{4, 2, 3, false}},
		{"weighted votes", Conf{Nodes: []ConfNode{{Votes: 3}, {Votes: 1}, {Votes: 1}}}, []int{3}, Quorum{5, 3, 3, true}},
		{"expected_votes set low", Conf{ExpectedVotes: 1, Nodes: two.Nodes}, []int{1, 1}, Quorum{1, 2, 2, true}},
	} {
		if got := ComputeQuorum(tc.conf, tc.votes); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestClusterID(t *testing.T) {
	// A RHEL 5 cluster named "build" reported "Cluster Id: 3240".
	if got := ClusterID("build"); got != 3240 {
		t.Errorf("ClusterID(build) = %d, want 3240", got)
	}
	if got := MulticastAddr(Conf{Name: "build"}); got != "239.192.12.180" {
		t.Errorf("default multicast: got %s", got)
	}
	if got := MulticastAddr(Conf{Name: "build", Multicast: "239.195.2.35"}); got != "239.195.2.35" {
		t.Errorf("configured multicast: got %s", got)
	}
}
