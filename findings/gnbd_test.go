package findings_test

import (
	"testing"

	"github.com/tetsuzuki/tetsuzuki/findings"
)

// failPath marks a path of the clients' maps failed in multipath -l, as
// device-mapper does when its import stops answering.
func failPath(s *stack, client, path string) {
	s.on(client).editOutput("multipath -l", path+" [active]", path+" [failed]")
}

var gnbdDrifts = []drift{
	{
		// Its exports go with it; the clients' imports of them
		// disconnect, and their paths fail.
		name: "gnbd_serv dies",
		breaks: func(s *stack) {
			s.on("storage0a").prints("gnbd_export -l", 1, "gnbd_export: ERROR error connecting to gnbd_serv: Connection refused\n")
			for _, c := range []string{"client0", "client1"} {
				s.on(c).prints("gnbd_import -l", 0, importList(map[string]string{"gnbd0a": "Open Disconnected Pending"}))
				failPath(s, c, "gnbd0 252:0")
			}
		},
		want: []want{
			{findings.GNBDServDown, "storage0a", findings.Critical, findings.Safe, []string{"gnbd_export: ERROR error connecting to gnbd_serv: Connection refused"}},
			{findings.GNBDExportMissing, "storage0a", findings.Critical, findings.Safe, []string{"gnbd_export: ERROR error connecting to gnbd_serv: Connection refused"}},
			{findings.GNBDImportDown, "client0", findings.Critical, findings.Safe, []string{"Device name : gnbd0a", "      State : Open Disconnected Pending"}},
			{findings.GNBDImportDown, "client1", findings.Critical, findings.Safe, []string{"Device name : gnbd0a", "      State : Open Disconnected Pending"}},
			{findings.PathFailed, "client0", findings.Critical, findings.Safe, []string{` \_ #:#:#:# gnbd0 252:0 [failed][undef]`}},
			{findings.PathFailed, "client1", findings.Critical, findings.Safe, []string{` \_ #:#:#:# gnbd0 252:0 [failed][undef]`}},
		},
	},
	{
		// gnbd_export -r -O gnbd1b: forced out under its importers.
		name: "export removed",
		breaks: func(s *stack) {
			s.on("storage1b").prints("gnbd_export -l", 0, "no exported GNBDs\n")
			for _, c := range []string{"client0", "client1"} {
				s.on(c).prints("gnbd_import -l", 0, importList(map[string]string{"gnbd1b": "Open Disconnected Pending"}))
				failPath(s, c, "gnbd3 252:3")
			}
		},
		want: []want{
			{findings.GNBDExportMissing, "storage1b", findings.Critical, findings.Safe, []string{"no exported GNBDs"}},
			{findings.GNBDImportDown, "client0", findings.Critical, findings.Safe, []string{"Device name : gnbd1b", "      State : Open Disconnected Pending"}},
			{findings.GNBDImportDown, "client1", findings.Critical, findings.Safe, []string{"Device name : gnbd1b", "      State : Open Disconnected Pending"}},
			{findings.PathFailed, "client0", findings.Critical, findings.Safe, []string{` \_ #:#:#:# gnbd3 252:3 [failed][undef]`}},
			{findings.PathFailed, "client1", findings.Critical, findings.Safe, []string{` \_ #:#:#:# gnbd3 252:3 [failed][undef]`}},
		},
	},
	{
		name:   "exported with the other pair's uid",
		breaks: func(s *stack) { s.on("storage0b").prints("gnbd_export -l", 0, exportList("gnbd0b", 1)) },
		want:   []want{{findings.GNBDExportWrongUID, "storage0b", findings.Critical, findings.Safe, []string{"Server[1] : gnbd0b ", "       uid : 1"}}},
	},
	{
		name: "import removed",
		breaks: func(s *stack) {
			c := s.on("client1")
			c.prints("gnbd_import -l", 0, importList(map[string]string{"gnbd1b": ""}))
			c.editOutput("multipath -l", " \\_ #:#:#:# gnbd3 252:3 [active][undef]\n", "")
		},
		want: []want{
			{findings.GNBDImportMissing, "client1", findings.Critical, findings.Safe, []string{"Device name : gnbd0a", "Device name : gnbd1a"}},
			{findings.PathsMissing, "client1", findings.Critical, findings.Safe, []string{"mpath1 (1) dm-1 GNBD,GNBD", ` \_ #:#:#:# gnbd2 252:2 [active][undef]`}},
		},
	},
	{
		// Its gnbd_recvd is gone while the server still exports.
		name: "import disconnected",
		breaks: func(s *stack) {
			s.on("client0").prints("gnbd_import -l", 0, importList(map[string]string{"gnbd1a": "Open Disconnected Pending"}))
			failPath(s, "client0", "gnbd2 252:2")
		},
		want: []want{
			{findings.GNBDImportDown, "client0", findings.Critical, findings.Safe, []string{"Device name : gnbd1a", "      State : Open Disconnected Pending"}},
			{findings.PathFailed, "client0", findings.Critical, findings.Safe, []string{"mpath1 (1) dm-1 GNBD,GNBD", ` \_ #:#:#:# gnbd2 252:2 [failed][undef]`}},
		},
	},
	{
		// No map holds it: the import reads Close.
		name: "unused import disconnected",
		breaks: func(s *stack) {
			s.on("client1").prints("gnbd_import -l", 0, importList(map[string]string{"gnbd0b": "Close Disconnected Clear"}))
		},
		want: []want{{findings.GNBDImportDown, "client1", findings.Critical, findings.Safe, []string{"Device name : gnbd0b", "      State : Close Disconnected Clear"}}},
	},
}

func TestGNBDFindings(t *testing.T) { runDrifts(t, gnbdDrifts) }
