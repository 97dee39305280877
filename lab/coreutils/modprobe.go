package coreutils

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/drbd"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/kmod"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// Module is a kernel module modprobe can find.
type Module struct {
	// Package ships the module; empty for the kernel's own modules.
	Package string
	// Size is what /proc/modules and lsmod print.
	Size int
	// Defaults are parameters the module always has in sysfs.
	Defaults map[string]string
}

// Modules are the modules of the procedures' hosts (kernel-xen
// 2.6.18-92.1.10.el5 and the extras' kmod packages), by the name the kernel
// gives them (underscores: modprobe maps dm-multipath to dm_multipath).
var Modules = map[string]Module{
	"drbd":           {Package: "kmod-drbd82-xen", Size: 242384, Defaults: map[string]string{"minor_count": "32"}},
	"gnbd":           {Package: "kmod-gnbd-xen", Size: 48776},
	"dm_mod":         {Size: 63993},
	"dm_multipath":   {Size: 24013},
	"dm_round_robin": {Size: 7489},
	"configfs":       {Size: 28625},
	"dlm":            {Size: 113749},
	"gfs2":           {Size: 345641},
	"lock_dlm":       {Size: 24929},
}

// inUse tells, for the modules whose users the lab knows of, whether a
// host has any: modprobe -r refuses to remove a module in use.
var inUse = map[string]func(h host.Host) (bool, error){
	"drbd": drbd.ModuleInUse,
}

// unloaded tells a module's emulation that the module is gone, for those
// that keep kernel state beyond their devices (DRBD's allocated minors).
// It runs under the lab's lock.
var unloaded = map[string]func(h host.Host) error{
	"drbd": drbd.ModuleUnloaded,
}

// SysModule is where the kernel shows a loaded module's parameters.
func SysModule(name string) string { return "/sys/module/" + name + "/parameters" }

// Modprobe runs modprobe [-q] [-v] MODULE [PARAM=VALUE...] and
// modprobe -r MODULE....
func Modprobe(p *host.Proc) int {
	remove, quiet := false, false
	var words []string
	for i, a := range p.Args {
		if len(words) > 0 && !remove {
			words = append(words, p.Args[i:]...) // module parameters
			break
		}
		switch a {
		case "-r", "--remove":
			remove = true
		case "-q", "--quiet":
			quiet = true
		case "-v", "--verbose", "-b", "--use-blacklist", "-s", "--syslog":
		case "-V", "--version":
			fmt.Fprintln(p.Stdout, msgModprobeVer)
			return 0
		default:
			if strings.HasPrefix(a, "-") {
				fmt.Fprintln(p.Stderr, msgModprobeUse)
				return 1
			}
			words = append(words, a)
		}
	}
	if len(words) == 0 {
		fmt.Fprintln(p.Stderr, msgModprobeUse)
		return 1
	}
	if remove {
		for _, name := range words {
			if status := unload(p, name, quiet); status != 0 {
				return status
			}
		}
		return 0
	}
	return load(p, words[0], words[1:], quiet)
}

// find resolves a name as modprobe does: underscores for dashes, and only
// modules whose package is installed exist in /lib/modules.
func find(p *host.Proc, name string) (string, Module, bool, error) {
	name = strings.ReplaceAll(name, "-", "_")
	m, ok := Modules[name]
	if !ok {
		return name, m, false, nil
	}
	if m.Package != "" {
		installed, err := packages.Installed(p.Host, m.Package)
		if err != nil || !installed {
			return name, m, false, err
		}
	}
	return name, m, true, nil
}

func load(p *host.Proc, arg string, params []string, quiet bool) int {
	name, m, ok, err := find(p, arg)
	if err != nil {
		fmt.Fprintf(p.Stderr, "modprobe: %v\n", err)
		return 1
	}
	if !ok {
		if !quiet {
			fmt.Fprintf(p.Stderr, fmtNotFound+"\n", arg)
		}
		return 1
	}
	err = state.With(p.Host.Lab, func() error {
		if loaded, err := kmod.Loaded(p.Host, name); err != nil || loaded {
			return err // a loaded module is left as it is, parameters and all
		}
		values := map[string]string{}
		for k, v := range m.Defaults {
			values[k] = v
		}
		for _, pv := range params {
			if k, v, ok := strings.Cut(pv, "="); ok {
				values[k] = v
			} else {
				values[pv] = "1"
			}
		}
		dir := p.Host.Path(SysModule(name))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for k, v := range values {
			if err := state.WriteFile(filepath.Join(dir, k), []byte(v+"\n"), 0o444); err != nil {
				return err
			}
		}
		return kmod.Load(p.Host, name, m.Size)
	})
	if err != nil {
		fmt.Fprintf(p.Stderr, "modprobe: %v\n", err)
		return 1
	}
	return 0
}

// unload removes a module; one that is not loaded is no error without
// --first-time, as in module-init-tools.
func unload(p *host.Proc, arg string, quiet bool) int {
	name, _, ok, err := find(p, arg)
	if err != nil {
		fmt.Fprintf(p.Stderr, "modprobe: %v\n", err)
		return 1
	}
	if !ok {
		if !quiet {
			fmt.Fprintf(p.Stderr, fmtNotFound+"\n", arg)
		}
		return 1
	}
	used := inUse[name]
	busy := false
	err = state.With(p.Host.Lab, func() error {
		loaded, err := kmod.Loaded(p.Host, name)
		if err != nil || !loaded {
			return err
		}
		if used != nil {
			if busy, err = used(p.Host); err != nil || busy {
				return err
			}
		}
		if err := os.RemoveAll(p.Host.Path(filepath.Dir(SysModule(name)))); err != nil {
			return err
		}
		if gone := unloaded[name]; gone != nil {
			if err := gone(p.Host); err != nil {
				return err
			}
		}
		return kmod.Unload(p.Host, name)
	})
	switch {
	case err != nil:
		fmt.Fprintf(p.Stderr, "modprobe: %v\n", err)
		return 1
	case busy:
		fmt.Fprintf(p.Stderr, fmtInUse+"\n", name)
		return 1
	}
	return 0
}

// Lsmod prints /proc/modules as lsmod does.
func Lsmod(p *host.Proc) int {
	data, err := os.ReadFile(p.Host.Path(kmod.ProcModules))
	if err != nil && !os.IsNotExist(err) {
		fmt.Fprintf(p.Stderr, "lsmod: %v\n", err)
		return 1
	}
	fmt.Fprintln(p.Stdout, msgLsmodHeader)
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		out := fmt.Sprintf(fmtLsmodLine, f[0], f[1], f[2])
		if len(f) > 3 && f[3] != "-" {
			out += " " + strings.TrimSuffix(f[3], ",")
		}
		fmt.Fprintln(p.Stdout, out)
	}
	return 0
}
