package findings_test

import (
	"testing"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/findings"
)

var multipathDrifts = []drift{
	{
		name: "multipathd dies",
		breaks: func(s *stack) {
			s.on("client0").prints("/etc/init.d/multipathd status", 2, "multipathd dead but subsys locked\n")
		},
		want: []want{{findings.MultipathdDown, "client0", findings.Critical, findings.Safe, []string{"multipathd dead but subsys locked"}}},
	},
	{
		name: "map gone",
		breaks: func(s *stack) {
			s.on("client1").prints("multipath -l", 0, `mpath0 (0) dm-0 GNBD,GNBD
[size=1024M][features=0][hwhandler=0]
\_ round-robin 0 [prio=0][active]
 \_ #:#:#:# gnbd0 252:0 [active][undef]
 \_ #:#:#:# gnbd1 252:1 [active][undef]
`)
		},
		want: []want{{findings.MapMissing, "client1", findings.Critical, findings.Safe, []string{"mpath0 (0) dm-0 GNBD,GNBD", ` \_ #:#:#:# gnbd1 252:1 [active][undef]`}}},
	},
	{
		// An I/O error: device-mapper fails the path, its import stays
		// connected (multipath -l runs no checker: [undef]).
		name:   "path failed",
		breaks: func(s *stack) { failPath(s, "client0", "gnbd1 252:1") },
		want:   []want{{findings.PathFailed, "client0", findings.Critical, findings.Safe, []string{"mpath0 (0) dm-0 GNBD,GNBD", ` \_ #:#:#:# gnbd1 252:1 [failed][undef]`}}},
	},
	{
		// A reload while gnbd0 was away: the map goes on without it.
		name: "path left out",
		breaks: func(s *stack) {
			s.on("client0").editOutput("multipath -l", " \\_ #:#:#:# gnbd0 252:0 [active][undef]\n", "")
		},
		want: []want{{findings.PathsMissing, "client0", findings.Critical, findings.Safe, []string{"mpath0 (0) dm-0 GNBD,GNBD", ` \_ #:#:#:# gnbd1 252:1 [active][undef]`}}},
	},
	{
		name:   "blacklist back",
		breaks: func(s *stack) { s.on("client0").files[activities.MultipathConfPath] = packagedMultipathConf },
		want:   []want{{findings.MultipathConfDrift, "client0", findings.Warning, findings.Safe, []string{"blacklist {", `        devnode "*"`}}},
	},
	{
		name:   "multipath.conf deleted",
		breaks: func(s *stack) { delete(s.on("client1").files, activities.MultipathConfPath) },
		want:   []want{{findings.MultipathConfDrift, "client1", findings.Warning, findings.Safe, []string{"cat: /etc/multipath.conf: No such file or directory"}}},
	},
}

func TestMultipathFindings(t *testing.T) { runDrifts(t, multipathDrifts) }
