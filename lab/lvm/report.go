package lvm

import (
	"fmt"
	"strconv"
	"strings"
)

// The kinds of report: pvs, vgs, lvs.
type reportKind int

const (
	pvsReport reportKind = iota
	vgsReport
	lvsReport
)

// field is a report column as report/columns.h defines it: its name, the
// heading, the minimum width and whether it is a number (right-aligned).
type field struct {
	name    string
	heading string
	width   int
	num     bool
	kind    reportKind
}

var fields = []field{
	{"lv_uuid", "LV UUID", 38, false, lvsReport},
	{"lv_name", "LV", 4, false, lvsReport},
	{"lv_attr", "Attr", 4, false, lvsReport},
	{"lv_major", "Maj", 3, true, lvsReport},
	{"lv_minor", "Min", 3, true, lvsReport},
	{"lv_read_ahead", "Rahead", 6, true, lvsReport},
	{"lv_kernel_major", "KMaj", 4, true, lvsReport},
	{"lv_kernel_minor", "KMin", 4, true, lvsReport},
	{"lv_size", "LSize", 6, true, lvsReport},
	{"seg_count", "#Seg", 4, true, lvsReport},
	{"origin", "Origin", 6, false, lvsReport},
	{"snap_percent", "Snap%", 6, true, lvsReport},
	{"copy_percent", "Copy%", 6, true, lvsReport},
	{"move_pv", "Move", 4, false, lvsReport},
	{"lv_tags", "LV Tags", 7, false, lvsReport},
	{"mirror_log", "Log", 3, false, lvsReport},
	{"modules", "Modules", 7, false, lvsReport},
	{"segtype", "Type", 4, false, lvsReport},
	{"devices", "Devices", 5, false, lvsReport},

	{"pv_fmt", "Fmt", 3, false, pvsReport},
	{"pv_uuid", "PV UUID", 38, false, pvsReport},
	{"dev_size", "DevSize", 7, true, pvsReport},
	{"pv_name", "PV", 10, false, pvsReport},
	{"pe_start", "1st PE", 7, true, pvsReport},
	{"pv_size", "PSize", 6, true, pvsReport},
	{"pv_free", "PFree", 6, true, pvsReport},
	{"pv_used", "Used", 4, true, pvsReport},
	{"pv_attr", "Attr", 4, false, pvsReport},
	{"pv_pe_count", "PE", 3, true, pvsReport},
	{"pv_pe_alloc_count", "Alloc", 5, true, pvsReport},
	{"pv_tags", "PV Tags", 7, false, pvsReport},

	{"vg_fmt", "Fmt", 3, false, vgsReport},
	{"vg_uuid", "VG UUID", 38, false, vgsReport},
	{"vg_name", "VG", 4, false, vgsReport},
	{"vg_attr", "Attr", 5, false, vgsReport},
	{"vg_size", "VSize", 6, true, vgsReport},
	{"vg_free", "VFree", 6, true, vgsReport},
	{"vg_sysid", "SYS ID", 6, false, vgsReport},
	{"vg_extent_size", "Ext", 3, true, vgsReport},
	{"vg_extent_count", "#Ext", 4, true, vgsReport},
	{"vg_free_count", "Free", 4, true, vgsReport},
	{"max_lv", "MaxLV", 5, true, vgsReport},
	{"max_pv", "MaxPV", 5, true, vgsReport},
	{"pv_count", "#PV", 3, true, vgsReport},
	{"lv_count", "#LV", 3, true, vgsReport},
	{"snap_count", "#SN", 3, true, vgsReport},
	{"vg_seqno", "Seq", 3, true, vgsReport},
	{"vg_tags", "VG Tags", 7, false, vgsReport},
}

var defaultFields = map[reportKind]string{
	pvsReport: "pv_name,vg_name,pv_fmt,pv_attr,pv_size,pv_free",
	vgsReport: "vg_name,pv_count,lv_count,snap_count,vg_attr,vg_size,vg_free",
	lvsReport: "lv_name,vg_name,lv_attr,lv_size,origin,snap_percent,move_pv,mirror_log,copy_percent",
}

var kindPrefix = map[reportKind]string{pvsReport: "pv_", vgsReport: "vg_", lvsReport: "lv_"}

// lookupField finds a field a report of this kind may show: its own and
// those of its volume group; a name without its prefix is tried with it.
func lookupField(kind reportKind, name string) (field, bool) {
	for _, try := range []string{name, kindPrefix[kind] + name} {
		for _, f := range fields {
			if f.name == try && (f.kind == kind || f.kind == vgsReport) {
				return f, true
			}
		}
	}
	return field{}, false
}

// reportOpts are the options of pvs, vgs and lvs.
type reportOpts struct {
	fields     string
	noHeadings bool
	separator  string
	aligned    bool
	units      units
}

// parseFields resolves -o: a comma-separated list, or "+list" appended to
// the defaults.
func parseFields(kind reportKind, spec string) ([]field, string) {
	if spec == "" {
		spec = defaultFields[kind]
	} else if strings.HasPrefix(spec, "+") {
		spec = defaultFields[kind] + "," + spec[1:]
	}
	var out []field
	for _, name := range strings.Split(spec, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		f, ok := lookupField(kind, name)
		if !ok {
			return nil, name
		}
		out = append(out, f)
	}
	return out, ""
}

// formatReport lays out rows as libdevmapper's report does: headings
// left-aligned, numbers right-aligned, columns as wide as the widest of
// the field's minimum, its heading and its values, one space between
// columns; with a separator, no padding.
func formatReport(fs []field, rows [][]string, o reportOpts) string {
	var b strings.Builder
	padded := o.separator == "" || o.aligned
	sep := o.separator
	if sep == "" {
		sep = " "
	}
	widths := make([]int, len(fs))
	for i, f := range fs {
		widths[i] = max(f.width, len(f.heading))
		for _, r := range rows {
			widths[i] = max(widths[i], len(r[i]))
		}
	}
	write := func(cells []string, heading bool) {
		b.WriteString(prefix)
		for i, c := range cells {
			if i > 0 {
				b.WriteString(sep)
			}
			switch {
			case !padded:
				b.WriteString(c)
			case fs[i].num && !heading:
				fmt.Fprintf(&b, "%*s", widths[i], c)
			default:
				fmt.Fprintf(&b, "%-*s", widths[i], c)
			}
		}
		b.WriteString("\n")
	}
	if !o.noHeadings {
		var hs []string
		for _, f := range fs {
			hs = append(hs, f.heading)
		}
		write(hs, true)
	}
	for _, r := range rows {
		write(r, false)
	}
	return b.String()
}

// vgField is a VG's value for a vg_ field.
func vgField(name string, vg *VG, u units) string {
	switch name {
	case "vg_fmt":
		return "lvm2"
	case "vg_uuid":
		return vg.UUID
	case "vg_name":
		return vg.Name
	case "vg_attr":
		c := "-"
		if vg.Clustered {
			c = "c"
		}
		return "wz--n" + c
	case "vg_size":
		return displaySize(int64(vg.ExtentCount())*vg.ExtentSize, sizeUnit, u)
	case "vg_free":
		return displaySize(int64(vg.FreeCount())*vg.ExtentSize, sizeUnit, u)
	case "vg_sysid", "vg_tags":
		return ""
	case "vg_extent_size":
		return displaySize(vg.ExtentSize, sizeUnit, u)
	case "vg_extent_count":
		return strconv.Itoa(vg.ExtentCount())
	case "vg_free_count":
		return strconv.Itoa(vg.FreeCount())
	case "max_lv", "max_pv":
		return "0"
	case "pv_count":
		return strconv.Itoa(len(vg.PVs))
	case "lv_count":
		return strconv.Itoa(len(vg.LVs))
	case "snap_count":
		return "0"
	case "vg_seqno":
		return strconv.Itoa(vg.Seqno)
	}
	return ""
}

// pvField is a PV's value for a field of pvs.
func pvField(name string, v pvView, u units) string {
	if strings.HasPrefix(name, "vg_") || name == "lv_count" || name == "snap_count" || name == "max_lv" || name == "max_pv" {
		if v.VG == nil {
			return ""
		}
		return vgField(name, v.VG, u)
	}
	size := v.Sectors
	if v.MD != nil {
		size = int64(v.MD.PECount) * v.extentSize()
	}
	free := size
	if v.VG != nil {
		free = int64(v.peCount()-v.allocated()) * v.extentSize()
	}
	switch name {
	case "pv_fmt":
		return "lvm2"
	case "pv_uuid":
		return v.Label.UUID
	case "dev_size":
		return displaySize(v.Sectors, sizeUnit, u)
	case "pv_name":
		return v.Name
	case "pe_start":
		return displaySize(PEStart, sizeUnit, u)
	case "pv_size":
		return displaySize(size, sizeUnit, u)
	case "pv_free":
		return displaySize(free, sizeUnit, u)
	case "pv_used":
		return displaySize(size-free, sizeUnit, u)
	case "pv_attr":
		return "a-"
	case "pv_pe_count":
		return strconv.Itoa(v.peCount())
	case "pv_pe_alloc_count":
		return strconv.Itoa(v.allocated())
	}
	return ""
}

// lvRow is an LV as lvs shows it on one host: its PVs' device names there.
type lvRow struct {
	vg      *VG
	lv      *LV
	info    lvInfo
	pvNames map[string]string // PV UUID -> device
}

// lvField is an LV's value for a field of lvs.
func lvField(name string, r lvRow, u units) string {
	if f, ok := lookupField(vgsReport, name); ok && f.kind == vgsReport {
		return vgField(name, r.vg, u)
	}
	switch name {
	case "lv_uuid":
		return r.lv.UUID
	case "lv_name":
		return r.lv.Name
	case "lv_attr":
		a, o := "-", "-"
		if r.info.Active {
			a = "a"
			if r.info.Open > 0 {
				o = "o"
			}
		}
		return "-wi-" + a + o
	case "lv_major", "lv_minor":
		return "-1"
	case "lv_read_ahead":
		return "auto"
	case "lv_kernel_major":
		if r.info.Active {
			return strconv.Itoa(r.info.Major)
		}
		return "-1"
	case "lv_kernel_minor":
		if r.info.Active {
			return strconv.Itoa(r.info.Minor)
		}
		return "-1"
	case "lv_size":
		return displaySize(int64(r.lv.Extents())*r.vg.ExtentSize, sizeUnit, u)
	case "seg_count":
		return strconv.Itoa(len(r.lv.Segments))
	case "segtype":
		return "linear"
	case "devices":
		var ds []string
		for _, s := range r.lv.Segments {
			name := r.pvNames[s.PV]
			if name == "" {
				name = "unknown device"
			}
			ds = append(ds, fmt.Sprintf("%s(%d)", name, s.PE))
		}
		return strings.Join(ds, ",")
	}
	return ""
}
