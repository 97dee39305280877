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

var lockingType = regexp.MustCompile(`(?m)^(\s*locking_type\s*=\s*)\d+`)

// ClusterLocking is lvm.conf with cluster-wide locking through clvmd
// (locking_type = 3), what `lvmconf --enable-cluster` does.
func ClusterLocking(conf string) string { return lockingType.ReplaceAllString(conf, "${1}3") }
