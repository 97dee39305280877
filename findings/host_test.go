package findings_test

import (
	"slices"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/findings"
)

// hostDown is a storage host gone, agent and all: its DRBD peer waits for
// it and its cluster, two nodes without two_node, loses quorum; the
// clients' imports of its export disconnect, failing their paths.
func hostDown(s *stack, name string) {
	h := s.on(name)
	h.unreachable = true
	peer := s.on(short(h.expect.DRBD.Peer))
	peer.editOutput("cat /proc/drbd", connected, " 0: cs:WFConnection st:Primary/Unknown ds:UpToDate/DUnknown C r---")
	peer.editOutput("cman_tool status", "Nodes: 2", "Nodes: 1")
	peer.editOutput("cman_tool status", "Total votes: 2", "Total votes: 1")
	peer.editOutput("cman_tool status", "Quorum: 2  ", "Quorum: 2 Activity blocked")
	peer.editOutput("cman_tool nodes", "   M     24   2008-10-25 04:29:59  "+fqdn(name), "   X     24                        "+fqdn(name))
	export := h.expect.Exports[0].Name
	path := map[string]string{"gnbd0a": "gnbd0 252:0", "gnbd0b": "gnbd1 252:1", "gnbd1a": "gnbd2 252:2", "gnbd1b": "gnbd3 252:3"}[export]
	for _, c := range []string{"client0", "client1"} {
		s.on(c).prints("gnbd_import -l", 0, importList(map[string]string{export: "Open Disconnected Pending"}))
		s.on(c).editOutput("multipath -l", path+" [active]", path+" [failed]")
	}
}

// removePackage is rpm -e --nodeps: rpm -q no longer finds it.
func removePackage(s *stack, name, pkg string) {
	h := s.on(name)
	h.installed = slices.DeleteFunc(h.installed, func(p string) bool { return p == pkg })
}

var hostDrifts = []drift{
	{
		name:   "agent stopped",
		breaks: func(s *stack) { s.on("storage0a").unreachable = true },
		want:   []want{{findings.AgentUnreachable, "storage0a", findings.Critical, findings.Manual, nil}},
	},
	{
		name:   "host down",
		breaks: func(s *stack) { hostDown(s, "storage0a") },
		want: []want{
			{findings.AgentUnreachable, "storage0a", findings.Critical, findings.Manual, nil},
			{findings.NotQuorate, "storage0b", findings.Critical, findings.Manual, []string{"Total votes: 1", "Quorum: 2 Activity blocked"}},
			{findings.DRBDWaiting, "storage0b", findings.Critical, findings.Safe, []string{" 0: cs:WFConnection st:Primary/Unknown ds:UpToDate/DUnknown C r---"}},
			{findings.GNBDImportDown, "client0", findings.Critical, findings.Safe, []string{"Device name : gnbd0a", "      State : Open Disconnected Pending"}},
			{findings.GNBDImportDown, "client1", findings.Critical, findings.Safe, []string{"Device name : gnbd0a", "      State : Open Disconnected Pending"}},
			{findings.PathFailed, "client0", findings.Critical, findings.Safe, []string{"mpath0 (0) dm-0 GNBD,GNBD", ` \_ #:#:#:# gnbd0 252:0 [failed][undef]`}},
			{findings.PathFailed, "client1", findings.Critical, findings.Safe, []string{"mpath0 (0) dm-0 GNBD,GNBD", ` \_ #:#:#:# gnbd0 252:0 [failed][undef]`}},
		},
	},
	{
		name: "agent cannot look",
		breaks: func(s *stack) {
			s.on("client1").failure = "/etc/lvm/lvm.conf is not a regular file (a FIFO): a person must look"
		},
		want: []want{{findings.InspectFailed, "client1", findings.Critical, findings.Manual, nil}},
	},
	{
		// Its gfs2_tool goes with it, so client1 lists no journals; the
		// package is all there is, client0 counts the journals.
		name: "gfs2-utils removed",
		breaks: func(s *stack) {
			removePackage(s, "client1", "gfs2-utils")
			delete(s.on("client1").cmds, "gfs2_tool journals /mnt")
		},
		want: []want{{findings.PackageMissing, "client1", findings.Critical, findings.Safe, []string{"package gfs2-utils is not installed"}}},
	},
	{
		// The module stays loaded, /proc/drbd says what it said.
		name:   "kmod-drbd82-xen removed",
		breaks: func(s *stack) { removePackage(s, "storage1b", "kmod-drbd82-xen") },
		want:   []want{{findings.PackageMissing, "storage1b", findings.Critical, findings.Safe, []string{"package kmod-drbd82-xen is not installed"}}},
	},
	{
		// A package the host's roles do not need is not asked about.
		name:   "openais removed",
		breaks: func(s *stack) { removePackage(s, "client0", "openais") },
	},
}

func TestHostFindings(t *testing.T) { runDrifts(t, hostDrifts) }

func TestUnreachableHostHasNothingElse(t *testing.T) {
	// Whatever its tools would print, a host whose agent did not answer
	// has one finding, and no other host has one because of it.
	for _, name := range []string{"client0", "storage1b"} {
		s := healthyStack(t)
		h := s.on(name)
		h.unreachable = true
		h.files = nil
		h.cmds = nil
		h.installed = nil
		checkFindings(t, analyze(s, true), append(fencingOnAllBut(name), want{findings.AgentUnreachable, name, findings.Critical, findings.Manual, nil}))
	}
	s := healthyStack(t)
	s.on("storage0b").failure = "context deadline exceeded"
	s.on("storage0b").unreachable = true // unreachable wins: it never took the task
	checkFindings(t, analyze(s, false), []want{{findings.AgentUnreachable, "storage0b", findings.Critical, findings.Manual, nil}})
}

// fencingOnAllBut are the CLUSTER_NO_FENCING findings of the healthy stack
// but on a host.
func fencingOnAllBut(name string) []want {
	var ws []want
	for _, h := range []string{"client0", "client1", "storage0a", "storage0b", "storage1a", "storage1b"} {
		if h != name {
			ws = append(ws, want{findings.NoFencing, h, findings.Warning, findings.Manual, []string{"  <fencedevices/>"}})
		}
	}
	return ws
}
