package cman

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const (
	a = "storage0a.example.org"
	b = "storage0b.example.org"
)

var t0 = time.Date(2008, 10, 25, 4, 23, 50, 0, time.Local)

func mustJoin(t *testing.T, s *State, fqdn, conf string) []byte {
	t.Helper()
	received, err := s.Join(fqdn, []byte(conf), t0)
	if err != nil {
		t.Fatalf("join %s: %v", fqdn, err)
	}
	return received
}

func joinErr(t *testing.T, err error) string {
	t.Helper()
	var je *JoinError
	if !errors.As(err, &je) {
		t.Fatalf("got %v, want a JoinError", err)
	}
	return je.Reason
}

func updateErr(t *testing.T, err error) string {
	t.Helper()
	var ue *UpdateError
	if !errors.As(err, &ue) {
		t.Fatalf("got %v, want an UpdateError", err)
	}
	return ue.Message
}

func TestNodeLineIsCmanToolFormat(t *testing.T) {
	// The two lines of PROCEDURES.md, part #3, byte for byte.
	lines := []NodeLine{
		{NodeID: 1, Member: true, Inc: 24, Joined: time.Date(2008, 10, 25, 4, 29, 59, 0, time.Local), Name: a},
		{NodeID: 2, Member: true, Inc: 4, Joined: time.Date(2008, 10, 25, 4, 23, 50, 0, time.Local), Name: b},
	}
	want := []string{
		"   1   M     24   2008-10-25 04:29:59  storage0a.example.org",
		"   2   M      4   2008-10-25 04:23:50  storage0b.example.org",
	}
	for i, l := range lines {
		if got := l.String(); got != want[i] {
			t.Errorf("got  %q\nwant %q", got, want[i])
		}
	}
	x := NodeLine{NodeID: 2, Name: b}
	if got, want := x.String(), "   2   X      0                        storage0b.example.org"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	// cman's header does not line up with its own columns; keep it so.
	if got, want := msgNodesHeader, "Node  Sts   Inc   Joined               Name"; got != want {
		t.Errorf("header: got %q, want %q", got, want)
	}
}

func TestBootstrapThenJoinReceivesConfig(t *testing.T) {
	s := &State{}
	if received := mustJoin(t, s, a, confV1); received != nil {
		t.Errorf("the first node received %q", received)
	}
	c, m := s.Running(a)
	if c == nil || m.NodeID != 1 || m.Inc != 4 || c.Incarnation != 4 {
		t.Fatalf("after bootstrap: %+v %+v", c, m)
	}
	if q := c.Quorum(); !q.Quorate || q.Quorum != 1 {
		t.Errorf("one node of one: %+v", q)
	}

	// The member pushes version 2; the cluster is quorate, so it takes it.
	conf2, _ := ParseConf([]byte(confV2))
	from, members, err := s.Update(a, []byte(confV2), conf2)
	if err != nil || from != 1 || len(members) != 1 || members[0].Host != a {
		t.Fatalf("update: from %d, members %+v, err %v", from, members, err)
	}
	if c.Conf().Version != 2 {
		t.Fatalf("running version %d after update", c.Conf().Version)
	}
	// Until storage0b runs, it shows as X, and the cluster has lost quorum:
	// expected votes follow the running config.
	if got := c.Nodes(); len(got) != 2 || got[1].Member || got[1].Inc != 0 {
		t.Errorf("nodes after update: %+v", got)
	}
	if q := c.Quorum(); q.Quorate || q.Expected != 2 {
		t.Errorf("one node of two: %+v", q)
	}

	// storage0b starts with the skeleton ccs_tool create wrote: it receives
	// the running version 2 and joins with it.
	received := mustJoin(t, s, b, string(Skeleton("storage0", false)))
	if string(received) != confV2 {
		t.Errorf("received %q, want the running config", received)
	}
	c, m = s.Running(b)
	if m.NodeID != 2 || m.Inc != 8 || c.Incarnation != 8 {
		t.Errorf("after join: incarnation %d, member %+v", c.Incarnation, m)
	}
	if q := c.Quorum(); !q.Quorate || q.Total != 2 || q.Quorum != 2 {
		t.Errorf("two of two: %+v", q)
	}
	nodes := c.Nodes()
	if len(nodes) != 2 || !nodes[0].Member || !nodes[1].Member || nodes[0].Inc != 4 || nodes[1].Inc != 8 {
		t.Errorf("nodes: %+v", nodes)
	}
}

func TestLeaveKeepsIncarnationAndLosesQuorum(t *testing.T) {
	s := &State{}
	mustJoin(t, s, a, confV2)
	mustJoin(t, s, b, confV2)
	if !s.Leave(b) {
		t.Fatal("b was not running")
	}
	if s.Leave(b) {
		t.Error("leaving twice reported a change")
	}
	c, _ := s.Running(a)
	if c.Incarnation != 12 {
		t.Errorf("incarnation after a join, a join and a leave: %d, want 12", c.Incarnation)
	}
	q := c.Quorum()
	if q.Quorate || q.Total != 1 || q.Quorum != 2 {
		t.Errorf("one of two left: %+v", q)
	}
	nodes := c.Nodes()
	if nodes[1].Member || nodes[1].Inc != 8 {
		t.Errorf("a node that left keeps its incarnation with X: %+v", nodes[1])
	}
	if _, _, err := s.Update(a, []byte(confV2), Conf{Name: "storage0", Version: 3}); updateErr(t, err) != msgNotQuorate {
		t.Errorf("update while inquorate: %v", err)
	}
}

func TestTwoNodeStaysQuorate(t *testing.T) {
	conf := strings.Replace(confV2, `config_version="2">`, `config_version="2">`+"\n  <cman two_node=\"1\" expected_votes=\"1\"/>", 1)
	s := &State{}
	mustJoin(t, s, a, conf)
	mustJoin(t, s, b, conf)
	s.Leave(b)
	c, _ := s.Running(a)
	if q := c.Quorum(); !q.Quorate || q.Quorum != 1 {
		t.Errorf("two_node with one left: %+v", q)
	}
	out := Status(c, &c.Members[0], "192.168.10.20")
	if !strings.Contains(out, "\nFlags: 2node Dirty \n") || !strings.Contains(out, "\nQuorum: 1  \n") {
		t.Errorf("status:\n%s", out)
	}
}

func TestJoinRefusals(t *testing.T) {
	three := strings.Replace(confV2, "    </clusternodes>", `        <clusternode name="storage0c.example.org" nodeid="3" votes="1"/>`+"\n    </clusternodes>", 1)
	for _, tc := range []struct {
		name, running, fqdn, local, want string
	}{
		{"not in the config", "", "storage0c.example.org", confV2, msgNoLocalNode},
		{"no nodeid", "", a, strings.Replace(confV1, ` nodeid="1"`, "", 1), msgNoNodeID},
		{"no cluster name", "", a, strings.Replace(confV1, `name="storage0" `, "", 1), msgNoClusterName},
		{"newer than the running cluster", confV1, b, confV2, "Node refused, remote config version id=2, local=1"},
		{"received config lacks the node", confV2, "storage0c.example.org", string(Skeleton("storage0", false)), msgNoLocalNode},
		{"nodeid taken", confV2, "storage0c.example.org", strings.Replace(confV2, "storage0a.example.org", "storage0c.example.org", 1), "Node refused, nodeid 1 already in use"},
		{"two_node with three nodes", "", a, strings.Replace(three, "<clusternodes>", `<cman two_node="1" expected_votes="1"/><clusternodes>`, 1), msgTwoNodeCount},
	} {
		s := &State{}
		if tc.running != "" {
			mustJoin(t, s, a, tc.running)
		}
		before := 0
		if c := s.Clusters["storage0"]; c != nil {
			before = c.Incarnation
		}
		_, err := s.Join(tc.fqdn, []byte(tc.local), t0)
		if got := joinErr(t, err); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
		if c, _ := s.Running(tc.fqdn); c != nil {
			t.Errorf("%s: the refused node runs", tc.name)
		}
		if c := s.Clusters["storage0"]; c != nil && c.Incarnation != before {
			t.Errorf("%s: a refused join changed the incarnation", tc.name)
		}
	}
}

func TestUpdateRefusals(t *testing.T) {
	s := &State{}
	mustJoin(t, s, a, confV1)
	c2, _ := ParseConf([]byte(confV2))
	if _, _, err := s.Update(b, []byte(confV2), c2); updateErr(t, err) != msgConnectRefused {
		t.Errorf("from a stopped host: %v", err)
	}
	c1, _ := ParseConf([]byte(confV1))
	want := "Proposed updated config file does not have greater version number.\n  Current config_version :: 1\n  Proposed config_version:: 1"
	if _, _, err := s.Update(a, []byte(confV1), c1); updateErr(t, err) != want {
		t.Errorf("same version: %v", err)
	}
	other := c2
	other.Name = "storage1"
	want = "Failed to receive COMM_UPDATE_NOTICE_ACK from storage0a.example.org.\nHint: Check the log on storage0a.example.org for reason."
	if _, _, err := s.Update(a, []byte(confV2), other); updateErr(t, err) != want {
		t.Errorf("other cluster name: %v", err)
	}
	if c, _ := s.Running(a); c.Conf().Version != 1 {
		t.Errorf("a refused update changed the running version to %d", c.Conf().Version)
	}
}

func TestRestartedClusterTakesFirstNodesConfig(t *testing.T) {
	s := &State{}
	mustJoin(t, s, a, confV2)
	s.Leave(a)
	// Nobody runs: the cluster forms again from whatever the first node has.
	if received := mustJoin(t, s, a, strings.Replace(confV2, `config_version="2"`, `config_version="5"`, 1)); received != nil {
		t.Errorf("a node forming the cluster received %q", received)
	}
	c, m := s.Running(a)
	if c.Conf().Version != 5 || m.Inc != 12 {
		t.Errorf("version %d, inc %d", c.Conf().Version, m.Inc)
	}
}

func TestExpectedVotesLetAnInquorateClusterUpdate(t *testing.T) {
	s := &State{}
	mustJoin(t, s, a, confV2) // b is listed but never joins
	c, _ := s.Running(a)
	if c.Quorum().Quorate {
		t.Fatal("one of two expected votes is quorate")
	}
	if err := s.SetExpected(b, 1); updateErr(t, err) != msgConnectRefused {
		t.Errorf("expected votes from a stopped host: %v", err)
	}
	if err := s.SetExpected(a, 1); err != nil {
		t.Fatal(err)
	}
	if q := c.Quorum(); !q.Quorate || q.Expected != 1 || q.Quorum != 1 {
		t.Errorf("after cman_tool expected -e 1: %+v", q)
	}
	if _, _, err := s.Update(a, []byte(confV2), Conf{Name: "storage0", Version: 3}); err != nil {
		t.Errorf("update after regaining quorum: %v", err)
	}
	if c.Expected != 0 {
		t.Errorf("a new config kept the override %d", c.Expected)
	}
}
