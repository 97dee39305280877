package gfs2_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/gfs2"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/labtest"
	"github.com/tetsuzuki/tetsuzuki/lab/lvm"
	"github.com/tetsuzuki/tetsuzuki/lab/multipath"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

func TestMain(m *testing.M) { os.Exit(labtest.Main(m)) }

const (
	c0 = "client0.example.org"
	c1 = "client1.example.org"
	c2 = "client2.example.org"
)

// mpathSectors is the size of a GNBD of a 1 GiB DRBD device.
const mpathSectors = 2096944

// must runs a command and fails the test unless it exits with want.
func must(t *testing.T, lab *labtest.Lab, h string, want int, argv ...string) labtest.Result {
	t.Helper()
	return mustIn(t, lab, h, "", want, argv...)
}

func mustIn(t *testing.T, lab *labtest.Lab, h, stdin string, want int, argv ...string) labtest.Result {
	t.Helper()
	r := lab.RunContext(context.Background(), t, h, stdin, argv...)
	if r.Exit != want {
		t.Fatalf("%s on %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(argv, " "), h, r.Exit, want, r.Stdout, r.Stderr)
	}
	return r
}

// clientCluster starts cman on the clients, in the cluster "client" of
// part #3 (client0 and client1, and client2 when the lab has it).
func clientCluster(t *testing.T, lab *labtest.Lab, clients ...string) {
	t.Helper()
	var nodes strings.Builder
	for i, h := range clients {
		fmt.Fprintf(&nodes, "        <clusternode name=%q nodeid=\"%d\" votes=\"1\"/>\n", h, i+1)
	}
	twoNode := ""
	if len(clients) == 2 {
		twoNode = "  <cman two_node=\"1\" expected_votes=\"1\"/>\n"
	}
	conf := "<?xml version=\"1.0\"?>\n<cluster name=\"client\" config_version=\"1\">\n" + twoNode +
		"    <clusternodes>\n" + nodes.String() + "    </clusternodes>\n  <fencedevices/>\n  <rm>\n    <failoverdomains/>\n    <resources/>\n  </rm>\n</cluster>\n"
	for _, h := range clients {
		must(t, lab, h, 0, "yum", "-y", "install", "cman")
		lab.WriteFile(t, h, "/etc/cluster/cluster.conf", conf)
		must(t, lab, h, 0, "/etc/init.d/cman", "start")
	}
}

// mpath gives the clients the multipath map mpathN of the GNBDs exported
// with uid N, as part #4 leaves them: a device file and multipath's record
// of the map with its wwid.
func mpath(t *testing.T, lab *labtest.Lab, n int, clients ...string) {
	t.Helper()
	for _, fqdn := range clients {
		h, err := host.Open(lab.Dir, fqdn)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("mpath%d", n)
		paths := []string{fmt.Sprintf("gnbd%d", 2*n), fmt.Sprintf("gnbd%d", 2*n+1)}
		d := blockdev.Device{Sectors: mpathSectors, Major: multipath.DMMajor, Minor: n, Backing: "/dev/" + paths[0] + " /dev/" + paths[1]}
		for _, p := range []string{"/dev/mapper/" + name, fmt.Sprintf("/dev/dm-%d", n)} {
			if err := blockdev.Create(h, p, d); err != nil {
				t.Fatal(err)
			}
		}
		err = state.ChangeHost(lab.Dir, "multipath", fqdn, func(hs *multipath.Host) error {
			hs.Seq++
			hs.Maps = append(hs.Maps, multipath.Map{Name: name, WWID: fmt.Sprint(n), Minor: n, Sectors: mpathSectors, Paths: paths, Seq: hs.Seq})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// field returns the value of a display block's line "  Key   value".
func field(t *testing.T, out, key string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(key) + ` +(.*)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %q in\n%s", key, out)
	}
	return m[1]
}

// clvm takes the clients through part #5's CLVM steps, client0 creating
// the volumes, and returns the LV's UUID.
func clvm(t *testing.T, lab *labtest.Lab, clients ...string) string {
	t.Helper()
	clientCluster(t, lab, clients...)
	mpath(t, lab, 0, clients...)
	mpath(t, lab, 1, clients...)
	for _, h := range clients {
		must(t, lab, h, 0, "yum", "-y", "install", "lvm2-cluster")
		conf := lab.ReadFile(t, h, "/etc/lvm/lvm.conf")
		if !strings.Contains(conf, "\n    locking_type = 1\n") {
			t.Fatalf("lvm.conf of %s has no locking_type = 1:\n%s", h, conf)
		}
		lab.WriteFile(t, h, "/etc/lvm/lvm.conf", strings.Replace(conf, "locking_type = 1", "locking_type = 3", 1))
		r := must(t, lab, h, 0, "/etc/init.d/clvmd", "start")
		if r.Stdout != "Starting clvmd: [  OK  ]\nActivating VGs: [  OK  ]\n" || r.Stderr != "  No volume groups found\n" {
			t.Errorf("clvmd start on %s:\nstdout %q\nstderr %q", h, r.Stdout, r.Stderr)
		}
	}
	for _, dev := range []string{"/dev/mapper/mpath0", "/dev/mapper/mpath1"} {
		r := must(t, lab, c0, 0, "pvcreate", dev)
		if r.Stdout != fmt.Sprintf("  Physical volume \"%s\" successfully created\n", dev) {
			t.Errorf("pvcreate: %q", r.Stdout)
		}
	}
	r := must(t, lab, c0, 0, "vgcreate", "--clustered", "y", "VG0", "/dev/mapper/mpath0", "/dev/mapper/mpath1")
	if r.Stdout != "  Clustered volume group \"VG0\" successfully created\n" {
		t.Errorf("vgcreate: %q", r.Stdout)
	}
	r = must(t, lab, c0, 0, "lvcreate", "--extent=510", "--name=LV0", "VG0")
	if r.Stdout != "  Logical volume \"LV0\" created\n" {
		t.Errorf("lvcreate: %q %q", r.Stdout, r.Stderr)
	}
	out := must(t, lab, c0, 0, "lvdisplay").Stdout
	uuid := field(t, out, "LV UUID")
	out1 := must(t, lab, c1, 0, "lvdisplay", "/dev/VG0/LV0").Stdout
	if got := field(t, out1, "LV UUID"); got != uuid {
		t.Fatalf("client1 sees LV UUID %s, client0 %s", got, uuid)
	}
	return uuid
}

func TestPart5(t *testing.T) {
	lab := labtest.New(t, c0, c1, c2)
	uuid := clvm(t, lab, c0, c1, c2)

	// The display blocks of the check.
	pv := must(t, lab, c0, 0, "pvdisplay", "/dev/mapper/mpath0").Stdout
	for k, want := range map[string]string{"PV Name": "/dev/mapper/mpath0", "VG Name": "VG0", "PE Size (KByte)": "4096", "Total PE": "255", "Free PE": "0", "Allocatable": "yes (but full)"} {
		if got := field(t, pv, k); got != want {
			t.Errorf("pvdisplay %s: %q, want %q", k, got, want)
		}
	}
	vg := must(t, lab, c1, 0, "vgdisplay", "VG0").Stdout
	for k, want := range map[string]string{"Clustered": "yes", "Total PE": "510", "PE Size": "4.00 MB", "Cur LV": "1", "Cur PV": "2", "Free  PE / Size": "0 / 0   "} {
		if got := field(t, vg, k); got != want {
			t.Errorf("vgdisplay %s: %q, want %q", k, got, want)
		}
	}
	lv := must(t, lab, c1, 0, "lvdisplay").Stdout
	for k, want := range map[string]string{"LV Name": "/dev/VG0/LV0", "LV Status": "available", "Current LE": "510", "LV Size": "1.99 GB", "Segments": "2", "# open": "0"} {
		if got := field(t, lv, k); got != want {
			t.Errorf("lvdisplay %s: %q, want %q", k, got, want)
		}
	}
	if r := must(t, lab, c1, 0, "blkid", "/dev/mapper/mpath1"); !regexp.MustCompile(`^/dev/mapper/mpath1: UUID="\w{6}(-\w{4}){5}-\w{6}" TYPE="LVM2_member" \n$`).MatchString(r.Stdout) {
		t.Errorf("blkid of a PV: %q", r.Stdout)
	}

	// mkfs.gfs2: "n" writes nothing, "y" makes the file system.
	for _, h := range []string{c0, c1, c2} {
		must(t, lab, h, 0, "yum", "-y", "install", "gfs2-utils")
	}
	mkfs := []string{"mkfs.gfs2", "-p", "lock_dlm", "-t", "client:gfs2", "-j", "2", "/dev/VG0/LV0"}
	r := mustIn(t, lab, c0, "n\n", 1, mkfs...)
	if r.Stdout != "This will destroy any data on /dev/VG0/LV0.\n\nAre you sure you want to proceed? [y/n] " || r.Stderr != "/sbin/mkfs.gfs2: aborted\n" {
		t.Errorf("mkfs answered n:\nstdout %q\nstderr %q", r.Stdout, r.Stderr)
	}
	mustIn(t, lab, c0, "", 1, mkfs...) // end of input is no answer either
	if fss, _ := gfs2.Filesystems(lab.Dir); len(fss) != 0 {
		t.Fatalf("an aborted mkfs wrote %v", fss)
	}
	must(t, lab, c0, 2, "blkid", "/dev/VG0/LV0")
	r = mustIn(t, lab, c0, "y\n", 0, mkfs...)
	want := "This will destroy any data on /dev/VG0/LV0.\n\nAre you sure you want to proceed? [y/n] \n" +
		"Device:                    /dev/VG0/LV0\n" +
		"Blocksize:                 4096\n" +
		"Device Size                1.99 GB (522240 blocks)\n" +
		"Filesystem Size:           1.99 GB (522233 blocks)\n" +
		"Journals:                  2\n" +
		"Resource Groups:           8\n" +
		"Locking Protocol:          \"lock_dlm\"\n" +
		"Lock Table:                \"client:gfs2\"\n" +
		"\n"
	if r.Stdout != want {
		t.Errorf("mkfs said\n%s\nwant\n%s", r.Stdout, want)
	}
	if fss, _ := gfs2.Filesystems(lab.Dir); fss["lv:"+uuid].LockTable != "client:gfs2" {
		t.Errorf("the file system is not keyed by the LV: %v", fss)
	}
	if r := must(t, lab, c1, 0, "blkid", "/dev/VG0/LV0"); r.Stdout != "/dev/VG0/LV0: LABEL=\"client:gfs2\" TYPE=\"gfs2\" \n" {
		t.Errorf("blkid of the LV: %q", r.Stdout)
	}

	// gfs2_tool journals reads a mounted file system only.
	if r := must(t, lab, c1, 1, "gfs2_tool", "journals", "/mnt"); r.Stdout != "" || r.Stderr != "/sbin/gfs2_tool: gfs2 Filesystem /mnt is not mounted.\n" {
		t.Errorf("gfs2_tool journals before the mount:\nstdout %q\nstderr %q", r.Stdout, r.Stderr)
	}

	// Both clients mount it; a file made on one is seen on the other.
	if r := must(t, lab, c1, 0, "ls", "/mnt"); r.Stdout != "" {
		t.Errorf("ls of the unmounted /mnt: %q", r.Stdout)
	}
	for _, h := range []string{c0, c1} {
		must(t, lab, h, 0, "mount", "/dev/VG0/LV0", "/mnt")
	}
	must(t, lab, c0, 0, "touch", "/mnt/ieiri")
	if r := must(t, lab, c1, 0, "ls", "/mnt"); r.Stdout != "ieiri\n" {
		t.Errorf("ls /mnt on client1: %q", r.Stdout)
	}
	if files, _ := gfs2.Files(lab.Dir, "lv:"+uuid); strings.Join(files, " ") != "ieiri" {
		t.Errorf("gfs2.Files: %v", files)
	}
	m0 := must(t, lab, c0, 0, "mount").Stdout
	if !strings.Contains(m0, "/dev/mapper/VG0-LV0 on /mnt type gfs2 (rw,hostdata=jid=0:id=65537:first=1)\n") {
		t.Errorf("mount on client0:\n%s", m0)
	}
	if m1 := must(t, lab, c1, 0, "cat", "/proc/mounts").Stdout; !strings.Contains(m1, "/dev/mapper/VG0-LV0 /mnt gfs2 rw,hostdata=jid=1:id=65537:first=0 0 0\n") {
		t.Errorf("/proc/mounts on client1:\n%s", m1)
	}
	if got := field(t, must(t, lab, c1, 0, "lvdisplay", "VG0/LV0").Stdout, "# open"); got != "1" {
		t.Errorf("# open on client1: %s", got)
	}

	// Each client sees the two journals, in the hash order of their
	// names (gfs2_tool's own example of three lists journal2 first).
	for _, h := range []string{c0, c1} {
		if r := must(t, lab, h, 0, "gfs2_tool", "journals", "/mnt"); r.Stdout != "journal1 - 128MB\njournal0 - 128MB\n2 journal(s) found.\n" {
			t.Errorf("gfs2_tool journals on %s: %q", h, r.Stdout)
		}
	}

	// Both journals are taken: a third node's mount is refused until
	// gfs2_jadd adds one.
	r = must(t, lab, c2, 1, "mount", "/dev/VG0/LV0", "/mnt")
	if r.Stderr != "/sbin/mount.gfs2: error mounting /dev/mapper/VG0-LV0 on /mnt: Invalid argument\n" {
		t.Errorf("third mount: %q", r.Stderr)
	}
	r = must(t, lab, c0, 0, "gfs2_jadd", "-j", "1", "/mnt")
	if r.Stdout != "Filesystem:            /mnt\nOld Journals           2\nNew Journals           3\n" {
		t.Errorf("gfs2_jadd: %q", r.Stdout)
	}
	if r := must(t, lab, c1, 0, "gfs2_tool", "journals", "/mnt"); r.Stdout != "journal2 - 128MB\njournal1 - 128MB\njournal0 - 128MB\n3 journal(s) found.\n" {
		t.Errorf("gfs2_tool journals after gfs2_jadd: %q", r.Stdout)
	}
	must(t, lab, c2, 0, "mount", "/dev/VG0/LV0", "/mnt")
	if r := must(t, lab, c2, 0, "ls", "/mnt"); r.Stdout != "ieiri\n" {
		t.Errorf("ls /mnt on client2: %q", r.Stdout)
	}
	r = must(t, lab, c1, 1, "mount", "-t", "gfs2", "/dev/VG0/LV0", "/tmp")
	if r.Stderr != "/sbin/mount.gfs2: /dev/mapper/VG0-LV0 already mounted or /tmp busy\n" {
		t.Errorf("second mount on one host: %q", r.Stderr)
	}

	// The LV is open: clvmd cannot stop, the LV cannot go.
	r = must(t, lab, c1, 5, "/etc/init.d/clvmd", "stop")
	if r.Stdout != "Deactivating VG VG0: [FAILED]\n" || r.Stderr != "  Can't deactivate volume group \"VG0\" with 1 open logical volume(s)\n" {
		t.Errorf("clvmd stop while mounted:\nstdout %q\nstderr %q", r.Stdout, r.Stderr)
	}
	if r := must(t, lab, c1, 0, "/etc/init.d/clvmd", "status"); r.Stdout != fmt.Sprintf("clvmd (pid %d) is running...\nactive volumes: LV0\n", pid(t, lab, c1)) {
		t.Errorf("clvmd status: %q", r.Stdout)
	}
	r = must(t, lab, c0, 5, "lvremove", "-f", "/dev/VG0/LV0")
	if r.Stderr != "  Can't remove open logical volume \"LV0\"\n" {
		t.Errorf("lvremove of an open LV: %q", r.Stderr)
	}
	r = must(t, lab, c0, 5, "pvcreate", "/dev/mapper/mpath0")
	if r.Stderr != "  Can't initialize physical volume \"/dev/mapper/mpath0\" of volume group \"VG0\" without -ff\n" {
		t.Errorf("pvcreate of a PV in use: %q", r.Stderr)
	}

	// Unmounting frees the LV: clvmd stops, and takes the LV's device
	// with it, so that mounting is refused.
	must(t, lab, c1, 0, "umount", "/mnt")
	if r := must(t, lab, c1, 0, "ls", "/mnt"); r.Stdout != "" {
		t.Errorf("ls /mnt after umount: %q", r.Stdout)
	}
	if r := must(t, lab, c1, 1, "umount", "/mnt"); r.Stderr != "umount: /mnt: not mounted\n" {
		t.Errorf("umount twice: %q", r.Stderr)
	}
	r = must(t, lab, c1, 0, "/etc/init.d/clvmd", "stop")
	if r.Stdout != "Deactivating VG VG0:   0 logical volume(s) in volume group \"VG0\" now active\n[  OK  ]\nStopping clvm:[  OK  ]\n" {
		t.Errorf("clvmd stop: %q %q", r.Stdout, r.Stderr)
	}
	if r := must(t, lab, c1, 1, "mount", "-t", "gfs2", "/dev/VG0/LV0", "/mnt"); r.Stderr != "/sbin/mount.gfs2: invalid device path \"/dev/VG0/LV0\"\n" {
		t.Errorf("mount without clvmd: %q", r.Stderr)
	}
	if r := must(t, lab, c1, 32, "mount", "/dev/VG0/LV0", "/mnt"); r.Stderr != "mount: special device /dev/VG0/LV0 does not exist\n" {
		t.Errorf("mount without clvmd: %q", r.Stderr)
	}
	r = must(t, lab, c1, 5, "lvdisplay")
	if r.Stderr != "  connect() failed on local socket: Connection refused\n  WARNING: Falling back to local file-based locking.\n  Volume Groups with the clustered attribute will be inaccessible.\n  Skipping clustered volume group VG0\n" {
		t.Errorf("lvdisplay without clvmd: %q", r.Stderr)
	}
	r = must(t, lab, c1, 0, "/etc/init.d/clvmd", "start")
	if r.Stdout != "Starting clvmd: [  OK  ]\nActivating VGs:   1 logical volume(s) in volume group \"VG0\" now active\n[  OK  ]\n" {
		t.Errorf("clvmd start with VG0: %q %q", r.Stdout, r.Stderr)
	}
	must(t, lab, c1, 0, "mount", "/dev/VG0/LV0", "/mnt")
	if r := must(t, lab, c1, 0, "ls", "/mnt"); r.Stdout != "ieiri\n" {
		t.Errorf("ls /mnt on client1 after remount: %q", r.Stdout)
	}
}

// pid is clvmd's pid on a host.
func pid(t *testing.T, lab *labtest.Lab, h string) int {
	t.Helper()
	s, err := lvm.Load(lab.Dir)
	if err != nil {
		t.Fatal(err)
	}
	return s.Clvmd[h].PID
}

// TestGrowth is what the author left open: a third PV on a new map, the VG
// and the LV extended online, the mounted file system grown to fill it.
func TestGrowth(t *testing.T) {
	lab := labtest.New(t, c0, c1)
	clvm(t, lab, c0, c1)
	for _, h := range []string{c0, c1} {
		must(t, lab, h, 0, "yum", "-y", "install", "gfs2-utils")
	}
	must(t, lab, c0, 0, "mkfs.gfs2", "-O", "-p", "lock_dlm", "-t", "client:gfs2", "-j", "2", "/dev/VG0/LV0")
	for _, h := range []string{c0, c1} {
		must(t, lab, h, 0, "mount", "/dev/VG0/LV0", "/mnt")
	}
	before := must(t, lab, c1, 0, "df", "-h", "/mnt").Stdout

	mpath(t, lab, 2, c0, c1)
	must(t, lab, c0, 0, "pvcreate", "/dev/mapper/mpath2")
	if r := must(t, lab, c0, 0, "vgextend", "VG0", "/dev/mapper/mpath2"); r.Stdout != "  Volume group \"VG0\" successfully extended\n" {
		t.Errorf("vgextend: %q", r.Stdout)
	}
	r := must(t, lab, c0, 0, "lvextend", "-l", "+255", "/dev/VG0/LV0")
	if r.Stdout != "  Extending logical volume LV0 to 2.99 GB\n  Logical volume LV0 successfully resized\n" {
		t.Errorf("lvextend: %q", r.Stdout)
	}
	lv := must(t, lab, c1, 0, "lvdisplay", "/dev/VG0/LV0").Stdout
	if field(t, lv, "Current LE") != "765" || field(t, lv, "Segments") != "3" {
		t.Errorf("lvdisplay after lvextend:\n%s", lv)
	}
	h1, _ := host.Open(lab.Dir, c1)
	if d, _, _ := blockdev.Get(h1, "/dev/mapper/VG0-LV0"); d.Sectors != 765*8192 || d.Backing != "/dev/mapper/mpath0 /dev/mapper/mpath1 /dev/mapper/mpath2" {
		t.Errorf("client1's LV device after lvextend: %+v", d)
	}

	r = must(t, lab, c1, 0, "gfs2_grow", "/mnt")
	want := "FS: Mount Point: /mnt\n" +
		"FS: Device:      /dev/mapper/VG0-LV0\n" +
		"FS: Size:        522233 (0x7f7f9)\n" +
		"FS: RG size:     65277 (0xfefd)\n" +
		"DEV: Size:       783360 (0xbf400)\n" +
		"The file system grew by 1020MB.\n" +
		"gfs2_grow complete.\n"
	if r.Stdout != want {
		t.Errorf("gfs2_grow said\n%s\nwant\n%s", r.Stdout, want)
	}
	after := must(t, lab, c0, 0, "df", "-h", "/mnt").Stdout
	if before == after || !strings.HasPrefix(after, "Filesystem            Size  Used Avail Use% Mounted on\n/dev/mapper/VG0-LV0   3.0G ") {
		t.Errorf("df before:\n%s\nafter:\n%s", before, after)
	}
	// Growing again finds nothing to grow by, and says so.
	r = must(t, lab, c0, 0, "gfs2_grow", "/mnt")
	if r.Stdout != "gfs2_grow complete.\n" || r.Stderr != "Error: The device has grown by less than one Resource Group (RG).\nThe device grew by 0MB.  One RG is 254MB for this file system.\n" {
		t.Errorf("second gfs2_grow:\nstdout %q\nstderr %q", r.Stdout, r.Stderr)
	}
	if r := must(t, lab, c0, 1, "gfs2_grow", "/tmp"); r.Stderr != "/sbin/gfs2_grow: gfs2 Filesystem /tmp is not mounted.\n" {
		t.Errorf("gfs2_grow of a directory: %q", r.Stderr)
	}
}

// TestClusterRefusals are the wrong orders of part #5: LVM with clustered
// locking before clvmd runs, clvmd before cman, a mount without cman or
// for another cluster.
func TestClusterRefusals(t *testing.T) {
	lab := labtest.New(t, c0, c1)
	must(t, lab, c0, 0, "yum", "-y", "install", "lvm2-cluster", "gfs2-utils")
	r := must(t, lab, c0, 1, "/etc/init.d/clvmd", "start")
	if r.Stdout != "Starting clvmd: [FAILED]\n" || r.Stderr != "clvmd could not connect to cluster manager\nConsult syslog for more information\n" {
		t.Errorf("clvmd without cman:\nstdout %q\nstderr %q", r.Stdout, r.Stderr)
	}
	if r := must(t, lab, c0, 3, "/etc/init.d/clvmd", "status"); r.Stdout != "clvmd is stopped\nactive volumes: (none)\n" {
		t.Errorf("status: %q", r.Stdout)
	}

	clientCluster(t, lab, c0, c1)
	mpath(t, lab, 0, c0, c1)
	must(t, lab, c0, 0, "lvmconf", "--enable-cluster")
	if conf := lab.ReadFile(t, c0, "/etc/lvm/lvm.conf"); !strings.Contains(conf, "\n    locking_type = 3\n") {
		t.Errorf("lvmconf --enable-cluster left\n%s", conf)
	}
	// Locking falls back to local: orphans can be handled, a clustered VG
	// is created, and is then out of reach.
	warn := "  connect() failed on local socket: Connection refused\n  WARNING: Falling back to local file-based locking.\n  Volume Groups with the clustered attribute will be inaccessible.\n"
	r = must(t, lab, c0, 0, "pvcreate", "/dev/mapper/mpath0")
	if r.Stderr != warn {
		t.Errorf("pvcreate without clvmd: %q", r.Stderr)
	}
	r = must(t, lab, c0, 0, "vgcreate", "-c", "y", "VG0", "/dev/mapper/mpath0")
	if r.Stderr != warn || r.Stdout != "  Clustered volume group \"VG0\" successfully created\n" {
		t.Errorf("vgcreate without clvmd: %q %q", r.Stdout, r.Stderr)
	}
	r = must(t, lab, c0, 5, "lvcreate", "-l", "100", "-n", "LV0", "VG0")
	if r.Stderr != warn+"  Skipping clustered volume group VG0\n" {
		t.Errorf("lvcreate without clvmd: %q", r.Stderr)
	}
	if r := must(t, lab, c1, 5, "vgs"); r.Stderr != "  Skipping clustered volume group VG0\n" {
		t.Errorf("vgs with local locking: %q", r.Stderr)
	}
	must(t, lab, c0, 0, "/etc/init.d/clvmd", "start")
	must(t, lab, c0, 0, "lvcreate", "-l", "100", "-n", "LV0", "VG0")
	r = must(t, lab, c0, 0, "lvs", "--noheadings", "-o", "lv_name,lv_attr,lv_size,devices")
	if r.Stdout != "  LV0  -wi-a- 400.00M /dev/mapper/mpath0(0)\n" {
		t.Errorf("lvs: %q", r.Stdout)
	}

	// A file system for another cluster, a host without cman.
	must(t, lab, c0, 0, "mkfs.gfs2", "-O", "-q", "-p", "lock_dlm", "-t", "storage0:gfs2", "-j", "2", "/dev/VG0/LV0")
	r = must(t, lab, c0, 1, "mount", "/dev/VG0/LV0", "/mnt")
	if r.Stderr != "/sbin/mount.gfs2: fs is for a different cluster\n/sbin/mount.gfs2: error mounting lockproto lock_dlm\n" {
		t.Errorf("mount for another cluster: %q", r.Stderr)
	}
	must(t, lab, c0, 0, "mkfs.gfs2", "-O", "-q", "-p", "lock_dlm", "-t", "client:gfs2", "-j", "2", "/dev/VG0/LV0")
	must(t, lab, c0, 0, "/etc/init.d/cman", "stop")
	r = must(t, lab, c0, 1, "mount", "/dev/VG0/LV0", "/mnt")
	if r.Stderr != strings.Repeat("/sbin/mount.gfs2: waiting for gfs_controld to start\n", 10)+"/sbin/mount.gfs2: gfs_controld not running\n/sbin/mount.gfs2: error mounting lockproto lock_dlm\n" {
		t.Errorf("mount without cman: %q", r.Stderr)
	}
	if r := must(t, lab, c0, 2, "/etc/init.d/clvmd", "status"); !strings.HasPrefix(r.Stdout, "clvmd dead but subsys locked\n") {
		t.Errorf("clvmd without cman: %q", r.Stdout)
	}
	r = must(t, lab, c0, 1, "mkfs.gfs2", "-O", "-p", "lock_dlm", "-t", "client:gfs2", "/dev/VG9/LV9")
	if r.Stderr != "/sbin/mkfs.gfs2: can't open device /dev/VG9/LV9: No such file or directory\n" {
		t.Errorf("mkfs of no device: %q", r.Stderr)
	}
}

// TestConcurrentMounts: three nodes mount a two-journal file system at
// once; the journals go to exactly two of them, and files made at once
// from both are all there.
func TestConcurrentMounts(t *testing.T) {
	lab := labtest.New(t, c0, c1, c2)
	clvm(t, lab, c0, c1, c2)
	for _, h := range []string{c0, c1, c2} {
		must(t, lab, h, 0, "yum", "-y", "install", "gfs2-utils")
	}
	must(t, lab, c0, 0, "mkfs.gfs2", "-O", "-q", "-p", "lock_dlm", "-t", "client:gfs2", "-j", "2", "/dev/VG0/LV0")
	var wg sync.WaitGroup
	exits := make([]int, 3)
	for i, h := range []string{c0, c1, c2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			exits[i] = lab.Run(t, h, "mount", "/dev/VG0/LV0", "/mnt").Exit
		}()
	}
	wg.Wait()
	var mounted []string
	for i, h := range []string{c0, c1, c2} {
		if exits[i] == 0 {
			mounted = append(mounted, h)
		}
	}
	if len(mounted) != 2 {
		t.Fatalf("mount exits %v: want two mounts", exits)
	}
	jids := map[int]bool{}
	for _, h := range mounted {
		ms, err := gfs2.Mounts(lab.Dir, h)
		if err != nil || len(ms) != 1 {
			t.Fatalf("mounts of %s: %v %v", h, ms, err)
		}
		jids[ms[0].JID] = true
	}
	if !jids[0] || !jids[1] {
		t.Errorf("journals taken: %v", jids)
	}
	for i, h := range mounted {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lab.Run(t, h, "touch", fmt.Sprintf("/mnt/f%d", i), fmt.Sprintf("/mnt/g%d", i))
		}()
	}
	wg.Wait()
	if r := must(t, lab, mounted[0], 0, "ls", "/mnt"); r.Stdout != "f0\nf1\ng0\ng1\n" {
		t.Errorf("ls after concurrent touches: %q", r.Stdout)
	}
}

// TestGFS2ToolRefusals: gfs2_tool's words for what it is not given.
func TestGFS2ToolRefusals(t *testing.T) {
	lab := labtest.New(t, c0)
	must(t, lab, c0, 0, "yum", "-y", "install", "gfs2-utils")
	for _, tc := range []struct {
		argv         []string
		exit         int
		stdout, errs string
	}{
		{[]string{"gfs2_tool", "journals", "/nosuch"}, 1, "", "/sbin/gfs2_tool: can't open root directory /nosuch: No such file or directory\n"},
		{[]string{"gfs2_tool", "journals", "/tmp"}, 1, "", "/sbin/gfs2_tool: gfs2 Filesystem /tmp is not mounted.\n"},
		{[]string{"gfs2_tool", "journals"}, 1, "", "/sbin/gfs2_tool: can't open root directory (null): Bad address\n"},
		{[]string{"gfs2_tool", "-D"}, 1, "", "/sbin/gfs2_tool: no action specified\n"},
		{[]string{"gfs2_tool", "jindex", "/mnt"}, 1, "", "/sbin/gfs2_tool: unknown action: jindex\n"},
		{[]string{"gfs2_tool", "-z", "journals", "/mnt"}, 1, "", "/sbin/gfs2_tool: invalid option -- z\n/sbin/gfs2_tool: unknown option: ?\n"},
		{[]string{"gfs2_tool", "version"}, 0, "gfs2_tool 0.1.44 (built Jun 26 2008 09:41:03)\nCopyright (C) Red Hat, Inc.  2004-2006  All rights reserved.\n", ""},
	} {
		r := must(t, lab, c0, tc.exit, tc.argv...)
		if r.Stdout != tc.stdout || r.Stderr != tc.errs {
			t.Errorf("%s:\nstdout %q, want %q\nstderr %q, want %q", strings.Join(tc.argv, " "), r.Stdout, tc.stdout, r.Stderr, tc.errs)
		}
	}
	if r := must(t, lab, c0, 0, "gfs2_tool"); !strings.HasPrefix(r.Stdout, "Clear a flag on a inode\n") || !strings.Contains(r.Stdout, "  gfs2_tool journals <mountpoint>\n") {
		t.Errorf("gfs2_tool without arguments: %q", r.Stdout)
	}
}
