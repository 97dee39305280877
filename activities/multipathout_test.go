package activities

import (
	"testing"
)

// PROCEDURES.md, part #4.
const multipathList = `mpath1 (1) dm-1 GNBD,GNBD
[size=1024M][features=0][hwhandler=0]
\_ round-robin 0 [prio=0][active]
 \_ #:#:#:# gnbd2 252:2 [active][undef]
 \_ #:#:#:# gnbd3 252:3 [active][undef]
mpath0 (0) dm-0 GNBD,GNBD
[size=1024M][features=0][hwhandler=0]
\_ round-robin 0 [prio=0][active]
 \_ #:#:#:# gnbd0 252:0 [active][undef]
 \_ #:#:#:# gnbd1 252:1 [active][undef]
`

func TestParseMultipath(t *testing.T) {
	maps, err := ParseMultipath(multipathList)
	if err != nil || len(maps) != 2 {
		t.Fatalf("%+v, %v", maps, err)
	}
	m := maps[1]
	if m.Name != "mpath0" || m.UID != "0" || m.DM != "dm-0" || len(m.Paths) != 2 || m.Paths[1] != (MultipathPath{Device: "gnbd1", DevNum: "252:1", State: "active"}) {
		t.Errorf("mpath0: %+v", m)
	}
}
