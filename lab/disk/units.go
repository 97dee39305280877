package disk

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Parted's units, by the names it prints and parses (SI, as parted 1.8's
// "compact" unit uses).
var unitBytes = map[string]float64{
	"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
	"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
}

// formatBytes is parted 1.8.1's ped_unit_format_custom_byte for the compact
// unit: the largest SI unit of which the value is at least 10.
func formatBytes(b int64) string {
	unit := "B"
	switch {
	case b >= 10e12:
		unit = "TB"
	case b >= 10e9:
		unit = "GB"
	case b >= 10e6:
		unit = "MB"
	case b >= 10e3:
		unit = "kB"
	}
	return formatIn(b, unit)
}

// formatIn prints a byte count in a unit with two, one or no decimals for
// values below 10, below 100 and above, rounding as parted does (it nudges
// by 1+epsilon so that 100.5 rounds up).
func formatIn(b int64, unit string) string {
	d := float64(b) / unitBytes[unit] * (1 + 2.220446049250313e-16)
	w := d + 0.5
	switch {
	case d < 10:
		w = d + 0.005
	case d < 100:
		w = d + 0.05
	}
	prec := 0
	switch {
	case w < 10:
		prec = 2
	case w < 100:
		prec = 1
	}
	return strconv.FormatFloat(d, 'f', prec, 64) + unit
}

// format prints a position or size in sectors in the session's unit.
func format(sectors int64, unit string) string {
	switch unit {
	case "s":
		return fmt.Sprintf("%ds", sectors)
	case "B":
		return fmt.Sprintf("%dB", sectors*512)
	case "compact", "":
		return formatBytes(sectors * 512)
	}
	return formatIn(sectors*512, unit)
}

func validUnit(u string) bool {
	_, ok := unitBytes[u]
	return ok || u == "s" || u == "compact"
}

// location parses a position as mkpart takes it: a number in the session's
// unit (megabytes for compact) or with its own, negative counting from the
// end of the disk. It returns the sector and how far parted may move it:
// half a unit either way, nothing for sectors.
func location(s, unit string, disk int64) (sector, radius int64, err error) {
	num, suffix := s, ""
	if i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' && r != '-' }); i >= 0 {
		num, suffix = s[:i], s[i:]
	}
	v, perr := strconv.ParseFloat(num, 64)
	if perr != nil || num == "" {
		return 0, 0, partedf(fmtBadNumber, s)
	}
	if suffix == "" {
		suffix = unit
	}
	if suffix == "compact" || suffix == "" {
		suffix = "MB"
	}
	var size float64
	switch suffix {
	case "s":
		size = 512
	case "%":
		size = float64(disk*512) / 100
	default:
		b, ok := unitBytes[suffix]
		if !ok {
			return 0, 0, partedf(fmtBadNumber, s)
		}
		size = b
	}
	bytes := v * size
	if v < 0 || (v == 0 && strings.HasPrefix(num, "-")) {
		bytes = float64(disk*512) + bytes
	}
	sector = int64(math.Floor(bytes / 512))
	if suffix != "s" {
		radius = int64(size / 2 / 512)
	}
	return sector, radius, nil
}
