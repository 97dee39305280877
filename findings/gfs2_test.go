package findings_test

import (
	"slices"
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
		name:   "fewer journals than clients",
		breaks: fewJournals,
		want: []want{
			{findings.GFS2FewJournals, "client0", findings.Critical, findings.Manual, []string{"journal0 - 128MB", "1 journal(s) found."}},
			{findings.GFS2NotMounted, "client1", findings.Critical, findings.Safe, []string{"/dev/xvda1 on / type ext3 (rw)"}},
		},
	},
	{
		// Two clients, two journals: none to spare, none missing.
		name: "as many journals as clients",
		breaks: func(s *stack) {
			for _, c := range []string{"client0", "client1"} {
				s.on(c).prints("gfs2_tool journals /mnt", 0, "journal1 - 128MB\njournal0 - 128MB\n2 journal(s) found.\n")
			}
		},
	},
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

// oneJournal is what gfs2_tool journals lists of a file system made with
// mkfs.gfs2 -j 1.
const oneJournal = "journal0 - 128MB\n1 journal(s) found.\n"

// fewJournals is the file system made with one journal: client0 mounted
// it first and holds it, client1 found none free and is not mounted.
func fewJournals(s *stack) {
	for _, c := range []string{"client0", "client1"} {
		s.on(c).prints("gfs2_tool journals /mnt", 0, oneJournal)
	}
	unmount(s, "client1")
}

func TestGFS2Findings(t *testing.T) { runDrifts(t, gfs2Drifts) }

// TestJournalsAreCountedOnce: the journals of a file system are a finding
// once, on the first client by name that lists them, whatever the order
// of the hosts; a client whose gfs2_tool fails or prints what does not
// parse counts nothing.
func TestJournalsAreCountedOnce(t *testing.T) {
	s := healthyStack(t)
	for _, c := range []string{"client0", "client1"} {
		s.on(c).prints("gfs2_tool journals /mnt", 0, oneJournal)
	}
	hosts := s.findingsHosts()
	slices.Reverse(hosts)
	fs := findings.Analyze(hosts, []findings.Code{findings.NoFencing})
	checkFindings(t, fs, []want{{findings.GFS2FewJournals, "client0", findings.Critical, findings.Manual, []string{"journal0 - 128MB", "1 journal(s) found."}}})
	if !strings.Contains(fs[0].Summary, "1 journals for the 2 clients") || !strings.HasPrefix(fs[0].Repair.Action, "gfs2_jadd -j 1 /mnt on client0.example.org") {
		t.Errorf("summary %q, repair %q", fs[0].Summary, fs[0].Repair.Action)
	}

	s.on("client0").prints("gfs2_tool journals /mnt", 1, "/sbin/gfs2_tool: can't open /tmp/.gfs2meta: Permission denied\n")
	checkFindings(t, analyze(s, false), []want{{findings.GFS2FewJournals, "client1", findings.Critical, findings.Manual, []string{"1 journal(s) found."}}})
	s.on("client1").prints("gfs2_tool journals /mnt", 0, "journal0 - 128MB\n")
	checkFindings(t, analyze(s, false), nil)
}
