package gnbd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// tool is one run of a gnbd program: its fixed program name for messages
// and its verbosity.
type tool struct {
	p     *host.Proc
	prog  string
	quiet bool
}

// printm is gnbd's printm: "prog: message" on stdout, unless quiet.
func (t *tool) printm(format string, args ...any) {
	if !t.quiet {
		fmt.Fprintf(t.p.Stdout, fmtPrintm+format+"\n", append([]any{t.prog}, args...)...)
	}
}

// printe is gnbd's printe: "prog: ERROR message" on stderr.
func (t *tool) printe(format string, args ...any) {
	fmt.Fprintf(t.p.Stderr, fmtPrinte+format+"\n", append([]any{t.prog}, args...)...)
}

// labError reports a failure of the lab itself, not of the emulated tool.
func (t *tool) labError(err error) int {
	fmt.Fprintf(t.p.Stderr, fmtLabError+"\n", t.p.Name, err)
	return 1
}

// Holders lists the device-mapper devices of a host built on a device
// (given by its host paths, /dev/gnbd0 and /dev/gnbd/gnbd0a): what the
// kernel lists in /sys/block/gnbd0/holders, and what keeps the device open.
// A device-mapper device is a device file under /dev/mapper whose Backing
// names, separated by spaces, the host paths of the devices it stands on.
func Holders(h host.Host, devs ...string) ([]string, error) {
	entries, err := os.ReadDir(h.Path("/dev/mapper"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var holders []string
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		d, ok, err := blockdev.Get(h, path.Join("/dev/mapper", e.Name()))
		if err != nil || !ok {
			continue // not a lab device: /dev/mapper/control and the like
		}
		for _, b := range strings.Fields(d.Backing) {
			if slices.Contains(devs, b) {
				holders = append(holders, e.Name())
				break
			}
		}
	}
	return holders, nil
}

// oneAction returns the setter of a command's action: the gnbd tools take
// one action flag per call, and refuse a second with the two flags named.
func (t *tool) oneAction(action *int, flags map[int]byte) func(int) bool {
	return func(a int) bool {
		if *action != 0 {
			t.printe(fmtIncompatible, flags[*action], flags[a])
			fmt.Fprintln(t.p.Stderr, msgSeeMan)
			return false
		}
		*action = a
		return true
	}
}
