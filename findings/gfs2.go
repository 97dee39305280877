package findings

import (
	"slices"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// gfs2Findings are a client's mount of the file system.
func gfs2Findings(e Expect, ins *activities.Inspection) []Finding {
	g := e.GFS2
	if g == nil {
		return nil
	}
	mounted := slices.ContainsFunc(ins.Mounts, func(m activities.Mount) bool {
		return m.Type == "gfs2" && m.Dir == g.Mountpoint && (m.Device == g.Device || m.Device == g.Mapper)
	})
	if mounted {
		return nil
	}
	return []Finding{{Code: GFS2NotMounted, Host: e.Host, Layer: LayerGFS2, Severity: Critical,
		Summary:  g.Device + " is not mounted on " + g.Mountpoint,
		Evidence: shown(ins.MountsOutput, g.Mountpoint, "gfs2"),
		Repair:   Repair{Kind: Safe, Action: "mount -t gfs2 " + g.Device + " " + g.Mountpoint}}}
}
