package activities

import (
	"fmt"
	"regexp"
	"strings"
)

// DisplayBlock is one `--- Physical volume ---`, `--- Volume group ---` or
// `--- Logical volume ---` block of pvdisplay, vgdisplay or lvdisplay, by
// key ("LV UUID", "Current LE", ...).
type DisplayBlock map[string]string

var displayLine = regexp.MustCompile(`^  (\S.*?)\s{2,}(\S.*?)\s*$`)

// ParseDisplay reads the blocks of an LVM display command: each starts at a
// `  --- X ---` line, and holds "key   value" lines whose key and value are
// separated by two spaces or more.
func ParseDisplay(text string) ([]DisplayBlock, error) {
	var blocks []DisplayBlock
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "--- ") && strings.HasSuffix(strings.TrimSpace(line), " ---") {
			blocks = append(blocks, DisplayBlock{})
			continue
		}
		if len(blocks) == 0 {
			continue
		}
		if m := displayLine.FindStringSubmatch(line); m != nil {
			blocks[len(blocks)-1][m[1]] = m[2]
		}
	}
	if len(blocks) == 0 {
		return nil, fmt.Errorf("no --- block --- in %q", firstLine(text))
	}
	return blocks, nil
}

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
