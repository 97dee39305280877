package disk

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

func spareHost(t *testing.T) host.Host {
	t.Helper()
	lab := t.TempDir()
	h := host.Host{Lab: lab, FQDN: "storage0a.example.org", Root: host.Root(lab, "storage0a.example.org")}
	if err := host.Mark(lab, h.FQDN); err != nil {
		t.Fatal(err)
	}
	if err := EnsureSpare(h); err != nil {
		t.Fatal(err)
	}
	return h
}

type result struct {
	stdout, stderr string
	exit           int
}

func parted(h host.Host, stdin string, args ...string) result {
	var out, errs bytes.Buffer
	p := &host.Proc{Host: h, Name: "/sbin/parted", Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errs, Cwd: "/", Now: time.Now}
	exit := Parted(p)
	return result{out.String(), errs.String(), exit}
}

// The print of part #2a's partition, as the brief of the lab quotes parted
// 1.8.1, with the blank line parted ends its table with.
const printed = `Model: Xen Virtual Block Device (xvd)
Disk /dev/xvdb: 1074MB
Sector size (logical/physical): 512B/512B
Partition Table: gpt

Number  Start   End     Size    File system  Name     Flags
 1      17.4kB  1074MB  1074MB               primary  lvm  

`

// The agent ends its partition at 100%, which parted puts on the last
// usable sector: the same partition as the series' 1074.
func TestPartitionToTheEnd(t *testing.T) {
	h := spareHost(t)
	for _, args := range [][]string{{"mklabel", "gpt"}, {"mkpart", "primary", "0", "100%"}, {"set", "1", "lvm", "on"}} {
		if r := parted(h, "", append([]string{"-s", "/dev/xvdb"}, args...)...); r.exit != 0 || r.stdout+r.stderr != "" {
			t.Fatalf("parted %v: %+v", args, r)
		}
	}
	if r := parted(h, "", "-s", "/dev/xvdb", "print"); r.exit != 0 || r.stdout != printed {
		t.Errorf("print: got\n%q\nwant\n%q", r.stdout, printed)
	}
	d, ok, err := blockdev.Get(h, "/dev/xvdb1")
	if want := (blockdev.Device{Sectors: 2097085, Major: 202, Minor: 17, Backing: "/dev/xvdb"}); !ok || err != nil || d != want {
		t.Errorf("/dev/xvdb1: %+v %v %v, want %+v", d, ok, err, want)
	}
}

func TestPartitionAsPart2a(t *testing.T) {
	h := spareHost(t)
	if r := parted(h, "", "-s", "/dev/xvdb", "print"); r.exit != 1 || r.stdout != "Error: Unable to open /dev/xvdb - unrecognised disk label.\n" {
		t.Errorf("print of a blank disk: %+v", r)
	}
	for _, args := range [][]string{{"mklabel", "gpt"}, {"mkpart", "primary", "0", "1074"}, {"set", "1", "lvm", "on"}} {
		if r := parted(h, "", append([]string{"-s", "/dev/xvdb"}, args...)...); r.exit != 0 || r.stdout+r.stderr != "" {
			t.Fatalf("parted %v: %+v", args, r)
		}
	}
	if r := parted(h, "", "-s", "/dev/xvdb", "print"); r.exit != 0 || r.stdout != printed {
		t.Errorf("print: got\n%q\nwant\n%q", r.stdout, printed)
	}
	d, ok, err := blockdev.Get(h, "/dev/xvdb1")
	if want := (blockdev.Device{Sectors: 2097085, Major: 202, Minor: 17, Backing: "/dev/xvdb"}); !ok || err != nil || d != want {
		t.Errorf("/dev/xvdb1: %+v %v %v, want %+v", d, ok, err, want)
	}
	r := parted(h, "", "-s", "/dev/xvdb", "unit", "s", "print")
	if !strings.Contains(r.stdout, "Disk /dev/xvdb: 2097152s\n") || !strings.Contains(r.stdout, " 1      34s    2097118s  2097085s               primary  lvm  \n") {
		t.Errorf("unit s print:\n%s", r.stdout)
	}
	// The same partition again does not fit.
	if r := parted(h, "", "-s", "/dev/xvdb", "mkpart", "primary", "0", "1074"); r.exit != 1 || r.stdout != "Error: Unable to satisfy all constraints on the partition.\n" {
		t.Errorf("second mkpart: %+v", r)
	}
	// A new label loses the partition.
	parted(h, "", "-s", "/dev/xvdb", "mklabel", "gpt")
	if _, ok, _ := blockdev.Get(h, "/dev/xvdb1"); ok {
		t.Error("/dev/xvdb1 survived mklabel")
	}
	if r := parted(h, "", "-s", "/dev/xvdb", "set", "1", "lvm", "on"); r.exit != 1 || r.stdout != "Error: Partition doesn't exist.\n" {
		t.Errorf("set on a missing partition: %+v", r)
	}
}

func TestInteractiveAsTheBlogTypesIt(t *testing.T) {
	h := spareHost(t)
	r := parted(h, "mklabel gpt\nmkpart primary 0 1074\nset 1 lvm on\nquit\n", "/dev/xvdb")
	if r.exit != 0 || !strings.HasPrefix(r.stdout, "GNU Parted 1.8.1\nUsing /dev/xvdb\n") || strings.Count(r.stdout, "(parted) ") != 4 {
		t.Errorf("interactive: %+v", r)
	}
	if l, _ := LabelOf(h, "/dev/xvdb"); l == nil || len(l.Parts) != 1 || strings.Join(l.Parts[0].Flags, ",") != "lvm" {
		t.Errorf("label: %+v", l)
	}
}

func TestErrors(t *testing.T) {
	h := spareHost(t)
	for _, tc := range []struct {
		args []string
		out  string
	}{
		{[]string{"-s", "/dev/xvdc", "print"}, "Error: Could not stat device /dev/xvdc - No such file or directory.\n"},
		{[]string{"-s", "/dev/xvdb", "mkpart", "primary", "0", "1074"}, "Error: Unable to open /dev/xvdb - unrecognised disk label.\n"},
		{[]string{"-s", "/dev/xvdb", "mklabel", "sun"}, "parted: invalid token: sun\n"},
		{[]string{"-s", "/dev/xvdb", "mklabel", "gpt", "mkpart", "primary", "2000", "3000"}, "Error: The location 2000 is outside of the device /dev/xvdb.\n"},
		{[]string{"-s", "/dev/xvdb", "mklabel", "gpt", "set", "1", "lvm", "maybe"}, "Error: Expecting ON or OFF.\n"},
	} {
		if r := parted(h, "", tc.args...); r.exit != 1 || r.stdout != tc.out {
			t.Errorf("parted %v: %+v, want %q", tc.args, r, tc.out)
		}
	}
}

func TestEnsureSpareKeepsTheDisk(t *testing.T) {
	h := spareHost(t)
	parted(h, "", "-s", "/dev/xvdb", "mklabel", "gpt", "mkpart", "primary", "0", "1074")
	if err := EnsureSpare(h); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := blockdev.Get(h, "/dev/xvdb1"); !ok {
		t.Error("the partition is gone")
	}
	if l, _ := LabelOf(h, "/dev/xvdb"); l == nil || len(l.Parts) != 1 {
		t.Errorf("label after EnsureSpare: %+v", l)
	}
}

func TestFormatBytes(t *testing.T) {
	for b, want := range map[int64]string{
		17408: "17.4kB", 1073741824: "1074MB", 512: "512B", 9999: "9999B",
		10000: "10.0kB", 1073724416: "1074MB", 5_000_000: "5000kB", 20_000_000_000: "20.0GB",
	} {
		if got := formatBytes(b); got != want {
			t.Errorf("formatBytes(%d) = %s, want %s", b, got, want)
		}
	}
}

func TestMsdos(t *testing.T) {
	h := spareHost(t)
	r := parted(h, "", "-s", "/dev/xvdb", "mklabel", "msdos", "mkpart", "primary", "0", "1074", "print")
	want := " 1      32.3kB  1074MB  1074MB  primary"
	if r.exit != 0 || !strings.Contains(r.stdout, "Partition Table: msdos\n") || !strings.Contains(r.stdout, want) {
		t.Errorf("msdos: %+v", r)
	}
}
