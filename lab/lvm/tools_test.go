package lvm_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/labtest"
	"github.com/tetsuzuki/tetsuzuki/lab/lvm"
)

func TestMain(m *testing.M) { os.Exit(labtest.Main(m)) }

const node = "client0.example.org"

func run(t *testing.T, lab *labtest.Lab, stdin string, want int, argv ...string) labtest.Result {
	t.Helper()
	r := lab.RunContext(context.Background(), t, node, stdin, argv...)
	if r.Exit != want {
		t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(argv, " "), r.Exit, want, r.Stdout, r.Stderr)
	}
	return r
}

// TestLocalVolumes goes through the life of a local (non-clustered) VG on
// the spare disk, with the refusals and questions on the way.
func TestLocalVolumes(t *testing.T) {
	lab := labtest.New(t, node)
	if r := run(t, lab, "", 5, "pvdisplay", "/dev/xvdb"); r.Stderr != "  No physical volume label read from /dev/xvdb\n  Failed to read physical volume \"/dev/xvdb\"\n" {
		t.Errorf("pvdisplay of a blank disk: %q", r.Stderr)
	}
	if r := run(t, lab, "", 2, "blkid", "/dev/xvdb"); r.Stdout != "" {
		t.Errorf("blkid of a blank disk: %q", r.Stdout)
	}
	if r := run(t, lab, "", 5, "pvcreate", "/dev/xvdc"); r.Stderr != "  Device /dev/xvdc not found (or ignored by filtering).\n" {
		t.Errorf("pvcreate of no device: %q", r.Stderr)
	}
	run(t, lab, "", 0, "pvcreate", "/dev/xvdb")
	if r := run(t, lab, "", 0, "pvs", "--noheadings", "-o", "pv_name,vg_name,pv_size"); r.Stdout != "  /dev/xvdb        1.00G\n" {
		t.Errorf("pvs of an orphan: %q", r.Stdout)
	}
	if r := run(t, lab, "", 0, "vgcreate", "VGL", "/dev/xvdb"); r.Stdout != "  Volume group \"VGL\" successfully created\n" {
		t.Errorf("vgcreate: %q", r.Stdout)
	}
	if r := run(t, lab, "", 5, "vgcreate", "VGL", "/dev/xvdb"); r.Stderr != "  A volume group called 'VGL' already exists.\n" {
		t.Errorf("vgcreate twice: %q", r.Stderr)
	}
	r := run(t, lab, "n\n", 5, "pvcreate", "-ff", "/dev/xvdb")
	if r.Stdout != "Really INITIALIZE physical volume \"/dev/xvdb\" of volume group \"VGL\" [y/n]?   /dev/xvdb: physical volume not initialized\n" {
		t.Errorf("pvcreate -ff answered n: %q", r.Stdout)
	}
	if r := run(t, lab, "", 5, "lvcreate", "-l", "300", "-n", "lv", "VGL"); r.Stderr != "  Insufficient free extents (255) in volume group VGL: 300 required\n" {
		t.Errorf("lvcreate too big: %q", r.Stderr)
	}
	run(t, lab, "", 0, "lvcreate", "-L", "100M", "-n", "lv", "VGL")
	if r := run(t, lab, "", 0, "lvs", "--noheadings", "-o", "lv_name,lv_attr,lv_size", "VGL"); r.Stdout != "  lv   -wi-a- 100.00M\n" {
		t.Errorf("lvs: %q", r.Stdout)
	}
	if r := run(t, lab, "", 3, "lvextend", "-l", "+1", "lv"); r.Stderr != "  Path required for Logical Volume \"lv\"\n" {
		t.Errorf("lvextend of a bare name: %q", r.Stderr)
	}
	if r := run(t, lab, "", 5, "lvextend", "-L", "50M", "VGL/lv"); r.Stderr != "  New size given (13 extents) not larger than existing size (25 extents)\n" {
		t.Errorf("lvextend smaller: %q", r.Stderr)
	}
	run(t, lab, "", 0, "lvchange", "-a", "n", "/dev/VGL/lv")
	if r := run(t, lab, "", 0, "lvscan"); r.Stdout != "  inactive          '/dev/VGL/lv' [100.00 MB] inherit\n" {
		t.Errorf("lvscan: %q", r.Stdout)
	}
	if r := run(t, lab, "", 0, "vgchange", "-a", "y", "VGL"); r.Stdout != "  1 logical volume(s) in volume group \"VGL\" now active\n" {
		t.Errorf("vgchange -a y: %q", r.Stdout)
	}
	r = run(t, lab, "n\n", 5, "lvremove", "/dev/VGL/lv")
	if r.Stdout != "Do you really want to remove active logical volume \"lv\"? [y/n]:   Logical volume lv not removed\n" {
		t.Errorf("lvremove answered n: %q", r.Stdout)
	}
	if r := run(t, lab, "", 5, "vgremove", "VGL"); r.Stderr != "  Volume group \"VGL\" still contains 1 logical volume(s)\n" {
		t.Errorf("vgremove with an LV: %q", r.Stderr)
	}
	r = run(t, lab, "", 0, "vgremove", "-f", "VGL")
	if r.Stdout != "  Logical volume \"lv\" successfully removed\n  Volume group \"VGL\" successfully removed\n" {
		t.Errorf("vgremove -f: %q", r.Stdout)
	}
	if got := lab.ReadFile(t, node, "/dev/mapper/VGL-lv"); got != "" {
		t.Errorf("the removed LV's device is left: %q", got)
	}
	if vgs, _ := lvm.VGs(lab.Dir); len(vgs) != 0 {
		t.Errorf("VGs left: %+v", vgs)
	}
	if r := run(t, lab, "", 0, "pvremove", "/dev/xvdb"); r.Stdout != "  Labels on physical volume \"/dev/xvdb\" successfully wiped\n" {
		t.Errorf("pvremove: %q", r.Stdout)
	}
}

func TestCommandLineErrors(t *testing.T) {
	lab := labtest.New(t, node)
	for _, c := range []struct {
		argv   []string
		status int
		stderr string
	}{
		{[]string{"lvcreate", "VG0"}, 3, "  Please specify either size or extents\n"},
		{[]string{"vgcreate", "VG0"}, 3, "  Please enter physical volume name(s)\n"},
		{[]string{"vgcreate", "-c", "maybe", "VG0", "/dev/xvdb"}, 3, "  Invalid argument maybe\n  Error during parsing of command line.\n"},
		{[]string{"pvcreate", "--bogus", "/dev/xvdb"}, 3, "/usr/sbin/pvcreate: unrecognized option `--bogus'\n  Error during parsing of command line.\n"},
		{[]string{"vgdisplay", "VG9"}, 5, "  Volume group \"VG9\" not found\n"},
		{[]string{"lvdisplay"}, 0, "  No volume groups found\n"},
		{[]string{"lvm", "frobnicate"}, 3, "  No such command.  Try 'help'.\n"},
	} {
		r := run(t, lab, "", c.status, c.argv...)
		if r.Stderr != c.stderr {
			t.Errorf("%v: %q, want %q", c.argv, r.Stderr, c.stderr)
		}
	}
}

// TestClvmdFollowsCman: clvmd lives in the cman membership it joined.
func TestClvmdFollowsCman(t *testing.T) {
	lab := labtest.New(t, node)
	run(t, lab, "", 0, "yum", "-y", "install", "cman", "lvm2-cluster")
	lab.WriteFile(t, node, "/etc/cluster/cluster.conf", `<?xml version="1.0"?>
<cluster name="client" config_version="1">
    <clusternodes>
        <clusternode name="client0.example.org" nodeid="1" votes="1"/>
    </clusternodes>
</cluster>
`)
	run(t, lab, "", 0, "/etc/init.d/cman", "start")
	run(t, lab, "", 0, "/etc/init.d/clvmd", "start")
	run(t, lab, "", 0, "/etc/init.d/clvmd", "status")
	run(t, lab, "", 0, "/etc/init.d/cman", "stop")
	run(t, lab, "", 2, "/etc/init.d/clvmd", "status")
	run(t, lab, "", 0, "/etc/init.d/cman", "start")
	if r := run(t, lab, "", 2, "/etc/init.d/clvmd", "status"); !strings.HasPrefix(r.Stdout, "clvmd dead but subsys locked\n") {
		t.Errorf("clvmd after cman came back: %q", r.Stdout)
	}
	// The script restarts only what it could stop; start starts it again.
	if r := run(t, lab, "", 1, "/etc/init.d/clvmd", "restart"); r.Stdout != "Stopping clvm:[FAILED]\n" {
		t.Errorf("restart of a dead clvmd: %q", r.Stdout)
	}
	run(t, lab, "", 0, "/etc/init.d/clvmd", "start")
	if up, _ := lvm.ClvmdRunning(lab.Dir, node); !up {
		t.Error("clvmd does not run after a restart")
	}
	if r := run(t, lab, "", 1, "/usr/sbin/clvmd"); r.Stderr != "Could not create local socket\nAnother clvmd is probably already running\n" {
		t.Errorf("a second clvmd: %q", r.Stderr)
	}
}
