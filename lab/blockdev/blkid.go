package blockdev

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/getopt"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// Tag is one NAME="value" blkid prints for a device.
type Tag struct{ Name, Value string }

// A Signature reads one kind of content off the device at devPath on h (a
// file system's superblock, a volume manager's label): the tags blkid
// prints for it, in order, or nil when the device does not carry it.
type Signature func(h host.Host, devPath string) ([]Tag, error)

// Signatures are the contents blkid recognizes, in the order it probes
// them: the first that a device carries is what the device is.
type Signatures []Signature

// tags are what blkid reads off a device: the tags of the first
// signature found on it, nil for a device it does not recognize.
func (ss Signatures) tags(h host.Host, devPath string) ([]Tag, error) {
	for _, s := range ss {
		if ts, err := s(h, devPath); err != nil || ts != nil {
			return ts, err
		}
	}
	return nil, nil
}

// Probe is the type blkid finds on a device, "" for none: what mount(8)
// asks when it is not given one.
func (ss Signatures) Probe(h host.Host, devPath string) (string, error) {
	ts, err := ss.tags(h, devPath)
	for _, t := range ts {
		if t.Name == "TYPE" {
			return t.Value, err
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
			if _, ok, err := Get(h, p); err == nil && ok {
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// Blkid is blkid of e2fsprogs 1.39 recognizing ss: for each device (every
// block device without arguments) the tags it recognizes,
// `DEV: NAME="value" ...`; -s picks tags, -o value prints their values
// alone, -o device the device names. It exits 2 when it printed nothing.
// Output is buffered, and written at the end, as the gfs2-utils tools it
// was once among write theirs.
func (ss Signatures) Blkid(p *host.Proc) int {
	var out, errs bytes.Buffer
	finish := func(err error) int {
		p.Stdout.Write(out.Bytes())
		p.Stderr.Write(errs.Bytes())
		if err != nil {
			fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
			return 1
		}
		return 0
	}
	format := "full"
	var only []string
	opts, operands := getopt.Parse(p.Name, p.Args, "c:f:ghlo:s:t:w:v", &errs)
	for _, op := range opts {
		switch op.C {
		case 'o':
			format = op.Arg
		case 's':
			only = append(only, op.Arg)
		case 'v':
			out.WriteString(msgBlkidVersion)
			return finish(nil)
		case 'h':
			errs.WriteString(fmtBlkidUsage)
			return finish(nil)
		case 't', 'l':
			fmt.Fprintf(&errs, fmtNotEmulated+"\n", p.Name, "blkid -"+string(op.C))
			finish(nil)
			return 4
		case '?':
			errs.WriteString(fmtBlkidUsage)
			finish(nil)
			return 4
		}
	}
	devs := operands
	if len(devs) == 0 {
		var err error
		if devs, err = blockDevices(p.Host); err != nil {
			return finish(err)
		}
	}
	found := false
	for _, d := range devs {
		ts, err := ss.tags(p.Host, p.Abs(d))
		if err != nil {
			return finish(err)
		}
		var shown []Tag
		for _, tag := range ts {
			if len(only) == 0 || slices.Contains(only, tag.Name) {
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
				fmt.Fprintf(&out, "%s\n", tag.Value)
			}
		case "device":
			fmt.Fprintf(&out, "%s\n", d)
		default:
			fmt.Fprintf(&out, "%s: ", d)
			for _, tag := range shown {
				fmt.Fprintf(&out, fmtBlkidTag, tag.Name, tag.Value)
			}
			out.WriteString("\n")
		}
	}
	finish(nil)
	if !found {
		return 2
	}
	return 0
}
