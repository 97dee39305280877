package activities

import (
	"regexp"
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
