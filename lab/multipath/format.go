package multipath

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/gnbd"
)

// The ways multipath prints a map's topology.
type view int

const (
	viewList     view = iota // -l: kernel state only, the checkers not run
	viewListLong             // -ll: the path checkers' verdicts and priorities too
	viewChange               // a map just created or reloaded
)

// formatSize is print.c's snprint_size: the size in the largest unit under
// 1024, computed in single precision, with one decimal below 10.
func formatSize(sectors int64) string {
	s := float32(sectors >> 1) // KiB
	units := "KMGTP"
	u := 0
	for s >= 1024 && u < len(units)-1 {
		s /= 1024
		u++
	}
	if s < 10 {
		return fmt.Sprintf("%.1f%c", s, units[u])
	}
	return fmt.Sprintf("%.0f%c", s, units[u])
}

// topology formats maps as multipath does, the dev and dev_t columns of
// the paths padded to the widest of all paths printed.
func topology(events []event, v view, devs map[string]gnbd.Device) string {
	devW, devtW := 0, 0
	for _, e := range events {
		for _, p := range e.m.Paths {
			devW = max(devW, len(p))
			devtW = max(devtW, len(devT(p, devs)))
		}
	}
	var b strings.Builder
	for _, e := range events {
		m := e.m
		action, wwid, sysfs := "", "", m.DM()
		if e.action != "" {
			action = e.action + ": "
		}
		if m.Name != m.WWID {
			wwid = " (" + m.WWID + ")"
		}
		if e.action == actionCreate {
			sysfs = stateUndef // not loaded yet when printed
		}
		fmt.Fprintf(&b, fmtMapLine+"\n", action, m.Name, wwid, sysfs, vendorGNBD)
		fmt.Fprintf(&b, fmtMapProps+"\n", formatSize(m.Sectors), features, hwHandler)
		prio, pgState := 0, stateActive
		var lines []string
		for _, p := range m.Paths {
			d, ok := devs[p]
			// up is the checker's verdict, read from the device; the
			// kernel's state is failed too for a path it failed.
			up := ok && d.Connected
			dm, chk := stateActive, stateUndef
			switch {
			case v == viewChange:
				dm, chk = stateUndef, checkReady
			case !up || slices.Contains(m.Failed, p):
				dm = stateFailed
			}
			if v == viewListLong {
				chk = checkReady
				if !up {
					chk = checkFaulty
				}
			}
			if v != viewList && up {
				prio++ // each path's default priority is 1
			}
			lines = append(lines, fmt.Sprintf(fmtPathLine, hcilNone, devW, p, devtW, devT(p, devs), dm, chk))
		}
		if v == viewChange {
			pgState = stateUndef
		}
		fmt.Fprintf(&b, fmtPGLine+"\n", selector, prio, pgState)
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// devT is a path's major:minor, "#:#" once its device is gone.
func devT(p string, devs map[string]gnbd.Device) string {
	d, ok := devs[p]
	if !ok {
		return "#:#"
	}
	return fmt.Sprintf("%d:%d", gnbd.Major, d.Minor)
}
