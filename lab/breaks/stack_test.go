package breaks_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/drbd"
	"github.com/tetsuzuki/tetsuzuki/lab/labtest"
)

func TestMain(m *testing.M) { os.Exit(labtest.Main(m)) }

// The hosts of the stack: one DRBD pair, two clients.
const (
	s0a = "storage0a.example.org"
	s0b = "storage0b.example.org"
	c0  = "client0.example.org"
	c1  = "client1.example.org"
)

var (
	storages = []string{s0a, s0b}
	clients  = []string{c0, c1}
	everyone = []string{c0, c1, s0a, s0b}
)

// stack is a lab built as the blog builds it, cut to one DRBD pair: both
// storage hosts export their /dev/drbd0 with uid 0, both clients import
// them into mpath0, whose PV is VG0's, whose LV0 holds the GFS2 both
// clients mount at /mnt.
type stack struct {
	t   *testing.T
	lab *labtest.Lab
	// healthy is what the hosts' tools said once it was built.
	healthy map[string]string
}

// run runs a command on a host and fails the test unless it exits with
// want.
func (s *stack) run(h string, want int, argv ...string) labtest.Result {
	s.t.Helper()
	return s.runIn(h, "", want, argv...)
}

func (s *stack) runIn(h, stdin string, want int, argv ...string) labtest.Result {
	s.t.Helper()
	r := s.lab.RunContext(context.Background(), s.t, h, stdin, argv...)
	if r.Exit != want {
		s.t.Fatalf("%s on %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(argv, " "), h, r.Exit, want, r.Stdout, r.Stderr)
	}
	return r
}

// waitFor polls until cond holds, failing the test at the deadline.
func (s *stack) waitFor(what string, cond func() (bool, string)) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ok, last := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s: not after 30s; last:\n%s", what, last)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func clusterConf(name string, nodes ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<?xml version=\"1.0\"?>\n<cluster name=%q config_version=\"1\">\n    <clusternodes>\n", name)
	for i, n := range nodes {
		fmt.Fprintf(&b, "        <clusternode name=%q nodeid=\"%d\" votes=\"1\"/>\n", n, i+1)
	}
	b.WriteString("    </clusternodes>\n  <fencedevices/>\n  <rm>\n    <failoverdomains/>\n    <resources/>\n  </rm>\n</cluster>\n")
	return b.String()
}

const drbdConf = `global { usage-count no; }
common { syncer { rate 10M; } }
resource r0 {
	protocol C;
	startup { become-primary-on both; }
	net { allow-two-primaries; }
	syncer { rate 10M; }
	on storage0a.example.org {
		device /dev/drbd0;
		disk /dev/xvdb1;
		address 192.168.10.20:7788;
		meta-disk internal;
	}
	on storage0b.example.org {
		device /dev/drbd0;
		disk /dev/xvdb1;
		address 192.168.10.27:7788;
		meta-disk internal;
	}
}
`

// newStack builds the stack through the hosts' tools, parts #2 to #5.
func newStack(t *testing.T) *stack {
	s := &stack{t: t, lab: labtest.New(t, everyone...)}
	if err := drbd.SetSpeedup(s.lab.Dir, 100000); err != nil {
		t.Fatal(err)
	}
	// cman, without two_node as in the blog.
	for _, c := range [][]string{{"storage0", s0a, s0b}, {"client", c0, c1}} {
		for _, h := range c[1:] {
			s.run(h, 0, "yum", "-y", "install", "cman")
			s.lab.WriteFile(t, h, "/etc/cluster/cluster.conf", clusterConf(c[0], c[1:]...))
			s.run(h, 0, "/etc/init.d/cman", "start")
		}
	}
	// DRBD (part #2).
	for _, h := range storages {
		s.run(h, 0, "parted", "-s", "/dev/xvdb", "mklabel", "gpt")
		s.run(h, 0, "parted", "-s", "/dev/xvdb", "mkpart", "primary", "0", "1074")
		s.run(h, 0, "parted", "-s", "/dev/xvdb", "set", "1", "lvm", "on")
		s.run(h, 0, "yum", "-y", "install", "kmod-drbd82-xen")
		s.run(h, 0, "modprobe", "drbd", "minor_count=1")
		s.lab.WriteFile(t, h, "/etc/drbd.conf", drbdConf)
		s.run(h, 0, "drbdadm", "create-md", "r0")
		s.run(h, 0, "drbdadm", "up", "all")
	}
	s.run(s0a, 0, "drbdadm", "--", "--overwrite-data-of-peer", "primary", "all")
	s.waitSynced()
	s.run(s0b, 0, "drbdadm", "primary", "r0")
	// GNBD (part #3).
	for _, h := range storages {
		s.run(h, 0, "yum", "-y", "install", "gnbd")
		s.run(h, 0, "gnbd_serv")
		s.run(h, 0, "gnbd_export", "-d", "/dev/drbd0", "-e", "gnbd0"+h[8:9], "-u0")
	}
	for _, h := range clients {
		s.run(h, 0, "yum", "-y", "install", "kmod-gnbd-xen", "gnbd", "device-mapper-multipath", "lvm2-cluster", "gfs2-utils")
		s.run(h, 0, "modprobe", "gnbd")
		for _, srv := range storages {
			s.run(h, 0, "gnbd_import", "-i", srv)
		}
		// Multipath (part #4).
		conf := s.lab.ReadFile(t, h, "/etc/multipath.conf")
		s.lab.WriteFile(t, h, "/etc/multipath.conf", strings.Replace(conf, "blacklist {\n        devnode \"*\"\n}\n", "#blacklist {\n#        devnode \"*\"\n#}\n", 1))
		s.run(h, 0, "/etc/init.d/multipathd", "restart")
		// CLVM (part #5).
		s.run(h, 0, "lvmconf", "--enable-cluster")
		s.run(h, 0, "/etc/init.d/clvmd", "start")
	}
	s.run(c0, 0, "pvcreate", "/dev/mapper/mpath0")
	s.run(c0, 0, "vgcreate", "--clustered", "y", "VG0", "/dev/mapper/mpath0")
	s.run(c0, 0, "lvcreate", "--extents=255", "--name=LV0", "VG0")
	s.run(c0, 0, "mkfs.gfs2", "-O", "-p", "lock_dlm", "-t", "client:gfs2", "-j", "2", "/dev/VG0/LV0")
	for _, h := range clients {
		s.run(h, 0, "mount", "-t", "gfs2", "/dev/VG0/LV0", "/mnt")
	}
	s.healthy = s.snapshot()
	for _, want := range []struct{ host, key, has string }{
		{s0a, "cat /proc/drbd", " 0: cs:Connected st:Primary/Primary ds:UpToDate/UpToDate C r---"},
		{c0, "multipath -l", "mpath0 (0) dm-0 GNBD,GNBD\n[size=1024M][features=0][hwhandler=0]\n\\_ round-robin 0 [prio=0][active]\n \\_ #:#:#:# gnbd0 252:0 [active][undef]\n \\_ #:#:#:# gnbd1 252:1 [active][undef]\n"},
		{c1, "lvs --noheadings -o lv_name,vg_name,lv_attr", "  LV0  VG0  -wi-ao\n"},
		{c1, "cat /proc/mounts", "/dev/mapper/VG0-LV0 /mnt gfs2 "},
	} {
		if got := s.healthy[want.host+": "+want.key]; !strings.Contains(got, want.has) {
			t.Fatalf("the stack is not built: %s on %s says\n%s", want.key, want.host, got)
		}
	}
	return s
}

// waitSynced waits for the pair to be in sync.
func (s *stack) waitSynced() {
	s.t.Helper()
	s.waitFor("the pair in sync", func() (bool, string) {
		r := s.run(s0a, 0, "drbdadm", "dstate", "r0")
		return r.Stdout == "UpToDate/UpToDate\n", r.Stdout
	})
}

// Outputs that change with no drift: pids, the cluster's generation, the
// traffic counters and progress of /proc/drbd, which mount came first,
// and the installed packages' order.
var (
	pids       = regexp.MustCompile(`pid \d+`)
	generation = regexp.MustCompile(`(?m)^Cluster Generation: \d+\n`)
	drbdLines  = regexp.MustCompile(`(?m)^ *\d+: cs:.*$`)
	mountFirst = regexp.MustCompile(`first=\d`)
)

// snapshot is what the tools of every host say, by "host: command", with
// what changes with no drift taken out.
func (s *stack) snapshot() map[string]string {
	s.t.Helper()
	out := map[string]string{}
	probe := func(h string, normalize func(string) string, argv ...string) {
		r := s.lab.RunContext(context.Background(), s.t, h, "", argv...)
		text := fmt.Sprintf("exit %d\n%s%s", r.Exit, r.Stdout, r.Stderr)
		if normalize != nil {
			text = normalize(text)
		}
		out[h+": "+strings.Join(argv, " ")] = text
	}
	sorted := func(text string) string {
		lines := strings.Split(text, "\n")
		slices.Sort(lines)
		return strings.Join(lines, "\n")
	}
	for _, h := range everyone {
		probe(h, sorted, "rpm", "-qa")
		probe(h, nil, "cat", "/etc/cluster/cluster.conf")
		probe(h, nil, "/etc/init.d/cman", "status")
		probe(h, func(t string) string { return generation.ReplaceAllString(t, "") }, "cman_tool", "status")
	}
	for _, h := range storages {
		probe(h, func(t string) string { return strings.Join(drbdLines.FindAllString(t, -1), "\n") }, "cat", "/proc/drbd")
		probe(h, nil, "drbdadm", "state", "r0")
		probe(h, nil, "cat", "/etc/drbd.conf")
		probe(h, nil, "gnbd_export", "-l")
	}
	for _, h := range clients {
		probe(h, nil, "gnbd_import", "-l")
		probe(h, nil, "multipath", "-l")
		probe(h, func(t string) string { return pids.ReplaceAllString(t, "pid N") }, "/etc/init.d/multipathd", "status")
		probe(h, func(t string) string { return pids.ReplaceAllString(t, "pid N") }, "/etc/init.d/clvmd", "status")
		probe(h, nil, "lvs", "--noheadings", "-o", "lv_name,vg_name,lv_attr")
		probe(h, func(t string) string { return mountFirst.ReplaceAllString(t, "first=N") }, "cat", "/proc/mounts")
		probe(h, nil, "cat", "/etc/lvm/lvm.conf")
		probe(h, nil, "cat", "/etc/multipath.conf")
	}
	return out
}

// isHealthy checks every host's tools say again what they said when the
// stack was built.
func (s *stack) isHealthy() {
	s.t.Helper()
	now := s.snapshot()
	keys := make([]string, 0, len(now))
	for k := range now {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if now[k] != s.healthy[k] {
			s.t.Errorf("%s says\n%s\nwhere the healthy stack said\n%s", k, now[k], s.healthy[k])
		}
	}
}
