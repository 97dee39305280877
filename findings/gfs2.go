package findings

import (
	"fmt"
	"slices"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// gfs2Findings are a client's mount of the file system.
func gfs2Findings(e Expect, ins *activities.Inspection) []Finding {
	g := e.GFS2
	if g == nil {
		return nil
	}
	if mounts(g, ins) {
		return nil
	}
	return []Finding{{Code: GFS2NotMounted, Host: e.Host, Layer: LayerGFS2, Severity: Critical,
		Summary:  g.Device + " is not mounted on " + g.Mountpoint,
		Evidence: shown(ins.MountsOutput, g.Mountpoint, "gfs2"),
		Repair:   Repair{Kind: Safe, Action: "mount -t gfs2 " + g.Device + " " + g.Mountpoint}}}
}

// mounts reports whether the host has the runbook's file system mounted
// where the runbook wants it.
func mounts(g *GFS2Expect, ins *activities.Inspection) bool {
	return slices.ContainsFunc(ins.Mounts, func(m activities.Mount) bool {
		return m.Type == "gfs2" && m.Dir == g.Mountpoint && (m.Device == g.Device || m.Device == g.Mapper)
	})
}

// journalFindings are the file systems with fewer journals than the
// clients the runbook has mount them: each mount holds a journal of its
// own, and mount.gfs2 refuses a client when none is free. The journals are
// counted as gfs2_tool journals lists them on a client that has the file
// system mounted; a file system mounted nowhere is not counted. One
// finding per file system, on the first such client by name, so that the
// report does not depend on the hosts' order: fileSystems (split.go) finds
// that client and counts the clients, part by part, and Across adds them.
func journalFindings(fss []FileSystem) []Finding {
	var fs []Finding
	for _, f := range fss {
		l := f.Listed
		if l == nil || l.Journals >= f.Clients {
			continue
		}
		more := f.Clients - l.Journals
		fs = append(fs, Finding{Code: GFS2FewJournals, Host: l.Host, Layer: LayerGFS2, Severity: Critical,
			Summary:  fmt.Sprintf("%s has %d journals for the %d clients that mount it: a client finds none free, and mount.gfs2 refuses it", f.Device, l.Journals, f.Clients),
			Evidence: shown(l.Output),
			Repair: Repair{Kind: Manual, Action: fmt.Sprintf("gfs2_jadd -j %d %s on %s, if the file system has room for %d more journals of 128 MB (the build adds none: mkfs.gfs2 -j makes them once)",
				more, l.Mountpoint, l.Host, more)}})
	}
	return fs
}
