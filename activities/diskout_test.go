package activities

import "testing"

func TestParseParted(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       PartedTable
	}{
		{"prepared", "\nDisk /dev/xvdb: 1074MB\nSector size (logical/physical): 512B/512B\nPartition Table: gpt\n\nNumber  Start   End     Size    File system  Name     Flags\n 1      17.4kB  1074MB  1074MB               primary  lvm  \n\n",
			PartedTable{SizeMB: "1074", GPT: true, Partitions: 1, LVMOne: true}},
		{"empty gpt", "\nDisk /dev/xvdb: 1074MB\nPartition Table: gpt\n\nNumber  Start  End  Size  File system  Name  Flags\n\n",
			PartedTable{SizeMB: "1074", GPT: true}},
		{"msdos in use", "\nDisk /dev/xvdb: 1074MB\nPartition Table: msdos\n\nNumber  Start   End     Size    Type     File system  Flags\n 1      32.3kB  500MB   500MB   primary  ext3\n 2      500MB   1074MB  574MB   primary  ext3\n\n",
			PartedTable{SizeMB: "1074", Partitions: 2}},
		{"no label", "Error: Unable to open /dev/xvdb - unrecognised disk label.\n", PartedTable{}},
	} {
		if got := ParseParted(tc.text); got != tc.want {
			t.Errorf("%s: ParseParted = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
