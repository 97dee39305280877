package activities

import (
	"fmt"
	"regexp"
	"strings"
)

// MultipathMap is one map of `multipath -l`.
type MultipathMap struct {
	Name  string          `json:"name"`
	UID   string          `json:"uid"`
	DM    string          `json:"dm"`
	Paths []MultipathPath `json:"paths"`
}

// MultipathPath is one path of a map.
type MultipathPath struct {
	Device string `json:"device"` // gnbd0
	DevNum string `json:"devnum"` // 252:0
	State  string `json:"state"`  // active, failed
}

var (
	mpathHeader = regexp.MustCompile(`^(\S+) \((\S+)\) (dm-\d+)`)
	mpathPath   = regexp.MustCompile(`^ \\_ \S+\s+(\S+)\s+(\d+:\d+)\s+\[(\w+)\]`)
)

// ParseMultipath reads `multipath -l` (device-mapper-multipath 0.4.7):
//
//	mpath0 (0) dm-0 GNBD,GNBD
//	[size=1024M][features=0][hwhandler=0]
//	\_ round-robin 0 [prio=0][active]
//	 \_ #:#:#:# gnbd0 252:0 [active][undef]
func ParseMultipath(text string) ([]MultipathMap, error) {
	var out []MultipathMap
	for _, line := range strings.Split(text, "\n") {
		if m := mpathHeader.FindStringSubmatch(line); m != nil {
			out = append(out, MultipathMap{Name: m[1], UID: m[2], DM: m[3]})
			continue
		}
		if m := mpathPath.FindStringSubmatch(line); m != nil {
			if len(out) == 0 {
				return nil, fmt.Errorf("multipath -l: path before any map: %q", line)
			}
			cur := &out[len(out)-1]
			cur.Paths = append(cur.Paths, MultipathPath{Device: m[1], DevNum: m[2], State: m[3]})
		}
	}
	return out, nil
}

// blacklistAll matches the default configuration's active block that
// blacklists every device.
var blacklistAll = regexp.MustCompile(`(?m)^blacklist\s*\{\s*\n\s*devnode\s+"\*"\s*\n\s*\}[ \t]*$`)

// EnableMultipath comments out the default `blacklist { devnode "*" }`
// block, which is all part #4 changes in the file.
func EnableMultipath(conf string) string {
	return blacklistAll.ReplaceAllStringFunc(conf, func(block string) string {
		lines := strings.Split(block, "\n")
		for i, l := range lines {
			lines[i] = "#" + l
		}
		return strings.Join(lines, "\n")
	})
}

// badConfig is how multipathd says it cannot use its configuration, which
// no retry mends.
var badConfig = regexp.MustCompile(`(?i)(error parsing config|invalid keyword)`)
