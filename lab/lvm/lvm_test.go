package lvm

import (
	"bytes"
	"strings"
	"testing"
)

func TestDisplaySize(t *testing.T) {
	mb := units{typ: 'm', suffix: true}
	for _, c := range []struct {
		sectors int64
		sl      sizeLen
		u       units
		want    string
	}{
		{2096944, sizeShort, humanUnits, "1023.90 MB"}, // a GNBD of a 1 GiB DRBD device
		{8192, sizeShort, humanUnits, "4.00 MB"},       // vgdisplay's PE Size
		{510 * 8192, sizeShort, humanUnits, "1.99 GB"},
		{765 * 8192, sizeShort, humanUnits, "2.99 GB"},
		{7984, sizeShort, humanUnits, "3.90 MB"},
		{0, sizeShort, humanUnits, "0   "}, // "Free  PE / Size       0 / 0   "
		{0, sizeUnit, humanUnits, "0 "},
		{255 * 8192, sizeUnit, humanUnits, "1020.00M"},
		{510 * 8192, sizeUnit, mb, "2040.00M"},
		{510 * 8192, sizeUnit, units{typ: 'm'}, "2040.00"},
		{8192, sizeLong, humanUnits, "4.00 Megabyte"},
		{1, sizeUnit, units{typ: 's', suffix: true}, "1S"},
	} {
		if got := displaySize(c.sectors, c.sl, c.u); got != c.want {
			t.Errorf("displaySize(%d, %d, %c): %q, want %q", c.sectors, c.sl, c.u.typ, got, c.want)
		}
	}
}

func TestParseConf(t *testing.T) {
	c := ParseConf([]byte(DefaultConf))
	if c != (Conf{LockingType: 1, FallbackToLocalLocking: true, FallbackToClusteredLocking: true}) {
		t.Errorf("default lvm.conf: %+v", c)
	}
	if n := strings.Count(DefaultConf, "\n    locking_type = 1\n"); n != 1 {
		t.Errorf("the default lvm.conf has %d locking_type = 1 lines", n)
	}
	edited := SetLockingType(DefaultConf, 3)
	if c := ParseConf([]byte(edited)); c.LockingType != 3 {
		t.Errorf("after SetLockingType 3: %+v", c)
	}
	if strings.Count(edited, "locking_type = 3") != 1 || len(edited) != len(DefaultConf) {
		t.Errorf("SetLockingType changed more than the line")
	}
	for text, want := range map[string]Conf{
		"":                                  {1, true, true},
		"global {\n# locking_type = 3\n}\n": {1, true, true},
		"global { locking_type = 3 fallback_to_local_locking = 0 }":                {3, false, true},
		"devices { locking_type = 3 }\nglobal {\n  locking_type=2 # external\n}\n": {2, true, true},
	} {
		if got := ParseConf([]byte(text)); got != want {
			t.Errorf("ParseConf(%q): %+v, want %+v", text, got, want)
		}
	}
	if got := SetLockingType("global {\n    umask = 077\n}\n", 3); got != "global {\n    locking_type = 3\n    umask = 077\n}\n" {
		t.Errorf("SetLockingType without the line: %q", got)
	}
}

func TestParseArgs(t *testing.T) {
	table := commands["lvcreate"].opts
	var stderr bytes.Buffer
	a, ok := parseArgs("lvcreate", []string{"--extent=510", "--name=LV0", "VG0"}, table, &stderr)
	if !ok || a.str("extents") != "510" || a.str("name") != "LV0" || strings.Join(a.operands, " ") != "VG0" {
		t.Errorf("--extent=510 --name=LV0 VG0: %+v %v", a, ok)
	}
	a, ok = parseArgs("lvcreate", []string{"VG0", "-l510", "-n", "LV0", "/dev/mapper/mpath0"}, table, &stderr)
	if !ok || a.str("extents") != "510" || a.str("name") != "LV0" || strings.Join(a.operands, " ") != "VG0 /dev/mapper/mpath0" {
		t.Errorf("-l510 -n LV0: %+v %v", a, ok)
	}
	a, ok = parseArgs("pvcreate", []string{"-ffy", "/dev/sdb"}, commands["pvcreate"].opts, &stderr)
	if !ok || a.count("force") != 2 || !a.has("yes") {
		t.Errorf("-ffy: %+v", a)
	}
	for _, c := range []struct{ argv, msg string }{
		{"--s=1G", "lvcreate: option `--s' is ambiguous\n"},
		{"--bogus", "lvcreate: unrecognized option `--bogus'\n"},
		{"-q", "lvcreate: invalid option -- q\n"},
		{"-l", "lvcreate: option requires an argument -- l\n"},
		{"--extents", "lvcreate: option `--extents' requires an argument\n"},
		{"--verbose=2", "lvcreate: option `--verbose' doesn't allow an argument\n"},
	} {
		stderr.Reset()
		if _, ok := parseArgs("lvcreate", strings.Fields(c.argv), table, &stderr); ok || stderr.String() != c.msg {
			t.Errorf("%s: ok %v, %q", c.argv, ok, stderr.String())
		}
	}
	for v, want := range map[string][3]bool{"y": {true, false, true}, "yl": {true, true, true}, "ln": {false, true, true}, "x": {}} {
		on, local, ok := activation(v)
		if [3]bool{on, local, ok} != want {
			t.Errorf("activation(%q): %v %v %v", v, on, local, ok)
		}
	}
}

func TestDMName(t *testing.T) {
	if got := DMName("VG0", "LV0"); got != "VG0-LV0" {
		t.Errorf("%q", got)
	}
	if got := DMName("my-vg", "lv-1"); got != "my--vg-lv--1" {
		t.Errorf("%q", got)
	}
}

func TestAllocate(t *testing.T) {
	vg := &VG{Name: "VG0", ExtentSize: ExtentSectors, PVs: []PVMD{{UUID: "a", PECount: 255}, {UUID: "b", PECount: 255}}}
	lv := LV{Name: "LV0"}
	if !allocate(vg, &lv, 510, nil) {
		t.Fatal("510 extents of two 255-extent PVs")
	}
	if len(lv.Segments) != 2 || lv.Segments[0] != (Segment{"a", 0, 255}) || lv.Segments[1] != (Segment{"b", 0, 255}) {
		t.Errorf("segments %+v", lv.Segments)
	}
	vg.LVs = append(vg.LVs, lv)
	if allocate(vg, &vg.LVs[0], 1, nil) {
		t.Error("an extent beyond the VG")
	}
	vg.PVs = append(vg.PVs, PVMD{UUID: "c", PECount: 255})
	if !allocate(vg, &vg.LVs[0], 10, nil) || !allocate(vg, &vg.LVs[0], 5, nil) {
		t.Fatal("extending onto a new PV")
	}
	if s := vg.LVs[0].Segments; len(s) != 3 || s[2] != (Segment{"c", 0, 15}) || vg.FreeCount() != 240 {
		t.Errorf("after extending: %+v, free %d", s, vg.FreeCount())
	}
	if vg.Allocated("c") != 15 || vg.ExtentCount() != 765 {
		t.Errorf("allocated %d of %d", vg.Allocated("c"), vg.ExtentCount())
	}
}

func TestDisplayBlocks(t *testing.T) {
	vg := &VG{Name: "VG0", UUID: "e3oZho-gy3y-g3Gy-WrVC-8wNJ-CfzI-bfhTzb", Clustered: true, Seqno: 2, ExtentSize: ExtentSectors,
		PVs: []PVMD{{UUID: "6PiOSc-z6l0-WVuw-qJ7t-7z75-7aZZ-RpB7XZ", DevSize: 2096944, PECount: 255, PEStart: PEStart}}}
	vg.LVs = []LV{{Name: "LV0", UUID: "GXkwrN-U5nr-a2Lj-Sa8J-twnp-aIsn-oxxDSr", Segments: []Segment{{vg.PVs[0].UUID, 0, 200}}}}
	l := &Label{UUID: vg.PVs[0].UUID, Sectors: 2096944}
	want := "  --- Physical volume ---\n" +
		"  PV Name               /dev/mapper/mpath0\n" +
		"  VG Name               VG0\n" +
		"  PV Size               1023.90 MB / not usable 3.90 MB\n" +
		"  Allocatable           yes \n" +
		"  PE Size (KByte)       4096\n" +
		"  Total PE              255\n" +
		"  Free PE               55\n" +
		"  Allocated PE          200\n" +
		"  PV UUID               6PiOSc-z6l0-WVuw-qJ7t-7z75-7aZZ-RpB7XZ\n" +
		"   \n"
	if got := pvDisplay(pvView{Name: "/dev/mapper/mpath0", Label: l, VG: vg, MD: &vg.PVs[0], Sectors: 2096944}); got != want {
		t.Errorf("pvdisplay:\n%s\nwant\n%s", got, want)
	}
	want = "  \"/dev/xvdb\" is a new physical volume of \"1.00 GB\"\n" +
		"  --- NEW Physical volume ---\n" +
		"  PV Name               /dev/xvdb\n" +
		"  VG Name               \n" +
		"  PV Size               1.00 GB\n" +
		"  Allocatable           NO\n" +
		"  PE Size (KByte)       0\n" +
		"  Total PE              0\n" +
		"  Free PE               0\n" +
		"  Allocated PE          0\n" +
		"  PV UUID               6PiOSc-z6l0-WVuw-qJ7t-7z75-7aZZ-RpB7XZ\n" +
		"   \n"
	if got := pvDisplay(pvView{Name: "/dev/xvdb", Label: &Label{UUID: l.UUID, Sectors: 2097152}, Sectors: 2097152}); got != want {
		t.Errorf("pvdisplay of an orphan:\n%s\nwant\n%s", got, want)
	}
	want = "  --- Logical volume ---\n" +
		"  LV Name                /dev/VG0/LV0\n" +
		"  VG Name                VG0\n" +
		"  LV UUID                GXkwrN-U5nr-a2Lj-Sa8J-twnp-aIsn-oxxDSr\n" +
		"  LV Write Access        read/write\n" +
		"  LV Status              available\n" +
		"  # open                 1\n" +
		"  LV Size                800.00 MB\n" +
		"  Current LE             200\n" +
		"  Segments               1\n" +
		"  Allocation             inherit\n" +
		"  Read ahead sectors     auto\n" +
		"  - currently set to     256\n" +
		"  Block device           253:2\n" +
		"   \n"
	if got := lvDisplay(vg, &vg.LVs[0], lvInfo{Active: true, Open: 1, Major: 253, Minor: 2}); got != want {
		t.Errorf("lvdisplay:\n%s\nwant\n%s", got, want)
	}
	if got := lvDisplay(vg, &vg.LVs[0], lvInfo{}); !strings.Contains(got, "  LV Status              NOT available\n  LV Size") || strings.Contains(got, "Block device") {
		t.Errorf("lvdisplay of an inactive LV:\n%s", got)
	}
	got := vgDisplay(vg, 1)
	for _, line := range []string{"  Clustered             yes\n  Shared                no\n", "  Open LV               1\n",
		"  VG Size               1020.00 MB\n", "  Alloc PE / Size       200 / 800.00 MB\n", "  Free  PE / Size       55 / 220.00 MB\n"} {
		if !strings.Contains(got, line) {
			t.Errorf("vgdisplay has no %q:\n%s", line, got)
		}
	}
}

func TestReportLayout(t *testing.T) {
	fs, bad := parseFields(lvsReport, "")
	if bad != "" {
		t.Fatal(bad)
	}
	got := formatReport(fs, [][]string{{"LV0", "VG0", "-wi-ao", "1.99G", "", "", "", "", ""}}, reportOpts{})
	want := "  LV   VG   Attr   LSize  Origin Snap%  Move Log Copy% \n" +
		"  LV0  VG0  -wi-ao  1.99G                              \n"
	if got != want {
		t.Errorf("lvs:\n%q\nwant\n%q", got, want)
	}
	fs, _ = parseFields(vgsReport, "name,attr,size")
	got = formatReport(fs, [][]string{{"VG0", "wz--nc", "1.99G"}}, reportOpts{noHeadings: true, separator: ":"})
	if got != "  VG0:wz--nc:1.99G\n" {
		t.Errorf("vgs -o name,attr,size --separator: %q", got)
	}
	if _, bad := parseFields(pvsReport, "pv_name,bogus"); bad != "bogus" {
		t.Errorf("an unknown field: %q", bad)
	}
}
