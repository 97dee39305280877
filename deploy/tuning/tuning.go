// Package tuning holds the Temporal server settings the project runs its
// servers with (temporal.conf, which the scripts read too), so that the
// dev server of make demo, the tests' and the benchmarks', and make
// cluster's processes are tuned alike.
package tuning

import (
	_ "embed"
	"strings"
)

//go:embed temporal.conf
var conf string

// Values are the settings as KEY=VALUE, the dev server's
// --dynamic-config-value.
func Values() []string {
	var out []string
	for line := range strings.SplitSeq(conf, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}
