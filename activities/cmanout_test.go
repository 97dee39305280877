package activities

import (
	"testing"
)

// The output of PROCEDURES.md, part #3, byte for byte.
const blogNodes = `Node  Sts   Inc   Joined               Name
   1   M     24   2008-10-25 04:29:59  storage0a.example.org
   2   M      4   2008-10-25 04:23:50  storage0b.example.org
`

func TestParseNodesReadsTheBlogsOutput(t *testing.T) {
	nodes, err := ParseNodes(blogNodes)
	if err != nil {
		t.Fatal(err)
	}
	want := []NodeStatus{
		{NodeID: 1, Status: "M", Inc: 24, Joined: "2008-10-25 04:29:59", Name: "storage0a.example.org"},
		{NodeID: 2, Status: "M", Inc: 4, Joined: "2008-10-25 04:23:50", Name: "storage0b.example.org"},
	}
	if len(nodes) != len(want) {
		t.Fatalf("got %d nodes, want %d", len(nodes), len(want))
	}
	for i := range want {
		if nodes[i] != want[i] {
			t.Errorf("node %d: got %+v, want %+v", i, nodes[i], want[i])
		}
	}
}

func TestParseNodesReadsANodeThatNeverJoined(t *testing.T) {
	nodes, err := ParseNodes("Node  Sts   Inc   Joined               Name\n   1   M     24   2008-10-25 04:29:59  a.example.org\n   2   X      0                        b.example.org\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := nodes[1]; got.Member() || got.Status != "X" || got.Joined != "" || got.Name != "b.example.org" {
		t.Errorf("got %+v, want b.example.org not a member", got)
	}
}

func TestParseNodesRefusesWhatIsNotItsFormat(t *testing.T) {
	for _, out := range []string{
		"",
		"cman_tool: Cannot open connection to cman, is it running ?\n",
		"Node  Sts   Inc   Joined               Name\n   one   M     24   2008-10-25 04:29:59  a\n",
		"Node  Sts   Inc   Joined               Name\n   1   M\n",
	} {
		if nodes, err := ParseNodes(out); err == nil {
			t.Errorf("ParseNodes(%q) = %+v, want an error", out, nodes)
		}
	}
}

const status = `Version: 6.1.0
Config Version: 2
Cluster Name: storage0
Cluster Id: 12345
Cluster Member: Yes
Cluster Generation: 24
Membership state: Cluster-Member
Nodes: 2
Expected votes: 2
Total votes: 2
Quorum: 2  
Active subsystems: 7
Flags: Dirty 
Ports Bound: 0  
Node name: storage0a.example.org
Node ID: 1
Multicast addresses: 239.192.48.112 
Node addresses: 192.168.10.20 
`

func TestParseStatus(t *testing.T) {
	s, err := ParseStatus(status)
	if err != nil {
		t.Fatal(err)
	}
	want := ClusterStatus{ConfigVersion: 2, ClusterName: "storage0", Nodes: 2, ExpectedVotes: 2, TotalVotes: 2, Quorum: 2, Quorate: true, NodeName: "storage0a.example.org"}
	if s != want {
		t.Errorf("got %+v, want %+v", s, want)
	}
}

func TestParseStatusSeesABlockedCluster(t *testing.T) {
	for name, out := range map[string]string{
		"activity blocked": "Config Version: 2\nCluster Name: storage0\nTotal votes: 1\nQuorum: 2 Activity blocked\n",
		"votes short":      "Config Version: 2\nCluster Name: storage0\nTotal votes: 1\nQuorum: 2\n",
	} {
		s, err := ParseStatus(out)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s.Quorate {
			t.Errorf("%s: quorate, want blocked", name)
		}
	}
	if _, err := ParseStatus("cman_tool: Cannot open connection to cman, is it running ?"); err == nil {
		t.Error("an error message parsed as a status")
	}
}
