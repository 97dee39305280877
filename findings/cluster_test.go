package findings_test

import (
	"testing"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/findings"
)

// crash is cman dying on a member as when its node crashes: its peer sees
// it leave and, two nodes without two_node, loses quorum.
func crash(s *stack, name, peer string) {
	s.on(name).prints("/etc/init.d/cman status", 1, "ccsd is stopped\n")
	p := s.on(peer)
	p.editOutput("cman_tool status", "Nodes: 2", "Nodes: 1")
	p.editOutput("cman_tool status", "Total votes: 2", "Total votes: 1")
	p.editOutput("cman_tool status", "Quorum: 2  ", "Quorum: 2 Activity blocked")
	p.editOutput("cman_tool nodes", "   2   M      4   2008-10-25 04:23:50  "+fqdn(name), "   2   X      4                        "+fqdn(name))
}

// twoNode is what part #3 says keeps a two-node cluster quorate, set in
// cluster.conf by hand and pushed to both members (config_version 3).
func twoNode(s *stack, names ...string) {
	for _, n := range names {
		h := s.on(n)
		h.editFile(activities.ClusterConfPath, `config_version="2">`, `config_version="3">`+"\n"+`  <cman two_node="1" expected_votes="1"/>`)
		h.editOutput("cman_tool status", "Config Version: 2", "Config Version: 3")
		h.editOutput("cman_tool status", "Expected votes: 2", "Expected votes: 1")
		h.editOutput("cman_tool status", "Quorum: 2", "Quorum: 1")
		h.editOutput("cman_tool status", "Flags: Dirty", "Flags: 2node Dirty")
	}
}

// bootstrapConf is the cluster.conf of PROCEDURES.md, part #3, before the
// second node joined.
const bootstrapConf = `<?xml version="1.0"?>
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

var clusterDrifts = []drift{
	{
		name:   "node crash",
		breaks: func(s *stack) { crash(s, "storage0b", "storage0a") },
		want: []want{
			{findings.CmanNotRunning, "storage0b", findings.Critical, findings.Safe, []string{"ccsd is stopped"}},
			{findings.NotQuorate, "storage0a", findings.Critical, findings.Manual, []string{"Expected votes: 2", "Total votes: 1", "Quorum: 2 Activity blocked"}},
		},
	},
	{
		name: "client cman stopped",
		breaks: func(s *stack) {
			crash(s, "client1", "client0")
			s.on("client1").editOutput("mount", "none on /sys/kernel/config type configfs (rw)\n", "")
		},
		want: []want{
			{findings.CmanNotRunning, "client1", findings.Critical, findings.Safe, []string{"ccsd is stopped"}},
			{findings.NotQuorate, "client0", findings.Critical, findings.Manual, []string{"Quorum: 2 Activity blocked"}},
		},
	},
	{
		name: "cluster.conf of another cluster",
		breaks: func(s *stack) {
			s.on("storage1b").editFile(activities.ClusterConfPath, `<cluster name="storage1"`, `<cluster name="storage0"`)
		},
		want: []want{{findings.NotMember, "storage1b", findings.Critical, findings.Manual, []string{`<cluster name="storage0" config_version="2">`}}},
	},
	{
		name: "cman runs in another cluster",
		breaks: func(s *stack) {
			s.on("client1").editOutput("cman_tool status", "Cluster Name: client", "Cluster Name: clients")
		},
		want: []want{{findings.NotMember, "client1", findings.Critical, findings.Manual, []string{"Cluster Name: clients"}}},
	},
	{
		name: "not a member of the membership",
		breaks: func(s *stack) {
			s.on("client1").editOutput("cman_tool nodes", "   2   M      4   2008-10-25 04:23:50  client1", "   2   d      4   2008-10-25 04:23:50  client1")
		},
		want: []want{{findings.NotMember, "client1", findings.Critical, findings.Manual, []string{"   2   d      4   2008-10-25 04:23:50  client1.example.org"}}},
	},
	{
		name: "left out of the membership",
		breaks: func(s *stack) {
			s.on("client0").prints("cman_tool nodes", 0, "Node  Sts   Inc   Joined               Name\n   2   M      4   2008-10-25 04:23:50  client1.example.org\n")
		},
		want: []want{{findings.NotMember, "client0", findings.Critical, findings.Manual, []string{"   2   M      4   2008-10-25 04:23:50  client1.example.org"}}},
	},
	{
		// The older member is the one a check reports: its file is
		// what cman would not take.
		name: "config_version raised on one member",
		breaks: func(s *stack) {
			s.on("storage0a").editFile(activities.ClusterConfPath, `config_version="2"`, `config_version="3"`)
		},
		want: []want{{findings.ConfigSkew, "storage0b", findings.Warning, findings.Safe, []string{`<cluster name="storage0" config_version="2">`}}},
	},
	{
		name:   "bootstrap cluster.conf",
		breaks: func(s *stack) { s.on("storage0a").files[activities.ClusterConfPath] = bootstrapConf },
		want: []want{
			{findings.NodeMissing, "storage0a", findings.Warning, findings.Manual, []string{`        <clusternode name="storage0a.example.org" nodeid="1" votes="1"/>`}},
			{findings.ConfigSkew, "storage0a", findings.Warning, findings.Safe, []string{`<cluster name="storage0" config_version="1">`}},
		},
	},
	{
		name:   "two_node set by hand",
		breaks: func(s *stack) { twoNode(s, "client0", "client1") },
		want: []want{
			{findings.TwoNodeWrong, "client0", findings.Warning, findings.Manual, []string{`  <cman two_node="1" expected_votes="1"/>`}},
			{findings.TwoNodeWrong, "client1", findings.Warning, findings.Manual, []string{`  <cman two_node="1" expected_votes="1"/>`}},
		},
	},
	{
		name: "runbook asks two_node",
		breaks: func(s *stack) {
			s.on("storage1a").expect.Cluster.TwoNode = true
			s.on("storage1b").expect.Cluster.TwoNode = true
		},
		want: []want{
			{findings.TwoNodeWrong, "storage1a", findings.Warning, findings.Manual, []string{`<cluster name="storage1" config_version="2">`}},
			{findings.TwoNodeWrong, "storage1b", findings.Warning, findings.Manual, []string{`<cluster name="storage1" config_version="2">`}},
		},
	},
	{
		name:   "two_node as the runbook asks",
		breaks: func(s *stack) { twoNode(s, "client0", "client1"); setTwoNode(s, "client0", "client1") },
	},
	{
		name:   "cluster.conf deleted",
		breaks: func(s *stack) { delete(s.on("storage1a").files, activities.ClusterConfPath) },
		want:   []want{{findings.ClusterConfGone, "storage1a", findings.Critical, findings.Manual, []string{"cat: /etc/cluster/cluster.conf: No such file or directory"}}},
	},
	{
		name: "cluster.conf cut short",
		breaks: func(s *stack) {
			s.on("storage1a").editFile(activities.ClusterConfPath, "  </rm>\n</cluster>\n", "  </rm>\n")
		},
		want: []want{{findings.ClusterConfGone, "storage1a", findings.Critical, findings.Manual, []string{`<cluster name="storage1" config_version="2">`, "  </rm>"}}},
	},
	{
		// A fence device on every member but client1, whose file was
		// not pushed.
		name: "no fence device",
		breaks: func(s *stack) {
			for _, h := range s.hosts {
				if h.expect.Host != fqdn("client1") {
					h.editFile(activities.ClusterConfPath, "  <fencedevices/>\n", "  <fencedevices>\n    <fencedevice agent=\"fence_xvm\" name=\"xvm\"/>\n  </fencedevices>\n")
				}
			}
		},
		want:    []want{{findings.NoFencing, "client1", findings.Warning, findings.Manual, []string{"  <fencedevices/>"}}},
		fencing: true,
	},
}

func setTwoNode(s *stack, names ...string) {
	for _, n := range names {
		s.on(n).expect.Cluster.TwoNode = true
	}
}

func TestClusterFindings(t *testing.T) { runDrifts(t, clusterDrifts) }
