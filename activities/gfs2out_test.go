package activities

import "testing"

func TestParseMounts(t *testing.T) {
	got := ParseMounts("/dev/xvda1 on / type ext3 (rw)\n/dev/mapper/VG0-LV0 on /mnt type gfs2 (rw,hostdata=jid=0:id=65537:first=1)\n")
	if len(got) != 2 || got[1] != (Mount{Device: "/dev/mapper/VG0-LV0", Dir: "/mnt", Type: "gfs2", Options: "rw,hostdata=jid=0:id=65537:first=1"}) {
		t.Errorf("%+v", got)
	}
}
