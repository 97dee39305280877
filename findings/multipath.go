package findings

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// multipathFindings are a client's multipathd, multipath.conf and maps.
func multipathFindings(e Expect, ins *activities.Inspection) []Finding {
	if len(e.Maps) == 0 {
		return nil
	}
	f := func(code Code, sev Severity, summary string, ev []activities.Evidence, r Repair) Finding {
		return Finding{Code: code, Host: e.Host, Layer: LayerMultipath, Severity: sev, Summary: summary, Evidence: ev, Repair: r}
	}
	reconfigure := Repair{Kind: Safe, Action: "enable multipath.conf and restart multipathd (Multipath)"}
	var fs []Finding
	if file := ins.File(activities.MultipathConfPath); !file.Exists || activities.EnableMultipath(file.Content) != file.Content {
		fs = append(fs, f(MultipathConfDrift, Warning, activities.MultipathConfPath+" is not as the build leaves it: its blacklist of every device is back",
			fileEvidence(file, "blacklist", "devnode"), reconfigure))
	}
	if !ins.MultipathdRunning {
		fs = append(fs, f(MultipathdDown, Critical, "multipathd is not running: a failed path is not restored", shown(ins.Multipathd),
			Repair{Kind: Safe, Action: "/etc/init.d/multipathd start"}))
	}
	for _, m := range e.Maps {
		uid := strconv.Itoa(m.UID)
		i := slices.IndexFunc(ins.Maps, func(x activities.MultipathMap) bool { return x.UID == uid })
		if i < 0 {
			fs = append(fs, f(MapMissing, Critical, fmt.Sprintf("no multipath map for uid %d (exports %v)", m.UID, m.Exports), shown(ins.MapsOutput), reconfigure))
			continue
		}
		mp := ins.Maps[i]
		if len(mp.Paths) < len(m.Exports) {
			own := []string{mp.Name} // the map's lines, not its neighbours' paths
			for _, p := range mp.Paths {
				own = append(own, p.Device)
			}
			fs = append(fs, f(PathsMissing, Critical, fmt.Sprintf("map %s has %d of its %d paths", mp.Name, len(mp.Paths), len(m.Exports)),
				shown(ins.MapsOutput, own...), Repair{Kind: Safe, Action: "import the missing export (gnbd_import -i), then multipath"}))
		}
		for _, p := range mp.Paths {
			if p.State != "active" {
				fs = append(fs, f(PathFailed, Critical, fmt.Sprintf("path %s of map %s is %s", p.Device, mp.Name, p.State),
					shown(ins.MapsOutput, mp.Name, p.Device), Repair{Kind: Safe, Action: "restore the path's import (gnbd_import -i), then multipathd reinstates it"}))
			}
		}
	}
	return fs
}
