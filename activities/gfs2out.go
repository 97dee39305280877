package activities

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Mount is one line of `mount`: DEV on DIR type TYPE (OPTIONS).
type Mount struct {
	Device  string `json:"device"`
	Dir     string `json:"dir"`
	Type    string `json:"type"`
	Options string `json:"options"`
}

var mountLine = regexp.MustCompile(`^(\S+) on (\S+) type (\S+) \((.*)\)$`)

// ParseMounts reads the output of `mount` with no arguments.
func ParseMounts(text string) []Mount {
	var out []Mount
	for _, line := range strings.Split(text, "\n") {
		if m := mountLine.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			out = append(out, Mount{Device: m[1], Dir: m[2], Type: m[3], Options: m[4]})
		}
	}
	return out
}

// Journal is one journal of a GFS2 file system, as `gfs2_tool journals`
// lists it.
type Journal struct {
	Name   string `json:"name"`
	SizeMB int    `json:"size_mb"`
}

var (
	journalLine  = regexp.MustCompile(`^(\S+) - (\d+)MB$`)
	journalCount = regexp.MustCompile(`^(\d+) journal\(s\) found\.$`)
)

// ParseJournals reads `gfs2_tool journals MOUNTPOINT` (gfs2-utils since
// RHEL 5.2): a line "journal2 - 128MB" for each journal, in the order of
// the jindex directory (not by number), then "4 journal(s) found.". It
// fails on output without that last line, or whose count is not the
// number of journals listed, so that a truncated listing is never taken
// for a file system with fewer journals.
func ParseJournals(text string) ([]Journal, error) {
	var out []Journal
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		line = strings.TrimSpace(line)
		if m := journalLine.FindStringSubmatch(line); m != nil {
			mb, err := strconv.Atoi(m[2])
			if err != nil {
				return nil, fmt.Errorf("gfs2_tool journals: %q: %w", line, err)
			}
			out = append(out, Journal{Name: m[1], SizeMB: mb})
			continue
		}
		if m := journalCount.FindStringSubmatch(line); m != nil {
			if n, _ := strconv.Atoi(m[1]); n != len(out) {
				return nil, fmt.Errorf("gfs2_tool journals: says %d journal(s) found, but lists %d", n, len(out))
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("gfs2_tool journals: no \"journal(s) found.\" line in %q", text)
}
