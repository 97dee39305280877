package findings_test

import (
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/findings"
)

// unmount is umount /mnt on a client: mount no longer lists it, and LVM
// sees LV0 closed there.
func unmount(s *stack, name string) {
	h := s.on(name)
	out := h.cmds["mount"]
	var kept []string
	for _, l := range strings.SplitAfter(out.text, "\n") {
		if !strings.Contains(l, " type gfs2 ") {
			kept = append(kept, l)
		}
	}
	h.prints("mount", 0, strings.Join(kept, ""))
	h.editOutput("lvdisplay /dev/VG0/LV0", "  # open                 1\n", "  # open                 0\n")
	h.editOutput("vgdisplay VG0", "  Open LV               1\n", "  Open LV               0\n")
}

var gfs2Drifts = []drift{
	{
		name:   "unmounted",
		breaks: func(s *stack) { unmount(s, "client1") },
		want:   []want{{findings.GFS2NotMounted, "client1", findings.Critical, findings.Safe, []string{"/dev/xvda1 on / type ext3 (rw)", "none on /sys/kernel/config type configfs (rw)"}}},
	},
	{
		name: "mounted elsewhere",
		breaks: func(s *stack) {
			s.on("client0").editOutput("mount", " on /mnt type gfs2 ", " on /srv type gfs2 ")
		},
		want: []want{{findings.GFS2NotMounted, "client0", findings.Critical, findings.Safe, []string{"/dev/mapper/VG0-LV0 on /srv type gfs2 (rw,hostdata=jid=0:id=65537:first=1)"}}},
	},
	{
		name: "another file system on /mnt",
		breaks: func(s *stack) {
			s.on("client1").editOutput("mount", "/dev/mapper/VG0-LV0 on /mnt type gfs2", "/dev/mapper/VG0-LV1 on /mnt type gfs2")
		},
		want: []want{{findings.GFS2NotMounted, "client1", findings.Critical, findings.Safe, []string{"/dev/mapper/VG0-LV1 on /mnt type gfs2 (rw,hostdata=jid=1:id=65537:first=0)"}}},
	},
	{
		// mount writes the device as it was given: both names are the
		// volume's.
		name: "mounted by its /dev/VG0 name",
		breaks: func(s *stack) {
			s.on("client0").editOutput("mount", "/dev/mapper/VG0-LV0 on /mnt", "/dev/VG0/LV0 on /mnt")
		},
	},
}

func TestGFS2Findings(t *testing.T) { runDrifts(t, gfs2Drifts) }
