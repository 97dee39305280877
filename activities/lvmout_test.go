package activities

import "testing"

const lvdisplay = `  --- Logical volume ---
  LV Name                /dev/VG0/LV0
  VG Name                VG0
  LV UUID                s1RcrS-MkJY-1P5b-wFyM-lb0K-P2vE-6WeVlH
  LV Write Access        read/write
  LV Status              available
  # open                 0
  LV Size                1.99 GB
  Current LE             510
  Segments               2
  Allocation             inherit
  Read ahead sectors     auto
  - currently set to     256
  Block device           253:2
   
`

func TestParseDisplay(t *testing.T) {
	blocks, err := ParseDisplay(lvdisplay)
	if err != nil || len(blocks) != 1 {
		t.Fatalf("%v, %v", blocks, err)
	}
	for key, want := range map[string]string{
		"LV Name": "/dev/VG0/LV0", "LV UUID": "s1RcrS-MkJY-1P5b-wFyM-lb0K-P2vE-6WeVlH", "LV Status": "available",
		"Current LE": "510", "# open": "0", "- currently set to": "256",
	} {
		if got := blocks[0][key]; got != want {
			t.Errorf("%q = %q, want %q", key, got, want)
		}
	}
	if _, err := ParseDisplay("  No volume groups found\n"); err == nil {
		t.Error("a message parsed as a block")
	}
}
