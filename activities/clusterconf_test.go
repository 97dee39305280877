package activities

import (
	"testing"
)

// The bootstrap file of PROCEDURES.md, part #3.
const blogConf = `<?xml version="1.0"?>
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

// What ccs_tool create writes.
const skeleton = `<?xml version="1.0"?>
<cluster name="storage0" config_version="1">

  <clusternodes/>

  <fencedevices/>

  <rm>
    <failoverdomains/>
    <resources/>
  </rm>
</cluster>
`

func TestClusterConfRendersTheBlogsFile(t *testing.T) {
	c, err := ParseClusterConf(skeleton)
	if err != nil {
		t.Fatal(err)
	}
	c.Nodes = append(c.Nodes, ConfNode{Name: "storage0a.example.org", NodeID: 1, Votes: 1})
	if got := c.Render(); got != blogConf {
		t.Errorf("got\n%s\nwant\n%s", got, blogConf)
	}
}

func TestClusterConfRoundTripKeepsWhatItDoesNotManage(t *testing.T) {
	in := `<?xml version="1.0"?>
<cluster name="c" config_version="7">
  <cman two_node="1" expected_votes="1"/>
    <clusternodes>
        <clusternode name="a.example.org" nodeid="1" votes="1"><fence><method name="1"/></fence></clusternode>
        <clusternode name="b.example.org" nodeid="2" votes="1"/>
    </clusternodes>
  <fencedevices><fencedevice name="x" agent="fence_manual"/></fencedevices>
  <rm>
    <failoverdomains/>
    <resources/>
  </rm>
</cluster>
`
	c, err := ParseClusterConf(in)
	if err != nil {
		t.Fatal(err)
	}
	if !c.TwoNode || c.ExpectedVotes != 1 || c.Version != 7 || len(c.Nodes) != 2 {
		t.Fatalf("parsed %+v", c)
	}
	if got := c.Render(); got != in {
		t.Errorf("round trip changed the file:\n%s\nwant\n%s", got, in)
	}
}

func TestParseClusterConfRefusesBrokenFiles(t *testing.T) {
	for _, in := range []string{
		"",
		"<cluster",
		`<cluster config_version="1"/>`,
		`<cluster name="c" config_version="x"/>`,
		`<cluster name="c" config_version="1"><clusternodes><clusternode name="a" nodeid="-1"/></clusternodes></cluster>`,
	} {
		if c, err := ParseClusterConf(in); err == nil {
			t.Errorf("ParseClusterConf(%q) = %+v, want an error", in, c)
		}
	}
}
