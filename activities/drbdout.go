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
