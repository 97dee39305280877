package lvm

import (
	"fmt"
	"strings"
	"unicode"
)

// sizeLen picks the suffix style of display_size: long names, the short
// " MB" of the display commands, or the one-letter unit of reports.
type sizeLen int

const (
	sizeLong sizeLen = iota
	sizeShort
	sizeUnit
)

// sizeStr is display.c's suffix table.
var sizeStr = [][3]string{
	{" Exabyte", " EB", "E"},
	{" Petabyte", " PB", "P"},
	{" Terabyte", " TB", "T"},
	{" Gigabyte", " GB", "G"},
	{" Megabyte", " MB", "M"},
	{" Kilobyte", " KB", "K"},
	{"", "", ""},
	{" Byte    ", " B ", "B"},
	{" Units   ", " Un", "U"},
	{" Sectors ", " Se", "S"},
	{"         ", "   ", " "},
}

// units is the --units setting and whether to print suffixes.
type units struct {
	typ    byte // 'h' (the default), 'H', or one of bBsSkKmMgGtTpPeE
	suffix bool
}

var humanUnits = units{typ: 'h', suffix: true}

// factor is the unit's size in bytes; lower-case letters are powers of
// 1024, upper-case of 1000, b and s bytes and sectors.
func (u units) factor() float64 {
	base := 1024.0
	if unicode.IsUpper(rune(u.typ)) {
		base = 1000
	}
	switch unicode.ToLower(rune(u.typ)) {
	case 'b':
		return 1
	case 's':
		return 512
	case 'k':
		return base
	case 'm':
		return base * base
	case 'g':
		return base * base * base
	case 't':
		return base * base * base * base
	case 'p':
		return base * base * base * base * base
	case 'e':
		return base * base * base * base * base * base
	}
	return 0
}

// validUnits tells whether --units accepts a letter.
func validUnits(s string) bool {
	return len(s) == 1 && strings.IndexByte("hHbBsSkKmMgGtTpPeE", s[0]) >= 0
}

// displaySize is display.c's display_size for a size in sectors: in human
// units the largest unit under 1024 with two decimals, else the unit
// asked for; 0 is "0" and the padding suffix.
func displaySize(sectors int64, sl sizeLen, u units) string {
	s := 0
	for ; s < 10; s++ {
		if sizeStr[s][2] != "" && byte(unicode.ToUpper(rune(u.typ))) == sizeStr[s][2][0] {
			break
		}
	}
	suffix := u.suffix
	if sectors == 0 {
		if suffix {
			return "0" + sizeStr[s][sl]
		}
		return "0"
	}
	size := float64(sectors) * 512
	var byteSize float64
	if s < 10 {
		byteSize = u.factor()
	} else {
		suffix = true
		unit := 1024.0
		if u.typ == 'H' {
			unit = 1000
		}
		byteSize = unit * unit * unit * unit * unit * unit
		s = 0
		for s < 10 && size < byteSize {
			s++
			byteSize /= unit
		}
	}
	precision := 2
	switch unicode.ToUpper(rune(u.typ)) {
	case 'B', 'S':
		precision = 0
	}
	out := fmt.Sprintf("%.*f", precision, size/byteSize)
	if suffix {
		out += sizeStr[s][sl]
	}
	return out
}

// pvView is a PV as a display or report command shows it on one host.
type pvView struct {
	Name    string // the device LVM reads it from
	Label   *Label
	VG      *VG   // nil for an orphan
	MD      *PVMD // the VG's record of it
	Sectors int64 // the device's size
}

func (v pvView) peCount() int {
	if v.MD == nil {
		return 0
	}
	return v.MD.PECount
}

func (v pvView) allocated() int {
	if v.VG == nil {
		return 0
	}
	return v.VG.Allocated(v.Label.UUID)
}

func (v pvView) extentSize() int64 {
	if v.VG == nil {
		return 0
	}
	return v.VG.ExtentSize
}

// pvDisplay is display.c's pvdisplay_full.
func pvDisplay(v pvView) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, prefix+format+"\n", args...) }
	if v.VG == nil {
		line(fmtNewPV, v.Name, displaySize(v.Sectors, sizeShort, humanUnits))
		line("--- NEW Physical volume ---")
	} else {
		line("--- Physical volume ---")
	}
	vgName := ""
	if v.VG != nil {
		vgName = v.VG.Name
	}
	line("PV Name               %s", v.Name)
	line("VG Name               %s", vgName)
	pvSize := v.Label.Sectors
	if v.MD != nil {
		pvSize = v.MD.DevSize
	}
	data := int64(v.peCount()) * v.extentSize()
	if data > 0 {
		size, unusable := pvSize, pvSize-data
		if pvSize <= data+PEStart {
			size = data + PEStart
			unusable = size - pvSize
		}
		line("PV Size               %s / not usable %s", displaySize(size, sizeShort, humanUnits), displaySize(unusable, sizeShort, humanUnits))
	} else {
		line("PV Size               %s", displaySize(pvSize, sizeShort, humanUnits))
	}
	free := v.peCount() - v.allocated()
	if v.peCount() > 0 {
		full := ""
		if free == 0 {
			full = "(but full)"
		}
		line("Allocatable           yes %s", full)
	} else {
		line("Allocatable           NO")
	}
	line("PE Size (KByte)       %d", v.extentSize()/2)
	line("Total PE              %d", v.peCount())
	line("Free PE               %d", free)
	line("Allocated PE          %d", v.allocated())
	line("PV UUID               %s", v.Label.UUID)
	line(" ")
	return b.String()
}

// vgDisplay is display.c's vgdisplay_full; openLVs are the VG's LVs open
// on the host.
func vgDisplay(vg *VG, openLVs int) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, prefix+format+"\n", args...) }
	line("--- Volume group ---")
	line("VG Name               %s", vg.Name)
	line("System ID             ")
	line("Format                lvm2")
	line("Metadata Areas        %d", len(vg.PVs))
	line("Metadata Sequence No  %d", vg.Seqno)
	line("VG Access             read/write")
	line("VG Status             resizable")
	if vg.Clustered {
		line("Clustered             yes")
		line("Shared                no")
	}
	line("MAX LV                0")
	line("Cur LV                %d", len(vg.LVs))
	line("Open LV               %d", openLVs)
	line("Max PV                0")
	line("Cur PV                %d", len(vg.PVs))
	line("Act PV                %d", len(vg.PVs))
	line("VG Size               %s", displaySize(int64(vg.ExtentCount())*vg.ExtentSize, sizeShort, humanUnits))
	line("PE Size               %s", displaySize(vg.ExtentSize, sizeShort, humanUnits))
	line("Total PE              %d", vg.ExtentCount())
	used := vg.ExtentCount() - vg.FreeCount()
	line("Alloc PE / Size       %d / %s", used, displaySize(int64(used)*vg.ExtentSize, sizeShort, humanUnits))
	line("Free  PE / Size       %d / %s", vg.FreeCount(), displaySize(int64(vg.FreeCount())*vg.ExtentSize, sizeShort, humanUnits))
	line("VG UUID               %s", vg.UUID)
	line(" ")
	return b.String()
}

// lvInfo is what the kernel tells of an LV on one host.
type lvInfo struct {
	Active       bool
	Open         int
	Major, Minor int
}

// lvDisplay is display.c's lvdisplay_full.
func lvDisplay(vg *VG, lv *LV, info lvInfo) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, prefix+format+"\n", args...) }
	line("--- Logical volume ---")
	line("LV Name                /dev/%s/%s", vg.Name, lv.Name)
	line("VG Name                %s", vg.Name)
	line("LV UUID                %s", lv.UUID)
	line("LV Write Access        read/write")
	if info.Active {
		line("LV Status              available")
		line("# open                 %d", info.Open)
	} else {
		line("LV Status              NOT available")
	}
	line("LV Size                %s", displaySize(int64(lv.Extents())*vg.ExtentSize, sizeShort, humanUnits))
	line("Current LE             %d", lv.Extents())
	line("Segments               %d", len(lv.Segments))
	line("Allocation             inherit")
	line("Read ahead sectors     auto")
	if info.Active {
		line("- currently set to     256")
		line("Block device           %d:%d", info.Major, info.Minor)
	}
	line(" ")
	return b.String()
}
