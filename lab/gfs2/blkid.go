package gfs2

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/getopt"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/lvm"
)

// pvType is blkid's TYPE for an LVM2 PV. The project's runbooks look for
// libblkid's "LVM2_member"; e2fsprogs 1.39's own probe, if CentOS 5.2's
// has one, may call it "lvm2pv" (see the package doc).
const pvType = "LVM2_member"

// tags are what blkid reads off a device, in the order it prints them;
// nil for a device it does not recognize.
func tags(h host.Host, devPath string) ([][2]string, error) {
	id, ok, err := lvm.Identify(h, devPath)
	if err != nil || !ok || id == "" {
		return nil, err
	}
	s, err := Load(h.Lab)
	if err != nil {
		return nil, err
	}
	if fs := s.FS[id]; fs != nil {
		// GFS2 0.1.44 writes no UUID; libblkid takes the lock table as
		// the label.
		return [][2]string{{"LABEL", fs.LockTable}, {"TYPE", "gfs2"}}, nil
	}
	ls, err := lvm.Load(h.Lab)
	if err != nil {
		return nil, err
	}
	if l := ls.Labels[id]; l != nil {
		return [][2]string{{"UUID", l.UUID}, {"TYPE", pvType}}, nil
	}
	return nil, nil
}

// Probe is the type blkid finds on a device, "" for none: what mount(8)
// asks when it is not given one.
func Probe(h host.Host, devPath string) (string, error) {
	ts, err := tags(h, devPath)
	for _, t := range ts {
		if t[0] == "TYPE" {
			return t[1], err
		}
	}
	return "", err
}

// blockDevices lists the host's block devices as blkid walks them without
// arguments: the devices under /dev, then those under /dev/mapper
// (/dev/dm-N are the same as those).
func blockDevices(h host.Host) ([]string, error) {
	var out []string
	for _, dir := range []string{"/dev", "/dev/mapper"} {
		entries, err := os.ReadDir(h.Path(dir))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var names []string
		for _, e := range entries {
			if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") && !strings.HasPrefix(e.Name(), "dm-") {
				names = append(names, e.Name())
			}
		}
		sort.Strings(names)
		for _, n := range names {
			p := dir + "/" + n
			if _, ok, err := blockdev.Get(h, p); err == nil && ok {
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// Blkid is blkid of e2fsprogs 1.39: for each device (every block device
// without arguments) the tags it recognizes, `DEV: NAME="value" ...`; -s
// picks tags, -o value prints their values alone, -o device the device
// names. It exits 2 when it printed nothing.
func Blkid(p *host.Proc) int {
	t := &tool{p: p}
	format := "full"
	var only []string
	opts, operands := getopt.Parse(p.Name, p.Args, "c:f:ghlo:s:t:w:v", &t.err)
	for _, op := range opts {
		switch op.C {
		case 'o':
			format = op.Arg
		case 's':
			only = append(only, op.Arg)
		case 'v':
			t.printf("blkid 1.0.0 (12-Feb-2003)\n")
			return t.finish(nil)
		case 'h':
			fmt.Fprint(&t.err, fmtBlkidUsage)
			return t.finish(nil)
		case 't', 'l':
			fmt.Fprintf(&t.err, fmtNotEmulated+"\n", p.Name, "blkid -"+string(op.C))
			t.finish(nil)
			return 4
		case '?':
			fmt.Fprint(&t.err, fmtBlkidUsage)
			t.finish(nil)
			return 4
		}
	}
	devs := operands
	if len(devs) == 0 {
		var err error
		if devs, err = blockDevices(p.Host); err != nil {
			return t.finish(err)
		}
	}
	found := false
	for _, d := range devs {
		ts, err := tags(p.Host, lvm.Resolve(p.Host, p.Abs(d)))
		if err != nil {
			return t.finish(err)
		}
		var shown [][2]string
		for _, tag := range ts {
			if len(only) == 0 || contains(only, tag[0]) {
				shown = append(shown, tag)
			}
		}
		if len(shown) == 0 {
			continue
		}
		found = true
		switch format {
		case "value":
			for _, tag := range shown {
				t.printf("%s\n", tag[1])
			}
		case "device":
			t.printf("%s\n", d)
		default:
			t.printf("%s: ", d)
			for _, tag := range shown {
				t.printf(fmtBlkidTag, tag[0], tag[1])
			}
			t.printf("\n")
		}
	}
	t.finish(nil)
	if !found {
		return 2
	}
	return 0
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
