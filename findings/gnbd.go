package findings

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// gnbdFindings are a server's exports and a client's imports.
func gnbdFindings(e Expect, ins *activities.Inspection) []Finding {
	f := func(code Code, sev Severity, summary string, ev []activities.Evidence, r Repair) Finding {
		return Finding{Code: code, Host: e.Host, Layer: LayerGNBD, Severity: sev, Summary: summary, Evidence: ev, Repair: r}
	}
	var fs []Finding
	if len(e.Exports) > 0 && !ins.GNBDServing {
		fs = append(fs, f(GNBDServDown, Critical, "gnbd_serv is not running: nothing is exported", shown(ins.ExportsOutput),
			Repair{Kind: Safe, Action: "gnbd_serv, then export again (GNBDExport)"}))
	}
	for _, x := range e.Exports {
		// With gnbd_serv down every export is gone too: each is named, so
		// the report says what the clients lost.
		i := slices.IndexFunc(ins.Exports, func(g activities.GNBDExport) bool { return g.Name == x.Name })
		if i < 0 {
			fs = append(fs, f(GNBDExportMissing, Critical, "export "+x.Name+" of "+x.Device+" is missing", shown(ins.ExportsOutput, "Server["),
				Repair{Kind: Safe, Action: fmt.Sprintf("gnbd_export -d %s -e %s -u%d", x.Device, x.Name, x.UID)}))
			continue
		}
		if got := ins.Exports[i].UID; got != strconv.Itoa(x.UID) {
			// A wrong uid: the export is there, but multipath will not
			// take it as the same device as its pair's.
			fs = append(fs, f(GNBDExportWrongUID, Critical, fmt.Sprintf("export %s has uid %s, not %d: multipath will not join it with its pair", x.Name, got, x.UID),
				shown(ins.ExportsOutput, x.Name, "uid"), Repair{Kind: Safe, Action: fmt.Sprintf("gnbd_export -r %s; gnbd_export -d %s -e %s -u%d", x.Name, x.Device, x.Name, x.UID)}))
		}
	}
	for _, im := range e.Imports {
		if !ins.CmanRunning && e.Cluster != nil {
			// gnbd_import talks to the cluster to list its imports: with
			// cman down it says nothing, and cman's finding says why.
			break
		}
		i := slices.IndexFunc(ins.Imports, func(g activities.GNBDImport) bool { return g.Name == im.Name })
		if i < 0 {
			fs = append(fs, f(GNBDImportMissing, Critical, "export "+im.Name+" of "+im.Server+" is not imported", shown(ins.ImportsOutput, "Device name"),
				Repair{Kind: Safe, Action: "gnbd_import -i " + im.Server}))
			continue
		}
		if g := ins.Imports[i]; !g.Connected() {
			fs = append(fs, f(GNBDImportDown, Critical, fmt.Sprintf("import %s from %s is %q, not Connected", im.Name, im.Server, g.State),
				shown(ins.ImportsOutput, im.Name, "State : "+g.State), Repair{Kind: Safe, Action: "gnbd_import -i " + im.Server + " (once its server exports again)"}))
		}
	}
	return fs
}
