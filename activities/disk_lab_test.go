package activities

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
)

// spareDisk is part #2a's disk and the partition the runbooks make on it,
// with the approval to label it: the lab's disks start with no partition
// table, as a run finds them after a person approved the label.
var spareDisk = DiskInput{Device: "/dev/xvdb", Partition: "/dev/xvdb1", Label: true}

// unapproved is spareDisk without that approval: the first attempt of a
// run.
var unapproved = DiskInput{Device: "/dev/xvdb", Partition: "/dev/xvdb1"}

// partOne is partition 1 of parted's print: number, start, end, size, name
// and flags.
var partOne = regexp.MustCompile(`(?m)^ 1\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S.*?)\s*$`)

func TestPrepareDiskPartitionsASpareDiskOnce(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a")
	h := c.hosts["storage0a"]
	ctx := context.Background()

	if r := must(h.PrepareDisk(ctx, spareDisk))(t); !r.Changed {
		t.Error("first PrepareDisk of a spareDisk disk: changed false, want true")
	}
	out := c.lab.Run(t, fqdn("storage0a"), "parted", "-s", "/dev/xvdb", "print")
	if out.Exit != 0 || !strings.Contains(out.Stdout, "\nPartition Table: gpt\n") {
		t.Fatalf("parted print after PrepareDisk: exit %d, want a gpt label:\n%s%s", out.Exit, out.Stdout, out.Stderr)
	}
	m := partOne.FindStringSubmatch(out.Stdout)
	if m == nil {
		t.Fatalf("parted print shows no partition 1:\n%s", out.Stdout)
	}
	// mkpart primary 0 1074 on parted 1.8.1: the whole disk but GPT's
	// own sectors.
	if got, want := m[1:], []string{"17.4kB", "1074MB", "1074MB", "primary", "lvm"}; !slices.Equal(got, want) {
		t.Errorf("partition 1: %q, want %q", got, want)
	}
	if n := len(regexp.MustCompile(`(?m)^ \d+\s`).FindAllString(out.Stdout, -1)); n != 1 {
		t.Errorf("parted print lists %d partitions, want 1:\n%s", n, out.Stdout)
	}
	d, ok, err := blockdev.Get(c.labHost(t, "storage0a"), "/dev/xvdb1")
	if err != nil || !ok || d.Sectors != 2097085 {
		t.Errorf("/dev/xvdb1: %+v exists %v (%v), want 2097085 sectors", d, ok, err)
	}

	before := len(c.ran(t, "storage0a"))
	if r := must(h.PrepareDisk(ctx, spareDisk))(t); r.Changed {
		t.Error("second PrepareDisk: changed true, want false")
	}
	if cmds := c.ranSince(t, "storage0a", before); !slices.Equal(cmds, []string{"/sbin/parted -s /dev/xvdb print"}) {
		t.Errorf("second PrepareDisk ran %q, want only a print", cmds)
	}
}

// TestPrepareDiskResumesAnEmptyLabel covers an agent killed between mklabel
// and mkpart, and a disk someone labelled without partitioning it: there is
// nothing on it to lose, and the runbook's layout is a gpt label.
func TestPrepareDiskResumesAnEmptyLabel(t *testing.T) {
	t.Parallel()
	for _, label := range []string{"gpt", "msdos"} {
		t.Run(label, func(t *testing.T) {
			t.Parallel()
			c := newCluster(t, "storage0a")
			h := c.hosts["storage0a"]
			ctx := context.Background()
			if r := c.lab.Run(t, fqdn("storage0a"), "parted", "-s", "/dev/xvdb", "mklabel", label); r.Exit != 0 {
				t.Fatalf("mklabel %s: %+v", label, r)
			}
			// No approval: an empty label holds nothing.
			if r := must(h.PrepareDisk(ctx, unapproved))(t); !r.Changed {
				t.Errorf("PrepareDisk over an empty %s label: changed false, want true", label)
			}
			out := c.lab.Run(t, fqdn("storage0a"), "parted", "-s", "/dev/xvdb", "print").Stdout
			if !strings.Contains(out, "\nPartition Table: gpt\n") || !partOne.MatchString(out) {
				t.Errorf("after PrepareDisk over an empty %s label, want gpt with partition 1:\n%s", label, out)
			}
			// The retry a workflow makes after a lost result must agree.
			if r, err := h.PrepareDisk(ctx, unapproved); err != nil || r.Changed {
				t.Errorf("second PrepareDisk: %+v, %v; want unchanged", r, err)
			}
		})
	}
}

func TestPrepareDiskRefusesADiskInUse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		parted [][]string
	}{
		{"gpt partition without lvm flag", [][]string{{"mklabel", "gpt"}, {"mkpart", "primary", "0", "1074"}}},
		{"msdos partition", [][]string{{"mklabel", "msdos"}, {"mkpart", "primary", "0", "1074"}, {"set", "1", "lvm", "on"}}},
		{"only partition 2", [][]string{{"mklabel", "gpt"}, {"mkpart", "data", "0", "100"}, {"mkpart", "primary", "100", "1074"}, {"rm", "1"}}},
		{"lvm partition 1 beside another", [][]string{{"mklabel", "gpt"}, {"mkpart", "primary", "0", "500"}, {"set", "1", "lvm", "on"}, {"mkpart", "data", "500", "1074"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newCluster(t, "storage0a")
			h := c.hosts["storage0a"]
			for _, words := range tc.parted {
				if r := c.lab.Run(t, fqdn("storage0a"), append([]string{"parted", "-s", "/dev/xvdb"}, words...)...); r.Exit != 0 {
					t.Fatalf("parted %v: %+v", words, r)
				}
			}
			print := func() string { return c.lab.Run(t, fqdn("storage0a"), "parted", "-s", "/dev/xvdb", "print").Stdout }
			was, before := print(), len(c.ran(t, "storage0a"))

			// Not even with the approval to label a disk that has none.
			_, err := h.PrepareDisk(context.Background(), spareDisk)
			if errType(err) != ErrNotSpare || !isPermanent(err) {
				t.Errorf("PrepareDisk: %v, want a permanent %s", err, ErrNotSpare)
			}
			if cmds := c.ranSince(t, "storage0a", before); !slices.Equal(cmds, []string{"/sbin/parted -s /dev/xvdb print"}) {
				t.Errorf("refused PrepareDisk ran %q, want only a print", cmds)
			}
			if now := print(); now != was {
				t.Errorf("refused PrepareDisk changed the disk:\n%s\nwas:\n%s", now, was)
			}
		})
	}
}

// TestPrepareDiskLabelsADiskWithoutATableOnlyWithAnApproval: a disk with
// no partition table may hold data on the whole of it, so it is labelled
// only once a person approved (Label); without, the refusal says what
// blkid and parted see, and nothing is written.
func TestPrepareDiskLabelsADiskWithoutATableOnlyWithAnApproval(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		setup []string // a command run on the disk first, nil for none
		blkid string   // what the refusal quotes of blkid
	}{
		{"blank", nil, "blkid finds no signature on it"},
		{"a physical volume on the whole disk", []string{"pvcreate", "/dev/xvdb"}, `TYPE="LVM2_member"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newCluster(t, "storage0a")
			h := c.hosts["storage0a"]
			ctx := context.Background()
			if tc.setup != nil {
				if r := c.lab.Run(t, fqdn("storage0a"), tc.setup...); r.Exit != 0 {
					t.Fatalf("%v: %+v", tc.setup, r)
				}
			}
			blkid := func() string { return c.lab.Run(t, fqdn("storage0a"), "blkid", "/dev/xvdb").Stdout }
			was, before := blkid(), len(c.ran(t, "storage0a"))

			_, err := h.PrepareDisk(ctx, unapproved)
			if errType(err) != ErrUnlabelled || !isPermanent(err) {
				t.Fatalf("PrepareDisk without the approval: %v, want a permanent %s", err, ErrUnlabelled)
			}
			for _, want := range []string{"storage0a.example.org: /dev/xvdb has no partition table", "needs an approval", tc.blkid, "unrecognised disk label"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("refusal %q does not say %q", err, want)
				}
			}
			// Read, not written: no mklabel, nor anything after it.
			want := []string{"/sbin/parted -s /dev/xvdb print", "/bin/mount", "/sbin/blkid /dev/xvdb"}
			if cmds := c.ranSince(t, "storage0a", before); !slices.Equal(cmds, want) {
				t.Errorf("refused PrepareDisk ran %q, want %q", cmds, want)
			}
			if out := c.lab.Run(t, fqdn("storage0a"), "parted", "-s", "/dev/xvdb", "print"); !strings.Contains(out.Stdout+out.Stderr, "unrecognised disk label") {
				t.Errorf("refused PrepareDisk labelled the disk:\n%s%s", out.Stdout, out.Stderr)
			}
			if now := blkid(); now != was {
				t.Errorf("blkid after the refusal %q, was %q", now, was)
			}

			if r := must(h.PrepareDisk(ctx, spareDisk))(t); !r.Changed {
				t.Error("PrepareDisk with the approval: changed false, want true")
			}
			if mklabels := containing(c.ranSince(t, "storage0a", before), "parted", "mklabel gpt"); len(mklabels) != 1 {
				t.Errorf("mklabel ran %q, want once, with the approval", mklabels)
			}
			out := c.lab.Run(t, fqdn("storage0a"), "parted", "-s", "/dev/xvdb", "print").Stdout
			if !strings.Contains(out, "\nPartition Table: gpt\n") || !partOne.MatchString(out) {
				t.Errorf("after PrepareDisk with the approval, want gpt with partition 1:\n%s", out)
			}
		})
	}
}

func TestPrepareDiskRefusesBadPaths(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a")
	h := c.hosts["storage0a"]
	// Refused with the approval to label as without it.
	for _, paths := range [][2]string{
		{"xvdb", "xvdb1"},
		{"/dev/xvdb;reboot", "/dev/xvdb;reboot1"},
		{"/dev/../etc/passwd", "/dev/../etc/passwd1"},
		{"/dev//xvdb", "/dev//xvdb1"},
		{"/dev/XVDB", "/dev/XVDB1"},
		{"/dev/xvdb -s", "/dev/xvdb -s1"},
		{"", "1"},
		{"/dev/xvdb", "/dev/xvdb2"},
		{"/dev/xvdb", "/dev/xvdc1"},
		{"/dev/xvdb", ""},
		{"/dev/xvdb", "/dev/xvdb1 rm 1"},
	} {
		in := DiskInput{Device: paths[0], Partition: paths[1], Label: true}
		if _, err := h.PrepareDisk(context.Background(), in); errType(err) != ErrBadInput || !isPermanent(err) {
			t.Errorf("PrepareDisk(%q, %q): %v, want a permanent %s", in.Device, in.Partition, err, ErrBadInput)
		}
	}
	if cmds := c.ran(t, "storage0a"); len(cmds) > 0 {
		t.Errorf("refused calls ran %q, want nothing", cmds)
	}
	if _, ok, err := blockdev.Get(c.labHost(t, "storage0a"), "/dev/xvdb1"); err != nil || ok {
		t.Errorf("/dev/xvdb1 exists %v (%v) after refused calls", ok, err)
	}
}

func TestLoadModuleNeedsItsPackage(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a")
	h := c.hosts["storage0a"]
	ctx := context.Background()

	_, err := h.LoadModule(ctx, ModuleInput{Name: "drbd", Options: []string{"minor_count=1"}})
	var cerr *CommandError
	if !errors.As(err, &cerr) || !strings.Contains(cerr.Output.Stderr, "FATAL: Module drbd not found.") {
		t.Fatalf("LoadModule without kmod-drbd82-xen: %v, want modprobe's FATAL", err)
	}
	if loaded := must(h.moduleLoaded("drbd"))(t); loaded {
		t.Fatal("drbd is loaded after modprobe failed")
	}
}

func TestLoadModuleOnceAndUnloadIdempotently(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a")
	h := c.hosts["storage0a"]
	ctx := context.Background()
	must(h.EnsurePackages(ctx, PackagesInput{Packages: []string{"kmod-drbd82-xen"}}))(t)
	in := ModuleInput{Name: "drbd", Options: []string{"minor_count=1"}}

	for i, want := range []bool{true, false} {
		if r := must(h.LoadModule(ctx, in))(t); r.Changed != want {
			t.Errorf("load %d: changed %v, want %v", i, r.Changed, want)
		}
	}
	if got := c.lab.ReadFile(t, fqdn("storage0a"), "/sys/module/drbd/parameters/minor_count"); got != "1\n" {
		t.Errorf("minor_count %q, want the option given, 1", got)
	}
	if n := len(containing(c.ran(t, "storage0a"), "modprobe")); n != 1 {
		t.Errorf("modprobe ran %d times, want 1", n)
	}
	for i, want := range []bool{true, false} {
		if r := must(h.UnloadModule(ctx, in))(t); r.Changed != want {
			t.Errorf("unload %d: changed %v, want %v", i, r.Changed, want)
		}
	}
	if loaded := must(h.moduleLoaded("drbd"))(t); loaded {
		t.Error("drbd is still loaded after UnloadModule")
	}
}

func TestModuleRefusesHostileInput(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a")
	h := c.hosts["storage0a"]
	ctx := context.Background()
	for _, in := range []ModuleInput{
		{Name: "drbd;reboot"},
		{Name: "-r"},
		{Name: "../drbd"},
		{Name: "Drbd"},
		{Name: ""},
		{Name: "drbd", Options: []string{"minor_count=1;reboot"}},
		{Name: "drbd", Options: []string{"--force"}},
		{Name: "drbd", Options: []string{"minor_count"}},
		{Name: "drbd", Options: []string{"minor_count=$(id)"}},
		{Name: "drbd", Options: []string{"minor_count=1 usermode_helper=/tmp/x"}},
		{Name: "drbd", Options: []string{""}},
	} {
		if _, err := h.LoadModule(ctx, in); errType(err) != ErrBadInput || !isPermanent(err) {
			t.Errorf("LoadModule(%+v): %v, want a permanent %s", in, err, ErrBadInput)
		}
		if in.Name != "drbd" {
			if _, err := h.UnloadModule(ctx, in); errType(err) != ErrBadInput || !isPermanent(err) {
				t.Errorf("UnloadModule(%q): %v, want a permanent %s", in.Name, err, ErrBadInput)
			}
		}
	}
	if cmds := c.ran(t, "storage0a"); len(cmds) > 0 {
		t.Errorf("refused calls ran %q, want nothing", cmds)
	}
}
