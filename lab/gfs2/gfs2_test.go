package gfs2

import (
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

func TestGeometry(t *testing.T) {
	for _, c := range []struct {
		dev            int64
		blocks, length int64
		rgrps          int
	}{
		{522240, 522233, 65277, 8}, // LV0 of part #5: 510 extents
		{524288, 524281, 65533, 8}, // 2 GiB: RG size 65533 (0xfffd), as gfs2_grow prints it
		{783360, 783353, 65278, 12},
	} {
		blocks, length, rgrps := Geometry(c.dev, BlockSize, 256)
		if blocks != c.blocks || length != c.length || rgrps != c.rgrps {
			t.Errorf("Geometry(%d): %d %d %d, want %d %d %d", c.dev, blocks, length, rgrps, c.blocks, c.length, c.rgrps)
		}
	}
	if got := gb(522240, BlockSize); got < 1.99 || got > 1.995 {
		t.Errorf("gb: %v", got)
	}
}

func TestLockTable(t *testing.T) {
	for table, want := range map[string]string{
		"client:gfs2":                "",
		"clientgfs2":                 "mkfs.gfs2: locktable error: missing colon in the locktable\n",
		":gfs2":                      "mkfs.gfs2: locktable error: missing cluster name\n",
		"client:":                    "mkfs.gfs2: locktable error: missing filesystem name\n",
		"a:b:c":                      "mkfs.gfs2: locktable error: more than one colon present\n",
		"a-very-long-cluster-name:x": "mkfs.gfs2: locktable error: cluster name too long\n",
		"client:gfs 2":               "mkfs.gfs2: locktable error: contains space characters\n",
	} {
		tl := &tool{p: &host.Proc{Name: "mkfs.gfs2"}}
		tl.testLocking("lock_dlm", table)
		if got := tl.err.String(); got != want {
			t.Errorf("%q: %q, want %q", table, got, want)
		}
	}
	tl := &tool{p: &host.Proc{Name: "mkfs.gfs2"}}
	if tl.testLocking("lock_nolock", ""); tl.err.Len() != 0 {
		t.Errorf("lock_nolock needs no table: %q", tl.err.String())
	}
	if tl.testLocking("lock_foo", "a:b"); tl.err.String() != "mkfs.gfs2: lockproto error: lock_foo unknown\n" {
		t.Errorf("an unknown protocol: %q", tl.err.String())
	}
}
