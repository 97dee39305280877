package cman

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// members starts cman with conf on every host of one lab.
func members(t *testing.T, conf string, fqdns ...string) []host.Host {
	t.Helper()
	lab := t.TempDir()
	var hs []host.Host
	for _, f := range fqdns {
		h := host.Host{Lab: lab, FQDN: f, Root: host.Root(lab, f)}
		for _, d := range []string{"/etc/cluster", "/var/lib/rpm", "/var/lock/subsys"} {
			if err := os.MkdirAll(h.Path(d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := host.Mark(lab, f); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(h.Path("/var/lib/rpm/lab-installed"), []byte("openais-0.80.3-15.el5\ncman-2.0.84-2.el5\n"), 0o644)
		os.WriteFile(h.Path(ClusterConfPath), []byte(conf), 0o644)
		if r := run(h, InitScript, "/etc/init.d/cman", "start"); r.exit != 0 {
			t.Fatalf("start on %s: %+v", f, r)
		}
		hs = append(hs, h)
	}
	return hs
}

func statusLine(t *testing.T, h host.Host, prefix string) string {
	t.Helper()
	r := run(h, CmanTool, "cman_tool", "status")
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	t.Fatalf("cman_tool status on %s: %+v", h.FQDN, r)
	return ""
}

func TestCrashOfATwoNodeClusterKeepsQuorum(t *testing.T) {
	conf := strings.Replace(confV2, `config_version="2">`, `config_version="2">`+"\n  <cman two_node=\"1\" expected_votes=\"1\"/>", 1)
	hs := members(t, conf, a, b)
	res, err := Crash(hs[0].Lab, b)
	if err != nil || res.Cluster != "storage0" || !slices.Equal(res.Members, []string{a}) || !res.WasQuorate || !res.Quorate {
		t.Fatalf("Crash: %+v %v", res, err)
	}
	if _, err := Crash(hs[0].Lab, b); err == nil {
		t.Error("a crashed node crashed again")
	}
	if r := run(hs[1], CmanTool, "cman_tool", "nodes"); r.exit != 1 || r.stderr != "cman_tool: Cannot open connection to cman, is it running ?\n" {
		t.Errorf("cman_tool on the crashed node: %+v", r)
	}
	if r := run(hs[1], InitScript, "/etc/init.d/cman", "status"); r.exit != 1 || r.stdout != "ccsd is stopped\n" {
		t.Errorf("status on the crashed node: %+v", r)
	}
	if _, err := os.Stat(hs[1].Path(lockFile)); err != nil {
		t.Errorf("the crash took the subsys lock: %v", err)
	}
	r := run(hs[0], CmanTool, "cman_tool", "nodes")
	if lines := strings.Split(r.stdout, "\n"); len(lines) != 4 || !strings.HasPrefix(lines[2], "   2   X      8 ") {
		t.Errorf("cman_tool nodes on the survivor:\n%s", r.stdout)
	}
	if got := statusLine(t, hs[0], "Quorum:"); got != "Quorum: 1  " {
		t.Errorf("survivor: %q", got)
	}
	if got := statusLine(t, hs[0], "Nodes:"); got != "Nodes: 1" {
		t.Errorf("survivor: %q", got)
	}
	// The repair: cman starts again on the node.
	if r := run(hs[1], InitScript, "/etc/init.d/cman", "start"); r.exit != 0 {
		t.Fatalf("start: %+v", r)
	}
	if got := statusLine(t, hs[0], "Nodes:"); got != "Nodes: 2" {
		t.Errorf("after the repair: %q", got)
	}
}

func TestCrashesOfAThreeNodeClusterLoseQuorum(t *testing.T) {
	const c = "storage0c.example.org"
	conf := strings.Replace(confV2, "    </clusternodes>", `        <clusternode name="storage0c.example.org" nodeid="3" votes="1"/>`+"\n    </clusternodes>", 1)
	hs := members(t, conf, a, b, c)
	if res, err := Crash(hs[0].Lab, b); err != nil || !res.Quorate || !slices.Equal(res.Members, []string{a, c}) {
		t.Fatalf("first crash: %+v %v", res, err)
	}
	if got := statusLine(t, hs[0], "Quorum:"); got != "Quorum: 2  " {
		t.Errorf("after one crash: %q", got)
	}
	if res, err := Crash(hs[0].Lab, c); err != nil || !res.WasQuorate || res.Quorate || !slices.Equal(res.Members, []string{a}) {
		t.Fatalf("second crash: %+v %v", res, err)
	}
	if got := statusLine(t, hs[0], "Quorum:"); got != "Quorum: 2 Activity blocked" {
		t.Errorf("after two crashes: %q", got)
	}
	for _, h := range hs[1:] {
		if r := run(h, InitScript, "/etc/init.d/cman", "start"); r.exit != 0 {
			t.Fatalf("start on %s: %+v", h.FQDN, r)
		}
	}
	if got := statusLine(t, hs[0], "Quorum:"); got != "Quorum: 2  " {
		t.Errorf("after the repair: %q", got)
	}
}
