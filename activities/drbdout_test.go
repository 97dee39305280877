package activities

import (
	"testing"
)

// PROCEDURES.md, part #2b, during the initial sync.
const procDRBDSyncing = `version: 8.2.6 (api:88/proto:86-88)
GIT-hash: 3e69822d3bb4920a8c1bfdf7d647169eba7d2eb4 build by buildsvn@c5-i386-build, 2008-10-03 11:42:32
 0: cs:SyncSource st:Primary/Secondary ds:UpToDate/Inconsistent C r---
    ns:40340 nr:0 dw:0 dr:40340 al:0 bm:2 lo:0 pe:0 ua:0 ap:0 oos:1008132
	[>....................] sync'ed:  4.0% (1008036/1048472)K
	finish: 0:01:38 speed: 10,108 (10,108) K/sec
`

func TestParseProcDRBD(t *testing.T) {
	got, err := ParseProcDRBD(procDRBDSyncing)
	if err != nil {
		t.Fatal(err)
	}
	want := DRBDStatus{Minor: 0, Connection: "SyncSource", Role: "Primary", PeerRole: "Secondary", Disk: "UpToDate", PeerDisk: "Inconsistent",
		Syncing: true, Percent: 4.0, LeftKB: 1008036, TotalKB: 1048472, Finish: "0:01:38", SpeedKBps: 10108}
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	done, err := ParseProcDRBD("version: 8.2.6 (api:88/proto:86-88)\nGIT-hash: x\n 0: cs:Connected st:Primary/Primary ds:UpToDate/UpToDate C r---\n    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 oos:0\n")
	if err != nil || len(done) != 1 || !done[0].InSync() || done[0].Syncing || done[0].PeerRole != "Primary" {
		t.Errorf("in sync: %+v, %v", done, err)
	}
	if none, err := ParseProcDRBD("version: 8.2.6 (api:88/proto:86-88)\nGIT-hash: x\n"); err != nil || len(none) != 0 {
		t.Errorf("no resources: %+v, %v", none, err)
	}
	if _, err := ParseProcDRBD("cat: /proc/drbd: No such file or directory\n"); err == nil {
		t.Error("an error message parsed as /proc/drbd")
	}
}

// PROCEDURES.md, part #3.
const exportList = `Server[1] : gnbd0a
--------------------------
      file : /dev/drbd0
   sectors : 2096944
  readonly : no
    cached : no
   timeout : 60
       uid : 0

`

const importList = `Device name : gnbd0a
----------------------
    Minor # : 0
 sysfs name : /block/gnbd0
     Server : storage0a.example.org
       Port : 14567
      State : Close Connected Clear
   Readonly : No
    Sectors : 2096944

Device name : gnbd0b
----------------------
    Minor # : 1
 sysfs name : /block/gnbd1
     Server : storage0b.example.org
       Port : 14567
      State : Close Connected Clear
   Readonly : No
    Sectors : 2096944
`

func TestParseGNBDLists(t *testing.T) {
	ex, err := ParseGNBDExports(exportList)
	if err != nil || len(ex) != 1 || ex[0] != (GNBDExport{Name: "gnbd0a", File: "/dev/drbd0", Sectors: 2096944, UID: "0"}) {
		t.Errorf("exports: %+v, %v", ex, err)
	}
	im, err := ParseGNBDImports(importList)
	if err != nil || len(im) != 2 {
		t.Fatalf("imports: %+v, %v", im, err)
	}
	if want := (GNBDImport{Name: "gnbd0b", Minor: 1, Server: "storage0b.example.org", State: "Close Connected Clear", Sectors: 2096944}); im[1] != want || !im[1].Connected() {
		t.Errorf("import: %+v, want %+v", im[1], want)
	}
	if _, err := ParseGNBDImports("Device name : x\n    Minor # : nope\n"); err == nil {
		t.Error("a malformed block parsed")
	}
}

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
