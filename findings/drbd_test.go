package findings_test

import (
	"fmt"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/findings"
)

// /proc/drbd resource lines of a pair apart (lab/drbd): a side without
// its net part prints no protocol.
const (
	standAlone   = " 0: cs:StandAlone st:Primary/Unknown ds:UpToDate/DUnknown   r---"
	waiting      = " 0: cs:WFConnection st:Primary/Unknown ds:UpToDate/DUnknown C r---"
	unconfigured = " 0: cs:Unconfigured"
)

// drbdState sets a storage host's /proc/drbd to these lines.
func drbdState(s *stack, name string, lines ...string) {
	s.on(name).prints("cat /proc/drbd", 0, procDRBD(lines...))
}

// demote is drbdadm secondary r0 on a host: its peer sees it Secondary.
func demote(s *stack, name string) {
	h := s.on(name)
	h.editOutput("cat /proc/drbd", "st:Primary/Primary", "st:Secondary/Primary")
	s.on(short(h.expect.DRBD.Peer)).editOutput("cat /proc/drbd", "st:Primary/Primary", "st:Primary/Secondary")
}

var drbdDrifts = []drift{
	{
		name: "disconnected",
		breaks: func(s *stack) {
			drbdState(s, "storage0a", standAlone, drbdSource)
			drbdState(s, "storage0b", waiting, drbdTarget)
		},
		want: []want{
			{findings.DRBDStandAlone, "storage0a", findings.Critical, findings.Safe, []string{standAlone}},
			{findings.DRBDWaiting, "storage0b", findings.Warning, findings.Safe, []string{waiting}},
		},
	},
	{
		name: "split brain",
		breaks: func(s *stack) {
			drbdState(s, "storage1a", standAlone, "    ns:1048472 nr:0 dw:2048 dr:1048472 al:1 bm:64 lo:0 pe:0 ua:0 ap:0 oos:2048")
			drbdState(s, "storage1b", standAlone, "    ns:0 nr:1048472 dw:1050520 dr:0 al:1 bm:64 lo:0 pe:0 ua:0 ap:0 oos:1024")
			for _, h := range []string{"storage1a", "storage1b"} {
				s.on(h).prints("dmesg", 0, splitBrainLog(0))
			}
		},
		want: []want{
			{findings.DRBDSplitBrain, "storage1a", findings.Critical, findings.Destructive, []string{standAlone, "drbd0: Split-Brain detected, dropping connection!"}},
			{findings.DRBDSplitBrain, "storage1b", findings.Critical, findings.Destructive, []string{standAlone, "drbd0: Split-Brain detected, dropping connection!"}},
		},
	},
	{
		// A pair on another minor: /proc/drbd leaves a blank line for
		// the minor before it.
		name: "split brain on drbd1",
		breaks: func(s *stack) {
			for _, h := range []string{"storage1a", "storage1b"} {
				n := s.on(h)
				n.expect.DRBD.Resource.Device = "/dev/drbd1"
				n.expect.DRBD.Conf = activities.RenderDRBDConf([]activities.DRBDResource{n.expect.DRBD.Resource})
				n.files[activities.DRBDConfPath] = n.expect.DRBD.Conf
				n.prints("cat /proc/drbd", 0, procHeader+"\n 1: cs:StandAlone st:Primary/Unknown ds:UpToDate/DUnknown   r---\n"+
					"    ns:0 nr:0 dw:2048 dr:0 al:1 bm:64 lo:0 pe:0 ua:0 ap:0 oos:2048\n")
				n.prints("dmesg", 0, splitBrainLog(1))
			}
		},
		want: []want{
			{findings.DRBDSplitBrain, "storage1a", findings.Critical, findings.Destructive, []string{" 1: cs:StandAlone st:Primary/Unknown ds:UpToDate/DUnknown   r---"}},
			{findings.DRBDSplitBrain, "storage1b", findings.Critical, findings.Destructive, []string{" 1: cs:StandAlone st:Primary/Unknown ds:UpToDate/DUnknown   r---"}},
		},
	},
	{
		name: "down",
		breaks: func(s *stack) {
			drbdState(s, "storage0a", unconfigured)
			drbdState(s, "storage0b", waiting, drbdTarget)
		},
		want: []want{
			{findings.DRBDDown, "storage0a", findings.Critical, findings.Safe, []string{unconfigured}},
			{findings.DRBDWaiting, "storage0b", findings.Critical, findings.Safe, []string{waiting}},
		},
	},
	{
		name: "module unloaded",
		breaks: func(s *stack) {
			s.on("storage0b").drbdLoaded = false
			drbdState(s, "storage0a", waiting, drbdSource)
		},
		want: []want{
			{findings.DRBDDown, "storage0b", findings.Critical, findings.Safe, []string{"drbd: not loaded"}},
			{findings.DRBDWaiting, "storage0a", findings.Critical, findings.Safe, []string{waiting}},
		},
	},
	{
		// Part #2b, step 3: up, but the initial sync never started.
		name: "never synced",
		breaks: func(s *stack) {
			for _, h := range []string{"storage1a", "storage1b"} {
				drbdState(s, h, " 0: cs:Connected st:Secondary/Secondary ds:Inconsistent/Inconsistent C r---", "    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 oos:1048472")
			}
		},
		want: []want{
			{findings.DRBDNotUpToDate, "storage1a", findings.Critical, findings.Destructive, []string{" 0: cs:Connected st:Secondary/Secondary ds:Inconsistent/Inconsistent C r---"}},
			{findings.DRBDNotUpToDate, "storage1b", findings.Critical, findings.Destructive, []string{" 0: cs:Connected st:Secondary/Secondary ds:Inconsistent/Inconsistent C r---"}},
			{findings.DRBDNotPrimary, "storage1a", findings.Warning, findings.Safe, []string{" 0: cs:Connected st:Secondary/Secondary ds:Inconsistent/Inconsistent C r---"}},
			{findings.DRBDNotPrimary, "storage1b", findings.Warning, findings.Safe, []string{" 0: cs:Connected st:Secondary/Secondary ds:Inconsistent/Inconsistent C r---"}},
		},
	},
	{
		// Connected again after a disconnect: what changed resyncs,
		// both sides staying primary.
		name: "resyncing",
		breaks: func(s *stack) {
			drbdState(s, "storage0a", " 0: cs:SyncSource st:Primary/Primary ds:UpToDate/Inconsistent C r---",
				"    ns:40340 nr:0 dw:0 dr:40340 al:0 bm:2 lo:0 pe:0 ua:0 ap:0 oos:1008132",
				"\t[>....................] sync'ed:  4.0% (1008036/1048472)K",
				"\tfinish: 0:01:38 speed: 10,108 (10,108) K/sec")
			drbdState(s, "storage0b", " 0: cs:SyncTarget st:Primary/Primary ds:Inconsistent/UpToDate C r---",
				"    ns:0 nr:40340 dw:40340 dr:0 al:0 bm:2 lo:0 pe:0 ua:0 ap:0 oos:1008132",
				"\t[>....................] sync'ed:  4.0% (1008036/1048472)K",
				"\tfinish: 0:01:38 speed: 10,108 (10,108) K/sec")
		},
		want: []want{
			{findings.DRBDSyncing, "storage0a", findings.Info, findings.Manual, []string{" 0: cs:SyncSource st:Primary/Primary ds:UpToDate/Inconsistent C r---"}},
			{findings.DRBDSyncing, "storage0b", findings.Info, findings.Manual, []string{" 0: cs:SyncTarget st:Primary/Primary ds:Inconsistent/UpToDate C r---"}},
		},
	},
	{
		name:   "secondary",
		breaks: func(s *stack) { demote(s, "storage1b") },
		want:   []want{{findings.DRBDNotPrimary, "storage1b", findings.Warning, findings.Safe, []string{" 0: cs:Connected st:Secondary/Primary ds:UpToDate/UpToDate C r---"}}},
	},
	{
		name: "drbd.conf edited",
		breaks: func(s *stack) {
			s.on("storage0a").editFile(activities.DRBDConfPath, "common { syncer { rate 10M; } }", "common { syncer { rate 20M; } }")
		},
		want: []want{{findings.DRBDConfDrift, "storage0a", findings.Warning, findings.Safe, []string{"common { syncer { rate 20M; } }"}}},
	},
	{
		name:   "drbd.conf deleted",
		breaks: func(s *stack) { delete(s.on("storage1a").files, activities.DRBDConfPath) },
		want:   []want{{findings.DRBDConfDrift, "storage1a", findings.Warning, findings.Safe, []string{"cat: /etc/drbd.conf: No such file or directory"}}},
	},
}

func TestDRBDFindings(t *testing.T) { runDrifts(t, drbdDrifts) }

// splitBrainLog is what DRBD 8.2 logs on each side of a split brain
// (drbd_sync_handshake; lab/drbd), among the kernel's other messages.
func splitBrainLog(minor int) string {
	return fmt.Sprintf("drbd%d: conn( WFReportParams -> Connected ) pdsk( DUnknown -> UpToDate )\ndrbd%d: Split-Brain detected, dropping connection!\n", minor, minor)
}
