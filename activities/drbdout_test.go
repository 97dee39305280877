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
