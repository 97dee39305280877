package multipath

import (
	"errors"
	"fmt"
	"slices"

	"github.com/tetsuzuki/tetsuzuki/lab/gnbd"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// What lab break does to multipath (package breaks).

// ErrNotRunning is a break of a multipathd that does not run.
var ErrNotRunning = errors.New("multipathd is not running")

// FailPath is device-mapper failing one path of a map on a host, as an I/O
// error on it does: `multipath -l` shows it [failed] while its device
// answers the checker again, until multipathd reinstates it (restart or
// reload; the lab's daemon does not poll). mapName "" takes the first map
// by name, path "" its first active path. It returns the map's name and
// the path.
func FailPath(lab, fqdn, mapName, path string) (string, string, error) {
	h, err := host.Open(lab, fqdn)
	if err != nil {
		return "", "", err
	}
	devs, err := gnbd.Imports(h.Lab, h.FQDN)
	if err != nil {
		return "", "", err
	}
	connected := func(p string) bool {
		return slices.ContainsFunc(devs, func(d gnbd.Device) bool { return d.Dev() == p && d.Connected })
	}
	err = change(h.Lab, h.FQDN, func(hs *Host) error {
		if len(hs.Maps) == 0 {
			return fmt.Errorf("%s has no multipath maps", h.FQDN)
		}
		maps := slices.Clone(hs.Maps)
		slices.SortFunc(maps, func(a, b Map) int { return compareNames(a.Name, b.Name) })
		if mapName == "" {
			mapName = maps[0].Name
		}
		i := slices.IndexFunc(hs.Maps, func(m Map) bool { return m.Name == mapName })
		if i < 0 {
			return fmt.Errorf("%s has no map %s", h.FQDN, mapName)
		}
		m := &hs.Maps[i]
		active := func(p string) bool { return connected(p) && !slices.Contains(m.Failed, p) }
		if path == "" {
			if j := slices.IndexFunc(m.Paths, active); j >= 0 {
				path = m.Paths[j]
			}
		}
		if !slices.Contains(m.Paths, path) || !active(path) {
			return fmt.Errorf("%s: map %s has no active path %q", h.FQDN, mapName, path)
		}
		m.Failed = append(m.Failed, path)
		return nil
	})
	return mapName, path, err
}

// compareNames orders map names as people do: mpath2 before mpath10.
func compareNames(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// DaemonDies is multipathd dying on a host (killed, or crashed): the maps
// stay, as the kernel's, and the init script's lock stays behind, so
// `/etc/init.d/multipathd status` says "multipathd dead but subsys
// locked" until it is started again.
func DaemonDies(lab, fqdn string) error {
	h, err := host.Open(lab, fqdn)
	if err != nil {
		return err
	}
	return change(h.Lab, h.FQDN, func(hs *Host) error {
		if hs.Daemon == 0 {
			return fmt.Errorf("%s: %w", h.FQDN, ErrNotRunning)
		}
		hs.Daemon = 0
		return nil
	})
}
