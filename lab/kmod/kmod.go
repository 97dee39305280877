// Package kmod stands in for the kernel's loaded modules on a lab host, as
// /proc/modules lists them: modprobe loads, the tools that need a module
// (gnbd_import needs gnbd, drbdadm needs drbd) ask.
package kmod

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// ProcModules is the file the kernel lists loaded modules in.
const ProcModules = "/proc/modules"

// Loaded reports whether the module is loaded on h.
func Loaded(h host.Host, name string) (bool, error) {
	mods, err := list(h)
	return slices.Contains(mods, name), err
}

// Load records the module as loaded, in /proc/modules' format; loading a
// loaded module changes nothing, as with modprobe.
func Load(h host.Host, name string, size int) error {
	mods, err := list(h)
	if err != nil || slices.Contains(mods, name) {
		return err
	}
	data, _ := os.ReadFile(h.Path(ProcModules))
	line := fmt.Sprintf("%s %d 0 - Live 0x%08x\n", name, size, 0xee000000+len(mods)*0x10000)
	return state.WriteFile(h.Path(ProcModules), append(data, line...), 0o444)
}

// Unload removes the module from the list.
func Unload(h host.Host, name string) error {
	data, err := os.ReadFile(h.Path(ProcModules))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var keep []string
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] != name {
			keep = append(keep, line)
		}
	}
	if len(keep) == 0 {
		// No module left: the kernel's list is as it was before the first.
		return os.Remove(h.Path(ProcModules))
	}
	return state.WriteFile(h.Path(ProcModules), []byte(strings.Join(keep, "")), 0o444)
}

func list(h host.Host) ([]string, error) {
	data, err := os.ReadFile(h.Path(ProcModules))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	var mods []string
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			mods = append(mods, f[0])
		}
	}
	return mods, err
}
