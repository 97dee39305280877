package multipath_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/kmod"
	"github.com/tetsuzuki/tetsuzuki/lab/labtest"
)

func TestMain(m *testing.M) { os.Exit(labtest.Main(m)) }

// The hosts of PROCEDURES.md.
const (
	s0a = "storage0a.example.org"
	s0b = "storage0b.example.org"
	s1a = "storage1a.example.org"
	s1b = "storage1b.example.org"
	c0  = "client0.example.org"
	c1  = "client1.example.org"
)

var (
	storages = []string{s0a, s0b, s1a, s1b}
	clients  = []string{c0, c1}
	// exportOf is each storage host's export name and uid.
	exportOf = map[string][2]string{s0a: {"gnbd0a", "0"}, s0b: {"gnbd0b", "0"}, s1a: {"gnbd1a", "1"}, s1b: {"gnbd1b", "1"}}
)

// blogList is `multipath -l` of PROCEDURES.md, part #4.
const blogList = `mpath1 (1) dm-1 GNBD,GNBD
[size=1024M][features=0][hwhandler=0]
\_ round-robin 0 [prio=0][active]
 \_ #:#:#:# gnbd2 252:2 [active][undef]
 \_ #:#:#:# gnbd3 252:3 [active][undef]
mpath0 (0) dm-0 GNBD,GNBD
[size=1024M][features=0][hwhandler=0]
\_ round-robin 0 [prio=0][active]
 \_ #:#:#:# gnbd0 252:0 [active][undef]
 \_ #:#:#:# gnbd1 252:1 [active][undef]
`

// blogImport is the first block of `gnbd_import -l`, PROCEDURES.md part #3.
const blogImport = `Device name : gnbd0a
----------------------
    Minor # : 0
 sysfs name : /block/gnbd0
     Server : storage0a.example.org
       Port : 14567
      State : Close Connected Clear
   Readonly : No
    Sectors : 2096944
`

func must(t *testing.T, lab *labtest.Lab, h string, exit int, argv ...string) labtest.Result {
	t.Helper()
	r := lab.Run(t, h, argv...)
	if r.Exit != exit {
		t.Fatalf("%s on %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(argv, " "), h, r.Exit, exit, r.Stdout, r.Stderr)
	}
	return r
}

func hostOf(t *testing.T, lab *labtest.Lab, fqdn string) host.Host {
	t.Helper()
	h, err := host.Open(lab.Dir, fqdn)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// cluster brings up a cman cluster of the given nodes.
func cluster(t *testing.T, lab *labtest.Lab, name string, nodes ...string) {
	t.Helper()
	var conf strings.Builder
	fmt.Fprintf(&conf, "<?xml version=\"1.0\"?>\n<cluster name=%q config_version=\"1\">\n    <clusternodes>\n", name)
	for i, n := range nodes {
		fmt.Fprintf(&conf, "        <clusternode name=%q nodeid=\"%d\" votes=\"1\"/>\n", n, i+1)
	}
	conf.WriteString("    </clusternodes>\n  <fencedevices/>\n  <rm>\n    <failoverdomains/>\n    <resources/>\n  </rm>\n</cluster>\n")
	for _, n := range nodes {
		must(t, lab, n, 0, "yum", "-y", "install", "cman")
		lab.WriteFile(t, n, "/etc/cluster/cluster.conf", conf.String())
		must(t, lab, n, 0, "/etc/init.d/cman", "start")
	}
}

// exportAll takes the storage hosts through part #3's export, on a
// /dev/drbd0 made directly (DRBD is emulated elsewhere).
func exportAll(t *testing.T, lab *labtest.Lab) {
	t.Helper()
	cluster(t, lab, "storage0", s0a, s0b)
	cluster(t, lab, "storage1", s1a, s1b)
	for _, s := range storages {
		if err := blockdev.Create(hostOf(t, lab, s), "/dev/drbd0", blockdev.Device{Sectors: 2096944, Major: 147, Minor: 0}); err != nil {
			t.Fatal(err)
		}
		must(t, lab, s, 0, "yum", "-y", "install", "gnbd")
		if r := must(t, lab, s, 0, "gnbd_serv"); r.Stdout != "gnbd_serv: startup succeeded\n" {
			t.Errorf("gnbd_serv on %s said %q", s, r.Stdout)
		}
		e := exportOf[s]
		r := must(t, lab, s, 0, "gnbd_export", "-d", "/dev/drbd0", "-e", e[0], "-u"+e[1])
		if want := "gnbd_export: created GNBD " + e[0] + " serving file /dev/drbd0\n"; r.Stdout != want {
			t.Errorf("gnbd_export on %s said %q", s, r.Stdout)
		}
	}
	r := must(t, lab, s0a, 0, "gnbd_export", "-l")
	want := "Server[1] : gnbd0a \n--------------------------\n      file : /dev/drbd0\n   sectors : 2096944\n  readonly : no\n    cached : no\n   timeout : 60\n       uid : 0\n\n"
	if r.Stdout != want {
		t.Errorf("gnbd_export -l:\n%q\nwant\n%q", r.Stdout, want)
	}
}

// importAll takes the clients through part #3's import.
func importAll(t *testing.T, lab *labtest.Lab) {
	t.Helper()
	cluster(t, lab, "client", c0, c1)
	for _, c := range clients {
		must(t, lab, c, 0, "yum", "-y", "install", "kmod-gnbd-xen", "gnbd")
		if err := kmod.Load(hostOf(t, lab, c), "gnbd", 48416); err != nil {
			t.Fatal(err)
		}
		for i, s := range storages {
			r := must(t, lab, c, 0, "gnbd_import", "-i", s)
			if !strings.Contains(r.Stdout, "gnbd_import: created gnbd device "+exportOf[s][0]+"\n") || !strings.HasSuffix(r.Stdout, "gnbd_recvd: gnbd_recvd started\n") ||
				strings.Contains(r.Stdout, "gnbd_monitor started") != (i == 0) {
				t.Errorf("gnbd_import -i %s on %s said\n%s", s, c, r.Stdout)
			}
		}
		entries, err := os.ReadDir(lab.Root(c) + "/dev/gnbd")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if !slices.Equal(names, []string{"gnbd0a", "gnbd0b", "gnbd1a", "gnbd1b"}) {
			t.Errorf("ls /dev/gnbd/ on %s: %v", c, names)
		}
		r := must(t, lab, c, 0, "gnbd_import", "-l")
		if !strings.HasPrefix(r.Stdout, blogImport+"\n") || strings.Count(r.Stdout, "Device name : ") != 4 ||
			!strings.HasSuffix(r.Stdout, "Device name : gnbd1b\n----------------------\n    Minor # : 3\n sysfs name : /block/gnbd3\n     Server : storage1b.example.org\n       Port : 14567\n      State : Close Connected Clear\n   Readonly : No\n    Sectors : 2096944\n\n") {
			t.Errorf("gnbd_import -l on %s:\n%s", c, r.Stdout)
		}
	}
}

// multipathConf returns the client's multipath.conf with the default
// blacklist block commented out, as part #4 does.
func multipathConf(t *testing.T, lab *labtest.Lab, c string) string {
	t.Helper()
	conf := lab.ReadFile(t, c, "/etc/multipath.conf")
	const block = "# on the default devices. \nblacklist {\n        devnode \"*\"\n}\n"
	if !strings.Contains(conf, block) {
		t.Fatalf("the installed multipath.conf has no active blacklist block:\n%s", conf)
	}
	return strings.Replace(conf, "blacklist {\n        devnode \"*\"\n}\n", "#blacklist {\n#        devnode \"*\"\n#}\n", 1)
}

func TestDataPathOfTheBlog(t *testing.T) {
	lab := labtest.New(t, append(slices.Clone(storages), clients...)...)
	exportAll(t, lab)
	importAll(t, lab)

	for _, c := range clients {
		must(t, lab, c, 0, "yum", "-y", "install", "device-mapper-multipath")
		// The default file blacklists everything: no maps.
		r := must(t, lab, c, 0, "/etc/init.d/multipathd", "restart")
		if r.Stdout != "Stopping multipathd daemon: [FAILED]\nStarting multipathd daemon: [  OK  ]\n" {
			t.Errorf("first restart on %s said %q", c, r.Stdout)
		}
		if r := must(t, lab, c, 0, "multipath", "-l"); r.Stdout != "" {
			t.Errorf("maps despite the blacklist on %s:\n%s", c, r.Stdout)
		}
		lab.WriteFile(t, c, "/etc/multipath.conf", multipathConf(t, lab, c))
		r = must(t, lab, c, 0, "/etc/init.d/multipathd", "restart")
		if r.Stdout != "Stopping multipathd daemon: [  OK  ]\nStarting multipathd daemon: [  OK  ]\n" {
			t.Errorf("restart on %s said %q", c, r.Stdout)
		}
		if r := must(t, lab, c, 0, "multipath", "-l"); r.Stdout != blogList {
			t.Errorf("multipath -l on %s:\n%s\nwant\n%s", c, r.Stdout, blogList)
		}
		if got := lab.ReadFile(t, c, "/var/lib/multipath/bindings"); !strings.HasSuffix(got, "#\nmpath0 0\nmpath1 1\n") {
			t.Errorf("bindings on %s:\n%s", c, got)
		}
		d, ok, err := blockdev.Get(hostOf(t, lab, c), "/dev/mapper/mpath1")
		if err != nil || !ok || d.Sectors != 2096944 || d.Major != 253 || d.Minor != 1 || d.Backing != "/dev/gnbd2 /dev/gnbd3" {
			t.Errorf("/dev/mapper/mpath1 on %s: %+v %v %v", c, d, ok, err)
		}
		if r := must(t, lab, c, 0, "/etc/init.d/multipathd", "status"); !strings.HasPrefix(r.Stdout, "multipathd (pid ") || !strings.HasSuffix(r.Stdout, ") is running...\n") {
			t.Errorf("status on %s: %q", c, r.Stdout)
		}
	}

	// A path in a map is open, and cannot be removed.
	r := must(t, lab, c0, 1, "gnbd_import", "-r", "gnbd0a")
	if r.Stderr != "gnbd_import: ERROR cannot disconnect device #0 : Device or resource busy\n" {
		t.Errorf("removing a path in use: %q", r.Stderr)
	}
	if r := must(t, lab, c0, 0, "gnbd_import", "-l"); !strings.Contains(r.Stdout, "      State : Open Connected Clear\n") {
		t.Errorf("gnbd_import -l with maps:\n%s", r.Stdout)
	}

	// storage0a stops serving: its path fails on both clients, the map
	// carries on with the other.
	must(t, lab, s0a, 1, "gnbd_export", "-r", "gnbd0a")
	must(t, lab, s0a, 0, "gnbd_export", "-O", "-r", "gnbd0a")
	for _, c := range clients {
		r := must(t, lab, c, 0, "multipath", "-l")
		if want := strings.Replace(blogList, "gnbd0 252:0 [active]", "gnbd0 252:0 [failed]", 1); r.Stdout != want {
			t.Errorf("multipath -l on %s after the failure:\n%s", c, r.Stdout)
		}
		if r := must(t, lab, c, 0, "gnbd_import", "-l"); !strings.HasPrefix(r.Stdout, strings.Replace(blogImport, "Close Connected Clear", "Open Disconnected Pending", 1)) {
			t.Errorf("gnbd_import -l on %s after the failure:\n%s", c, r.Stdout)
		}
	}
	// It comes back: the path is active again.
	must(t, lab, s0a, 0, "gnbd_export", "-d", "/dev/drbd0", "-e", "gnbd0a", "-u0")
	if r := must(t, lab, c0, 0, "multipath", "-l"); r.Stdout != blogList {
		t.Errorf("multipath -l after the export came back:\n%s", r.Stdout)
	}

	// Stopping multipathd leaves the maps; flushing them frees the paths.
	must(t, lab, c0, 0, "/etc/init.d/multipathd", "stop")
	if r := must(t, lab, c0, 3, "/etc/init.d/multipathd", "status"); r.Stdout != "multipathd is stopped\n" {
		t.Errorf("status after stop: %q", r.Stdout)
	}
	if r := must(t, lab, c0, 0, "multipath", "-l"); r.Stdout != blogList {
		t.Errorf("maps after stopping the daemon:\n%s", r.Stdout)
	}
	// Something built on mpath0 (a volume group's LV) keeps it.
	if err := blockdev.Create(hostOf(t, lab, c0), "/dev/mapper/VG0-LV0", blockdev.Device{Sectors: 4177920, Major: 253, Minor: 2, Backing: "/dev/mapper/mpath0 /dev/mapper/mpath1"}); err != nil {
		t.Fatal(err)
	}
	if r := must(t, lab, c0, 1, "multipath", "-F"); r.Stdout != "mpath1: map in use\nmpath0: map in use\n" {
		t.Errorf("flushing maps in use: %q", r.Stdout)
	}
	if err := blockdev.Remove(hostOf(t, lab, c0), "/dev/mapper/VG0-LV0"); err != nil {
		t.Fatal(err)
	}
	must(t, lab, c0, 0, "multipath", "-F")
	if r := must(t, lab, c0, 0, "multipath", "-l"); r.Stdout != "" {
		t.Errorf("maps after -F:\n%s", r.Stdout)
	}
	if _, ok, _ := blockdev.Get(hostOf(t, lab, c0), "/dev/dm-0"); ok {
		t.Error("/dev/dm-0 outlived its map")
	}
	r = must(t, lab, c0, 0, "gnbd_import", "-R")
	if r.Stdout != "gnbd_import: removed gnbd device gnbd0a\ngnbd_import: removed gnbd device gnbd0b\ngnbd_import: removed gnbd device gnbd1a\ngnbd_import: removed gnbd device gnbd1b\n" {
		t.Errorf("gnbd_import -R said %q", r.Stdout)
	}

	// multipath rebuilds with the names bound before.
	for _, s := range storages {
		must(t, lab, c0, 0, "gnbd_import", "-i", s)
	}
	r = must(t, lab, c0, 0, "multipath")
	want := "create: mpath0 (0) undef GNBD,GNBD\n[size=1024M][features=0][hwhandler=0]\n\\_ round-robin 0 [prio=2][undef]\n \\_ #:#:#:# gnbd0 252:0 [undef][ready]\n \\_ #:#:#:# gnbd1 252:1 [undef][ready]\n" +
		"create: mpath1 (1) undef GNBD,GNBD\n[size=1024M][features=0][hwhandler=0]\n\\_ round-robin 0 [prio=2][undef]\n \\_ #:#:#:# gnbd2 252:2 [undef][ready]\n \\_ #:#:#:# gnbd3 252:3 [undef][ready]\n"
	if r.Stdout != want {
		t.Errorf("multipath said\n%s\nwant\n%s", r.Stdout, want)
	}
	if r := must(t, lab, c0, 0, "multipath", "-l"); r.Stdout != blogList {
		t.Errorf("multipath -l after the rebuild:\n%s", r.Stdout)
	}
	if r := must(t, lab, c0, 0, "multipath"); r.Stdout != "" {
		t.Errorf("a second multipath said %q", r.Stdout)
	}
}

// TestRunningDaemonTakesNewPaths is the growth the author left open: with
// multipathd running, importing a new pair's exports makes a new map.
func TestRunningDaemonTakesNewPaths(t *testing.T) {
	lab := labtest.New(t, append(slices.Clone(storages), c0, c1)...)
	exportAll(t, lab)
	cluster(t, lab, "client", c0, c1)
	must(t, lab, c0, 0, "yum", "-y", "install", "kmod-gnbd-xen", "gnbd", "device-mapper-multipath")
	if err := kmod.Load(hostOf(t, lab, c0), "gnbd", 48416); err != nil {
		t.Fatal(err)
	}
	lab.WriteFile(t, c0, "/etc/multipath.conf", multipathConf(t, lab, c0))
	must(t, lab, c0, 0, "/etc/init.d/multipathd", "start")
	if r := must(t, lab, c0, 0, "/etc/init.d/multipathd", "start"); r.Stdout != "Starting multipathd daemon: \n" {
		t.Errorf("start of a running daemon said %q", r.Stdout)
	}
	for _, s := range []string{s0a, s0b} {
		must(t, lab, c0, 0, "gnbd_import", "-i", s)
	}
	r := must(t, lab, c0, 0, "multipath", "-l")
	if want := blogList[strings.Index(blogList, "mpath0"):]; r.Stdout != want {
		t.Errorf("after importing pair 0:\n%s", r.Stdout)
	}
	for _, s := range []string{s1a, s1b} {
		must(t, lab, c0, 0, "gnbd_import", "-i", s)
	}
	if r := must(t, lab, c0, 0, "multipath", "-l"); r.Stdout != blogList {
		t.Errorf("after importing pair 1:\n%s", r.Stdout)
	}
}

func TestImportErrorsThroughTheLab(t *testing.T) {
	lab := labtest.New(t, s0a, c0)
	cluster(t, lab, "client", c0)
	must(t, lab, c0, 0, "yum", "-y", "install", "gnbd")
	r := must(t, lab, c0, 1, "gnbd_import", "-i", s0a)
	if r.Stderr != "gnbd_import: ERROR could not find gnbd registered in /proc/devices.  This\nprobably means that you have not loaded the gnbd module.\n" {
		t.Errorf("without the module: %q", r.Stderr)
	}
	if err := kmod.Load(hostOf(t, lab, c0), "gnbd", 48416); err != nil {
		t.Fatal(err)
	}
	r = must(t, lab, c0, 1, "gnbd_import", "-i", s0a)
	if r.Stdout != "gnbd_import: created directory /dev/gnbd\n" || r.Stderr != "gnbd_import: ERROR cannot connect to server storage0a.example.org (-1) : Connection refused\n" {
		t.Errorf("without gnbd_serv: %+v", r)
	}
	must(t, lab, s0a, 0, "yum", "-y", "install", "gnbd")
	r = must(t, lab, s0a, 1, "gnbd_export", "-d", "/dev/drbd0", "-e", "gnbd0a", "-u0")
	if r.Stderr != "gnbd_export: ERROR error connecting to gnbd_serv: No such file or directory\n" {
		t.Errorf("export without gnbd_serv: %q", r.Stderr)
	}
	if r := lab.Run(t, c0, "multipath", "-l"); r.Exit != 127 {
		t.Errorf("multipath without its package: %+v", r)
	}
}

func TestPackageInstallsTheDefaultConf(t *testing.T) {
	lab := labtest.New(t, c0)
	must(t, lab, c0, 0, "yum", "-y", "install", "device-mapper-multipath")
	conf := lab.ReadFile(t, c0, "/etc/multipath.conf")
	if !strings.Contains(conf, "# Blacklist all devices by default. Remove this to enable multipathing\n# on the default devices. \nblacklist {\n        devnode \"*\"\n}\n") {
		t.Errorf("installed multipath.conf:\n%s", conf)
	}
	if r := must(t, lab, c0, 3, "/etc/init.d/multipathd", "status"); r.Stdout != "multipathd is stopped\n" {
		t.Errorf("status: %q", r.Stdout)
	}
	must(t, lab, c0, 0, "yum", "-y", "remove", "device-mapper-multipath")
	if got := lab.ReadFile(t, c0, "/etc/multipath.conf"); got != "" {
		t.Errorf("an unchanged multipath.conf outlived its package:\n%s", got)
	}
	// A changed one is kept, and kept over a new install.
	must(t, lab, c0, 0, "yum", "-y", "install", "device-mapper-multipath")
	lab.WriteFile(t, c0, "/etc/multipath.conf", multipathConf(t, lab, c0))
	must(t, lab, c0, 0, "yum", "-y", "remove", "device-mapper-multipath")
	must(t, lab, c0, 0, "yum", "-y", "install", "device-mapper-multipath")
	if got := lab.ReadFile(t, c0, "/etc/multipath.conf"); strings.Contains(got, "\nblacklist {") {
		t.Errorf("the admin's multipath.conf was replaced:\n%s", got)
	}
}
