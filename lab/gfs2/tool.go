package gfs2

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"slices"

	"github.com/tetsuzuki/tetsuzuki/lab/getopt"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// toolActions are gfs2_tool's actions besides journals and version, which
// the lab does not emulate.
var toolActions = []string{"clearflag", "df", "freeze", "getargs", "gettune", "list", "lockdump", "margs",
	"sb", "setflag", "settune", "shrink", "unfreeze", "withdraw"}

// GFS2Tool is gfs2_tool (gfs2-utils' tool/main.c). Of its actions the lab
// emulates journals, which RHEL 5.2 added as the way to tell how many
// journals a mounted file system has (gfs2_tool jindex was not
// implemented for GFS2), and version:
//
//	gfs2_tool journals /mnt
//	journal2 - 128MB
//	journal3 - 128MB
//	journal1 - 128MB
//	journal0 - 128MB
//	4 journal(s) found.
//
// The journals come in the order readdir(3) returns the metafs's jindex
// directory, which GFS2 sorts by the hash of the names (fs/gfs2/dir.c,
// compare_dents), a CRC-32: so not journal0 first. A path that is no
// mounted GFS2 is refused as check_for_gfs2 refuses it.
func GFS2Tool(p *host.Proc) int {
	t := &tool{p: p}
	if len(p.Args) == 0 {
		t.printf(msgToolUsage)
		return t.finish(nil)
	}
	debug := false
	opts, operands := getopt.Parse(p.Name, p.Args, "cDhi:OVX", &t.err)
	for _, op := range opts {
		switch op.C {
		case 'D':
			debug = true
		case 'h':
			t.printf(msgToolUsage)
			return t.finish(nil)
		case 'V':
			t.printf(fmtVersion, "gfs2_tool")
			return t.finish(nil)
		case '?':
			return t.finish(t.die(fmtUnknownOption, '?'))
		}
	}
	if len(operands) == 0 {
		return t.finish(t.die(msgNoAction))
	}
	switch action := operands[0]; {
	case action == "journals":
		return t.finish(t.journals(operands[1:], debug))
	case action == "version":
		t.printf(fmtVersion, "gfs2_tool")
		return t.finish(nil)
	case slices.Contains(toolActions, action):
		fmt.Fprintf(p.Stderr, fmtNotEmulated+"\n", p.Name, "gfs2_tool "+action)
		return 1
	default:
		return t.finish(t.die(fmtUnknownAction, action))
	}
}

// journals is misc.c's print_journals: a line per journal of the file
// system mounted at args[0], with its size, and their count.
func (t *tool) journals(args []string, debug bool) error {
	if len(args) == 0 {
		// open(NULL) fails, and glibc prints the NULL as "(null)".
		return t.die(fmtCantOpenRoot, "(null)", "Bad address")
	}
	s, err := Load(t.p.Host.Lab)
	if err != nil {
		return err
	}
	m, err := t.mountedAt(s, args[0])
	if err != nil {
		return err
	}
	if debug {
		t.printf(msgAdminLock)
		t.printf(msgGotIt)
	}
	names := make([]string, len(m.FS.Journals))
	size := map[string]int{}
	for i, mb := range m.FS.Journals {
		names[i] = fmt.Sprintf("journal%d", i)
		size[names[i]] = mb
	}
	slices.SortFunc(names, compareDents)
	for _, n := range names {
		t.printf(fmtJournal, n, size[n])
	}
	t.printf(fmtJournalsFound, len(names))
	return nil
}

// compareDents orders directory entries as GFS2's readdir returns them:
// by the hash of the name (gfs2_disk_hash, the CRC-32 of IEEE 802.3),
// then by length, then bytewise.
func compareDents(a, b string) int {
	ha, hb := crc32.ChecksumIEEE([]byte(a)), crc32.ChecksumIEEE([]byte(b))
	switch {
	case ha < hb:
		return -1
	case ha > hb:
		return 1
	case len(a) != len(b):
		return len(a) - len(b)
	}
	return bytes.Compare([]byte(a), []byte(b))
}
