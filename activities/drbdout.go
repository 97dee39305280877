package activities

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// DRBDStatus is one resource of /proc/drbd, as DRBD 8.2 prints it:
//
//	0: cs:SyncSource st:Primary/Secondary ds:UpToDate/Inconsistent C r---
//	   ns:40340 nr:0 dw:0 dr:40340 al:0 bm:2 lo:0 pe:0 ua:0 ap:0 oos:1008132
//		[>....................] sync'ed:  4.0% (1008036/1048472)K
//		finish: 0:01:38 speed: 10,108 (10,108) K/sec
type DRBDStatus struct {
	Minor      int    `json:"minor"`
	Connection string `json:"cs"` // Connected, WFConnection, SyncSource, SyncTarget, StandAlone, Unconfigured
	Role       string `json:"role"`
	PeerRole   string `json:"peer_role"`
	Disk       string `json:"disk"`
	PeerDisk   string `json:"peer_disk"`
	// Syncing is set while a resync runs, with its progress.
	Syncing   bool    `json:"syncing,omitempty"`
	Percent   float64 `json:"percent,omitempty"`
	LeftKB    int64   `json:"left_kb,omitempty"`
	TotalKB   int64   `json:"total_kb,omitempty"`
	Finish    string  `json:"finish,omitempty"`
	SpeedKBps int64   `json:"speed_kbps,omitempty"`
}

// InSync is the end of the initial sync: both disks up to date.
func (s DRBDStatus) InSync() bool { return s.Disk == "UpToDate" && s.PeerDisk == "UpToDate" }

var (
	drbdResource = regexp.MustCompile(`^\s*(\d+): cs:(\S+) st:([^/\s]+)/(\S+) ds:([^/\s]+)/(\S+)`)
	drbdUnconf   = regexp.MustCompile(`^\s*(\d+): cs:Unconfigured\s*$`)
	drbdSynced   = regexp.MustCompile(`sync'ed:\s*([\d.]+)% \((\d+)/(\d+)\)K`)
	drbdFinish   = regexp.MustCompile(`finish: (\S+) speed: ([\d,]+)`)
)

// ParseProcDRBD reads /proc/drbd. A file without resources (the module
// loaded, nothing configured) parses to none.
func ParseProcDRBD(text string) ([]DRBDStatus, error) {
	lines := strings.Split(text, "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "version: ") {
		return nil, fmt.Errorf("/proc/drbd: no version line in %q", firstLine(text))
	}
	var out []DRBDStatus
	for _, line := range lines[1:] {
		if m := drbdResource.FindStringSubmatch(line); m != nil {
			minor, _ := strconv.Atoi(m[1])
			out = append(out, DRBDStatus{Minor: minor, Connection: m[2], Role: m[3], PeerRole: m[4], Disk: m[5], PeerDisk: m[6]})
			continue
		}
		if m := drbdUnconf.FindStringSubmatch(line); m != nil {
			minor, _ := strconv.Atoi(m[1])
			out = append(out, DRBDStatus{Minor: minor, Connection: "Unconfigured"})
			continue
		}
		if len(out) == 0 {
			continue
		}
		cur := &out[len(out)-1]
		if m := drbdSynced.FindStringSubmatch(line); m != nil {
			cur.Syncing = true
			cur.Percent, _ = strconv.ParseFloat(m[1], 64)
			cur.LeftKB, _ = strconv.ParseInt(m[2], 10, 64)
			cur.TotalKB, _ = strconv.ParseInt(m[3], 10, 64)
		}
		if m := drbdFinish.FindStringSubmatch(line); m != nil {
			cur.Finish = m[1]
			cur.SpeedKBps, _ = strconv.ParseInt(strings.ReplaceAll(m[2], ",", ""), 10, 64)
		}
	}
	return out, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// GNBDExport is one block of `gnbd_export -l`.
type GNBDExport struct {
	Name    string `json:"name"`
	File    string `json:"file"`
	Sectors int64  `json:"sectors"`
	UID     string `json:"uid"`
}

// GNBDImport is one block of `gnbd_import -l`.
type GNBDImport struct {
	Name    string `json:"name"`
	Minor   int    `json:"minor"`
	Server  string `json:"server"`
	State   string `json:"state"`
	Sectors int64  `json:"sectors"`
}

// Connected reports whether the import talks to its server.
func (i GNBDImport) Connected() bool { return strings.Contains(i.State, " Connected") }

// keyValueBlocks splits the "key : value" blocks of the gnbd tools. A block
// starts at its header key (Server[N] or Device name).
func keyValueBlocks(text, header string) []map[string]string {
	var blocks []map[string]string
	for _, line := range strings.Split(text, "\n") {
		key, val, ok := strings.Cut(line, " : ")
		if !ok {
			continue
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if strings.HasPrefix(key, header) {
			blocks = append(blocks, map[string]string{})
		}
		if len(blocks) > 0 {
			blocks[len(blocks)-1][key] = val
		}
	}
	return blocks
}

// ParseGNBDExports reads `gnbd_export -l`.
func ParseGNBDExports(text string) ([]GNBDExport, error) {
	var out []GNBDExport
	for _, b := range keyValueBlocks(text, "Server[") {
		var name string
		for k, v := range b {
			if strings.HasPrefix(k, "Server[") {
				name = v
			}
		}
		sectors, err := strconv.ParseInt(b["sectors"], 10, 64)
		if err != nil || name == "" || b["file"] == "" {
			return nil, fmt.Errorf("gnbd_export -l: malformed block %v", b)
		}
		out = append(out, GNBDExport{Name: name, File: b["file"], Sectors: sectors, UID: b["uid"]})
	}
	return out, nil
}

// ParseGNBDImports reads `gnbd_import -l`.
func ParseGNBDImports(text string) ([]GNBDImport, error) {
	var out []GNBDImport
	for _, b := range keyValueBlocks(text, "Device name") {
		minor, err1 := strconv.Atoi(b["Minor #"])
		sectors, err2 := strconv.ParseInt(b["Sectors"], 10, 64)
		if err1 != nil || err2 != nil || b["Device name"] == "" || b["Server"] == "" {
			return nil, fmt.Errorf("gnbd_import -l: malformed block %v", b)
		}
		out = append(out, GNBDImport{Name: b["Device name"], Minor: minor, Server: b["Server"], State: b["State"], Sectors: sectors})
	}
	return out, nil
}

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
