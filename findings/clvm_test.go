package findings_test

import (
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/lab/lvm"
)

// What LVM prints of a clustered volume group it cannot lock through
// clvmd (lab/lvm's messages.go): clvmd down, it falls back to local
// locking; with local locking it skips the clustered VG.
const (
	noClvmd = "  connect() failed on local socket: Connection refused\n" +
		"  WARNING: Falling back to local file-based locking.\n" +
		"  Volume Groups with the clustered attribute will be inaccessible.\n"
	skipped = "  Skipping clustered volume group VG0\n"
)

// localLocking is lvm.conf edited back to locking_type = 1: LVM skips the
// clustered VG from its next command on.
func localLocking(s *stack, name string) {
	h := s.on(name)
	h.files[activities.LVMConfPath] = lvm.DefaultConf
	h.prints("vgdisplay VG0", 5, skipped)
	h.prints("lvdisplay /dev/VG0/LV0", 5, skipped)
}

var clvmDrifts = []drift{
	{
		name: "clvmd dies",
		breaks: func(s *stack) {
			h := s.on("client0")
			h.prints("/etc/init.d/clvmd status", 2, "clvmd dead but subsys locked\nactive volumes: (none)\n")
			h.prints("vgdisplay VG0", 5, noClvmd+skipped)
			h.prints("lvdisplay /dev/VG0/LV0", 5, noClvmd+skipped)
		},
		want: []want{{findings.ClvmdDown, "client0", findings.Critical, findings.Safe, []string{"clvmd dead but subsys locked"}}},
	},
	{
		// Without clvmd LVM cannot tell: the VG is looked at again
		// once clvmd runs.
		name: "clvmd dies where the VG is gone",
		breaks: func(s *stack) {
			h := s.on("client1")
			h.prints("/etc/init.d/clvmd status", 3, "clvmd is stopped\nactive volumes: (none)\n")
			h.prints("vgdisplay VG0", 5, noClvmd+"  Volume group \"VG0\" not found\n")
			h.prints("lvdisplay /dev/VG0/LV0", 5, noClvmd+"  Volume group \"VG0\" not found\n")
		},
		want: []want{{findings.ClvmdDown, "client1", findings.Critical, findings.Safe, []string{"clvmd is stopped"}}},
	},
	{
		name:   "locking_type 1",
		breaks: func(s *stack) { localLocking(s, "client1") },
		want:   []want{{findings.LockingNotCluster, "client1", findings.Critical, findings.Safe, []string{"    locking_type = 1"}}},
	},
	{
		name:   "lvm.conf deleted",
		breaks: func(s *stack) { delete(s.on("client1").files, activities.LVMConfPath) },
		want:   []want{{findings.LockingNotCluster, "client1", findings.Critical, findings.Safe, []string{"cat: /etc/lvm/lvm.conf: No such file or directory"}}},
	},
	{
		name: "volume group gone",
		breaks: func(s *stack) {
			h := s.on("client0")
			h.prints("vgdisplay VG0", 5, "  Volume group \"VG0\" not found\n")
			h.prints("lvdisplay /dev/VG0/LV0", 5, "  Volume group \"VG0\" not found\n")
		},
		want: []want{{findings.VGMissing, "client0", findings.Critical, findings.Manual, []string{`  Volume group "VG0" not found`}}},
	},
	{
		// vgchange -cn VG0: the metadata both clients share.
		name: "volume group not clustered",
		breaks: func(s *stack) {
			for _, c := range []string{"client0", "client1"} {
				s.on(c).editOutput("vgdisplay VG0", "  Clustered             yes\n  Shared                no\n", "")
			}
		},
		want: []want{
			{findings.VGNotClustered, "client0", findings.Critical, findings.Safe, []string{"  VG Name               VG0", "  VG Status             resizable"}},
			{findings.VGNotClustered, "client1", findings.Critical, findings.Safe, []string{"  VG Name               VG0", "  VG Status             resizable"}},
		},
	},
	{
		// Unmounted everywhere, then lvremove: the metadata both
		// clients share.
		name: "logical volume removed",
		breaks: func(s *stack) {
			for _, c := range []string{"client0", "client1"} {
				h := s.on(c)
				unmount(s, c)
				h.editOutput("vgdisplay VG0", "  Cur LV                1\n", "  Cur LV                0\n")
				h.editOutput("vgdisplay VG0", "  Alloc PE / Size       510 / 1.99 GB\n  Free  PE / Size       0 / 0   \n", "  Alloc PE / Size       0 / 0   \n  Free  PE / Size       510 / 1.99 GB\n")
				h.prints("lvdisplay /dev/VG0/LV0", 5, "  One or more specified logical volume(s) not found.\n")
			}
		},
		want: []want{
			{findings.LVMissing, "client0", findings.Critical, findings.Manual, []string{"  One or more specified logical volume(s) not found."}},
			{findings.LVMissing, "client1", findings.Critical, findings.Manual, []string{"  One or more specified logical volume(s) not found."}},
			{findings.GFS2NotMounted, "client0", findings.Critical, findings.Safe, []string{"/dev/xvda1 on / type ext3 (rw)"}},
			{findings.GFS2NotMounted, "client1", findings.Critical, findings.Safe, []string{"/dev/xvda1 on / type ext3 (rw)"}},
		},
	},
	{
		// lvchange -aln on client1, which LVM allows only unmounted.
		name: "logical volume deactivated",
		breaks: func(s *stack) {
			h := s.on("client1")
			unmount(s, "client1")
			text := h.cmds["lvdisplay /dev/VG0/LV0"].text
			text = strings.Replace(text, "  LV Status              available\n  # open                 0\n", "  LV Status              NOT available\n", 1)
			text = strings.Replace(text, "  - currently set to     256\n  Block device           253:2\n", "", 1)
			h.prints("lvdisplay /dev/VG0/LV0", 0, text)
		},
		want: []want{
			{findings.LVInactive, "client1", findings.Critical, findings.Safe, []string{"  LV Status              NOT available"}},
			{findings.GFS2NotMounted, "client1", findings.Critical, findings.Safe, []string{"/dev/xvda1 on / type ext3 (rw)"}},
		},
	},
}

func TestCLVMFindings(t *testing.T) { runDrifts(t, clvmDrifts) }
