package activities

import (
	"testing"
)

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
