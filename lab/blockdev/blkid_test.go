package blockdev

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// blkidHost is a host with a PV on /dev/xvdb, GFS2 on /dev/mapper/mpath0
// (and its /dev/dm-0), and a blank /dev/xvdc, recognized by sigs.
func blkidHost(t *testing.T) (host.Host, Signatures) {
	h := host.Host{Lab: t.TempDir(), FQDN: "client0.example.org"}
	h.Root = host.Root(h.Lab, h.FQDN)
	for _, p := range []string{"/dev/xvdb", "/dev/xvdc", "/dev/mapper/mpath0", "/dev/dm-0"} {
		if err := Create(h, p, Device{Sectors: 2048}); err != nil {
			t.Fatal(err)
		}
	}
	on := func(dev string, tags ...Tag) Signature {
		return func(_ host.Host, devPath string) ([]Tag, error) {
			if devPath == dev || devPath == "/dev/broken" {
				return tags, nil
			}
			return nil, nil
		}
	}
	broken := func(_ host.Host, devPath string) ([]Tag, error) {
		if devPath == "/dev/broken" {
			return nil, errors.New("boom")
		}
		return nil, nil
	}
	return h, Signatures{
		broken,
		on("/dev/mapper/mpath0", Tag{"LABEL", "client:gfs2"}, Tag{"TYPE", "gfs2"}),
		on("/dev/xvdb", Tag{"UUID", "abc"}, Tag{"TYPE", "LVM2_member"}),
		// Never reached for mpath0: the first signature found wins.
		on("/dev/mapper/mpath0", Tag{"UUID", "def"}, Tag{"TYPE", "LVM2_member"}),
	}
}

func TestBlkid(t *testing.T) {
	h, sigs := blkidHost(t)
	const usage = "usage:\tblkid [-c <file>] [-ghl] [-o format] [-s <tag>] [-t <token>]\n    [-w <file>] [dev ...]\n"
	for _, c := range []struct {
		cwd            string
		args           []string
		exit           int
		stdout, stderr string
	}{
		{"/", nil, 0, "/dev/xvdb: UUID=\"abc\" TYPE=\"LVM2_member\" \n/dev/mapper/mpath0: LABEL=\"client:gfs2\" TYPE=\"gfs2\" \n", ""},
		{"/", []string{"/dev/mapper/mpath0"}, 0, "/dev/mapper/mpath0: LABEL=\"client:gfs2\" TYPE=\"gfs2\" \n", ""},
		{"/dev", []string{"xvdb"}, 0, "xvdb: UUID=\"abc\" TYPE=\"LVM2_member\" \n", ""},
		{"/", []string{"-s", "TYPE", "-o", "value", "/dev/xvdb", "/dev/mapper/mpath0"}, 0, "LVM2_member\ngfs2\n", ""},
		{"/", []string{"-sUUID", "/dev/xvdb", "/dev/mapper/mpath0"}, 0, "/dev/xvdb: UUID=\"abc\" \n", ""},
		{"/", []string{"-o", "device", "/dev/xvdc", "/dev/xvdb"}, 0, "/dev/xvdb\n", ""},
		{"/", []string{"/dev/xvdc"}, 2, "", ""},
		{"/", []string{"/dev/nothing"}, 2, "", ""},
		{"/", []string{"/dev/broken"}, 1, "", "blkid: lab: boom\n"},
		{"/", []string{"-v"}, 0, "blkid 1.0.0 (12-Feb-2003)\n", ""},
		{"/", []string{"-h"}, 0, "", usage},
		{"/", []string{"-x", "/dev/xvdb"}, 4, "", "blkid: invalid option -- x\n" + usage},
		{"/", []string{"-o"}, 4, "", "blkid: option requires an argument -- o\n" + usage},
		{"/", []string{"-t", "TYPE=gfs2"}, 4, "", "blkid: lab: blkid -t is not emulated in the lab\n"},
	} {
		var out, errs bytes.Buffer
		p := &host.Proc{Host: h, Name: "blkid", Args: c.args, Stdout: &out, Stderr: &errs, Cwd: c.cwd}
		exit := sigs.Blkid(p)
		if exit != c.exit || out.String() != c.stdout || errs.String() != c.stderr {
			t.Errorf("blkid %s in %s: exit %d, stdout %q, stderr %q; want %d, %q, %q",
				strings.Join(c.args, " "), c.cwd, exit, out.String(), errs.String(), c.exit, c.stdout, c.stderr)
		}
	}
}

func TestProbe(t *testing.T) {
	h, sigs := blkidHost(t)
	for dev, want := range map[string]string{"/dev/mapper/mpath0": "gfs2", "/dev/xvdb": "LVM2_member", "/dev/xvdc": ""} {
		if got, err := sigs.Probe(h, dev); got != want || err != nil {
			t.Errorf("Probe(%s): %q %v, want %q", dev, got, err, want)
		}
	}
	if _, err := sigs.Probe(h, "/dev/broken"); err == nil {
		t.Error("Probe hid a signature's error")
	}
}
