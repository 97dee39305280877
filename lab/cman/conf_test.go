package cman

import (
	"errors"
	"testing"
)

// confV1 is the bootstrap file of PROCEDURES.md, part #3.
const confV1 = `<?xml version="1.0"?>
<cluster name="storage0" config_version="1">
    <clusternodes>
        <clusternode name="storage0a.example.org" nodeid="1" votes="1"/>
    </clusternodes>
  <fencedevices/>
  <rm>
    <failoverdomains/>
    <resources/>
  </rm>
</cluster>
`

// confV2 adds storage0b, as the procedure's join does.
const confV2 = `<?xml version="1.0"?>
<cluster name="storage0" config_version="2">
    <clusternodes>
        <clusternode name="storage0a.example.org" nodeid="1" votes="1"/>
        <clusternode name="storage0b.example.org" nodeid="2" votes="1"/>
    </clusternodes>
  <fencedevices/>
  <rm>
    <failoverdomains/>
    <resources/>
  </rm>
</cluster>
`

func TestParseConf(t *testing.T) {
	c, err := ParseConf([]byte(confV2))
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "storage0" || c.Version != 2 || c.TwoNode || len(c.Nodes) != 2 {
		t.Fatalf("got %+v", c)
	}
	if n := c.Nodes[1]; n != (ConfNode{Name: "storage0b.example.org", NodeID: 2, Votes: 1}) {
		t.Errorf("second node: got %+v", n)
	}
	if got := c.Expected(); got != 2 {
		t.Errorf("expected votes: got %d, want 2", got)
	}
}

func TestParseConfDefaultsAndCman(t *testing.T) {
	c, err := ParseConf([]byte(`<cluster name="c" config_version="7"><cman two_node="1" expected_votes="1"><multicast addr="239.1.2.3"/></cman>
<clusternodes><clusternode name="a" nodeid="1"/><clusternode name="b" votes="3"/></clusternodes></cluster>`))
	if err != nil {
		t.Fatal(err)
	}
	if !c.TwoNode || c.ExpectedVotes != 1 || c.Multicast != "239.1.2.3" {
		t.Errorf("cman element: got %+v", c)
	}
	if c.Nodes[0].Votes != 1 || c.Nodes[1].NodeID != 0 || c.Nodes[1].Votes != 3 {
		t.Errorf("defaults: got %+v", c.Nodes)
	}
	if c.Expected() != 1 {
		t.Errorf("expected_votes overrides the vote sum: got %d", c.Expected())
	}
}

func TestParseConfSkeleton(t *testing.T) {
	for _, two := range []bool{false, true} {
		c, err := ParseConf(Skeleton("storage0", two))
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != "storage0" || c.Version != 1 || c.TwoNode != two || len(c.Nodes) != 0 {
			t.Errorf("two_node=%v: got %+v", two, c)
		}
	}
}

func TestSkeletonIsWhatCcsToolWrites(t *testing.T) {
	want := `<?xml version="1.0"?>
<cluster name="storage0" config_version="1">
  <cman two_node="1" expected_votes="1"/>
  <clusternodes/>
  <fencedevices/>
  <rm>
    <failoverdomains/>
    <resources/>
  </rm>
</cluster>
`
	if got := string(Skeleton("storage0", true)); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestParseConfErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       error
	}{
		{"empty", "", ErrSyntax},
		{"unclosed", `<cluster name="a" config_version="1">`, ErrSyntax},
		{"two roots", `<cluster name="a" config_version="1"/><cluster/>`, ErrSyntax},
		{"trailing text", `<cluster name="a" config_version="1"/> junk`, ErrSyntax},
		{"no version", `<cluster name="a"/>`, ErrNoVersion},
		{"empty version", `<cluster name="a" config_version=""/>`, ErrNoVersion},
		{"other root", `<cman config_version="1"/>`, ErrNoVersion},
		{"bad version", `<cluster name="a" config_version="2a"/>`, ErrBadVersion},
	} {
		if _, err := ParseConf([]byte(tc.data)); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestNodeMatchesAsUnameDoes(t *testing.T) {
	c := Conf{Nodes: []ConfNode{{Name: "node1", NodeID: 1}, {Name: "node2.example.org", NodeID: 2}}}
	for fqdn, want := range map[string]int{
		"node1.example.org": 1, // cluster.conf names the short name
		"node2.example.org": 2,
		"node2":             2, // uname is short, cluster.conf the FQDN
		"node3.example.org": 0,
	} {
		n, ok := c.Node(fqdn)
		if got := n.NodeID; ok != (want != 0) || got != want {
			t.Errorf("%s: got nodeid %d (found %v), want %d", fqdn, got, ok, want)
		}
	}
}
