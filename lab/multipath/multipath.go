package multipath

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
)

func labError(p *host.Proc, err error) int {
	fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
	return 1
}

// MultipathCmd runs multipath: without arguments it builds the maps
// multipath.conf allows from the host's paths and prints those it creates
// or reloads; -l and -ll print the maps; -f MAP and -F flush maps nothing
// holds open. -v sets how much it prints.
func MultipathCmd(p *host.Proc) int {
	if ok, status := packages.Present(p, "device-mapper-multipath"); !ok {
		return status
	}
	verbosity, list, flushAll, flushName := 2, 0, false, ""
	args := p.Args
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() (string, bool) {
			if len(a) > 2 {
				return a[2:], true
			}
			if i+1 < len(args) {
				i++
				return args[i], true
			}
			return "", false
		}
		switch {
		case a == "-ll":
			list = 2
		case strings.HasPrefix(a, "-l"):
			list = max(list, 1)
		case a == "-F":
			flushAll = true
		case strings.HasPrefix(a, "-f"):
			name, ok := next()
			if !ok {
				fmt.Fprint(p.Stderr, msgUsage)
				return 1
			}
			flushName = name
		case strings.HasPrefix(a, "-v"):
			v, ok := next()
			n, err := strconv.Atoi(v)
			if !ok || err != nil {
				fmt.Fprint(p.Stderr, msgUsage)
				return 1
			}
			verbosity = n
		case a == "-r":
			// Reload every map: building does it for the maps that
			// lack paths, the only change the lab's maps see.
		case a == "-d", strings.HasPrefix(a, "-p"), strings.HasPrefix(a, "-b"):
			fmt.Fprintf(p.Stderr, fmtNotEmulated+"\n", p.Name, "multipath "+a)
			return 1
		case strings.HasPrefix(a, "-"):
			fmt.Fprint(p.Stderr, msgUsage)
			return 1
		default:
			fmt.Fprintf(p.Stderr, fmtNotEmulated+"\n", p.Name, "multipath DEVICE")
			return 1
		}
	}
	switch {
	case flushAll || flushName != "":
		return flushMaps(p, flushName)
	case list > 0:
		return listMaps(p, list, verbosity)
	}
	var events []event
	err := change(p.Host.Lab, p.Host.FQDN, func(hs *Host) error {
		var err error
		events, err = build(p.Host, hs)
		return err
	})
	if err != nil {
		return labError(p, err)
	}
	return printEvents(p, events, viewChange, verbosity)
}

func printEvents(p *host.Proc, events []event, v view, verbosity int) int {
	switch {
	case verbosity <= 0:
	case verbosity == 1:
		for _, e := range events {
			fmt.Fprintln(p.Stdout, e.m.Name)
		}
	default:
		devs, _, err := devices(p.Host)
		if err != nil {
			return labError(p, err)
		}
		fmt.Fprint(p.Stdout, topology(events, v, devs))
	}
	return 0
}

func listMaps(p *host.Proc, list, verbosity int) int {
	maps, err := Maps(p.Host.Lab, p.Host.FQDN)
	if err != nil {
		return labError(p, err)
	}
	var events []event
	for _, m := range maps {
		events = append(events, event{m: m})
	}
	v := viewList
	if list > 1 {
		v = viewListLong
	}
	return printEvents(p, events, v, verbosity)
}

// flushMaps flushes one map, or all of them when name is empty; a map in
// use is reported and kept, and makes the exit status 1.
func flushMaps(p *host.Proc, name string) int {
	var inUse []string
	err := change(p.Host.Lab, p.Host.FQDN, func(hs *Host) error {
		for _, m := range hs.listed() {
			if name != "" && m.Name != name {
				continue
			}
			busy, err := flush(p.Host, hs, m.Name)
			if err != nil {
				return err
			}
			if busy {
				inUse = append(inUse, m.Name)
			}
		}
		return nil
	})
	if err != nil {
		return labError(p, err)
	}
	for _, n := range inUse {
		fmt.Fprintf(p.Stdout, fmtInUse+"\n", n)
	}
	if len(inUse) > 0 {
		return 1
	}
	return 0
}
