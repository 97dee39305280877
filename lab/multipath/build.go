package multipath

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/gnbd"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// BindingsPath is where multipath 0.4.7 keeps the wwid of each mpathN name,
// so that names survive rebuilds and reboots.
const BindingsPath = "/var/lib/multipath/bindings"

// GNBD paths are the only ones the lab's hosts have; multipath's built-in
// hardware table knows them by this vendor and product, groups all paths
// of a map in one priority group (multibus) and gets their wwid by running
// `gnbd_import -q -U /block/%n`, which answers with the export's uid.
const (
	vendor  = "GNBD"
	product = "GNBD"
)

// event is a map multipath created or reloaded, for it to print.
type event struct {
	action string
	m      Map
}

// readConf reads the host's multipath.conf; without one multipath runs on
// its defaults.
func readConf(h host.Host) (Conf, error) {
	data, err := os.ReadFile(h.Path(ConfPath))
	if errors.Is(err, fs.ErrNotExist) {
		return Conf{}, nil
	}
	if err != nil {
		return Conf{}, err
	}
	return ParseConf(data), nil
}

// devices returns the host's GNBD devices by kernel name.
func devices(h host.Host) (map[string]gnbd.Device, []gnbd.Device, error) {
	devs, err := gnbd.Imports(h.Lab, h.FQDN)
	if err != nil {
		return nil, nil, err
	}
	byName := map[string]gnbd.Device{}
	for _, d := range devs {
		byName[d.Dev()] = d
	}
	return byName, devs, nil
}

// build is coalesce_paths: it groups the host's usable paths by wwid and
// creates a map for each new wwid, or reloads an existing map with the
// paths it lacks. A path is usable unless its devnode or wwid is
// blacklisted, and only if `gnbd_import -U` answers with a uid (its server
// serves it, and it was exported with one). Maps are never removed here:
// only -f and -F flush them. Called under the lab's lock.
func build(h host.Host, hs *Host) ([]event, error) {
	conf, err := readConf(h)
	if err != nil {
		return nil, err
	}
	byName, devs, err := devices(h)
	if err != nil {
		return nil, err
	}
	for i := range hs.Maps {
		// A path whose device is gone leaves its map at the next reload.
		gone := func(p string) bool { _, ok := byName[p]; return !ok }
		hs.Maps[i].Paths = slices.DeleteFunc(hs.Maps[i].Paths, gone)
		hs.Maps[i].Failed = slices.DeleteFunc(hs.Maps[i].Failed, gone)
	}
	var wwids []string
	groups := map[string][]gnbd.Device{}
	for _, d := range devs {
		if conf.BlacklistedDevnode(d.Dev()) || !d.Connected || d.UID == "" || conf.Blacklisted(d.UID, vendor, product) {
			continue
		}
		if groups[d.UID] == nil {
			wwids = append(wwids, d.UID)
		}
		groups[d.UID] = append(groups[d.UID], d)
	}
	var events []event
	for _, wwid := range wwids {
		if i := slices.IndexFunc(hs.Maps, func(m Map) bool { return m.WWID == wwid }); i >= 0 {
			m := &hs.Maps[i]
			added := false
			for _, d := range groups[wwid] {
				if !slices.Contains(m.Paths, d.Dev()) {
					m.Paths = append(m.Paths, d.Dev())
					added = true
				}
			}
			if added {
				// A reload loads the table anew, every path active.
				m.Failed = nil
				slices.SortFunc(m.Paths, func(a, b string) int { return byName[a].Minor - byName[b].Minor })
				if err := writeDevices(h, *m); err != nil {
					return nil, err
				}
				events = append(events, event{actionReload, *m})
			}
			continue
		}
		name, err := mapName(h, conf, wwid)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(hs.Maps, func(m Map) bool { return m.Name == name }) {
			continue // the alias is taken by another wwid's map
		}
		minor, err := freeDMMinor(h)
		if err != nil {
			return nil, err
		}
		hs.Seq++
		m := Map{Name: name, WWID: wwid, Minor: minor, Sectors: groups[wwid][0].Sectors, Seq: hs.Seq}
		for _, d := range groups[wwid] {
			m.Paths = append(m.Paths, d.Dev())
		}
		if err := writeDevices(h, m); err != nil {
			return nil, err
		}
		hs.Maps = append(hs.Maps, m)
		events = append(events, event{actionCreate, m})
	}
	return events, nil
}

// mapName is the name a new map gets: its alias in multipath.conf, else a
// user-friendly mpathN from the bindings file, else its wwid.
func mapName(h host.Host, conf Conf, wwid string) (string, error) {
	if alias := conf.Aliases[wwid]; alias != "" {
		return alias, nil
	}
	if !conf.UserFriendlyNames {
		return wwid, nil
	}
	return bindingAlias(h, wwid)
}

// bindingAlias looks a wwid up in the bindings file, or binds it to the
// next mpathN (one past the highest bound) and records it.
func bindingAlias(h host.Host, wwid string) (string, error) {
	file := h.Path(BindingsPath)
	data, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	next := 0
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimPrefix(f[0], "mpath")); err == nil && strings.HasPrefix(f[0], "mpath") && n >= next {
			next = n + 1
		}
		if f[1] == wwid {
			return f[0], nil
		}
	}
	alias := fmt.Sprintf("mpath%d", next)
	text := string(data)
	if text == "" {
		text = bindingsHeader
	} else if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	text += alias + " " + wwid + "\n"
	return alias, state.WriteFile(file, []byte(text), 0o600)
}

// freeDMMinor is the lowest device-mapper minor no device of the host
// uses: every device-mapper device, multipath's or LVM's, has its
// /dev/dm-N.
func freeDMMinor(h host.Host) (int, error) {
	for n := 0; ; n++ {
		_, err := os.Lstat(h.Path(fmt.Sprintf("/dev/dm-%d", n)))
		if errors.Is(err, fs.ErrNotExist) {
			return n, nil
		}
		if err != nil {
			return 0, err
		}
	}
}

// writeDevices creates or updates a map's device files. Their Backing
// lists the paths' device files, which is how gnbd_import sees the paths
// held open.
func writeDevices(h host.Host, m Map) error {
	var backing []string
	for _, p := range m.Paths {
		backing = append(backing, "/dev/"+p)
	}
	d := blockdev.Device{Sectors: m.Sectors, Major: DMMajor, Minor: m.Minor, Backing: strings.Join(backing, " ")}
	for _, path := range []string{m.Device(), "/dev/" + m.DM()} {
		if err := blockdev.Create(h, path, d); err != nil {
			return err
		}
	}
	return nil
}

// flush removes a map unless something holds it open (a volume group, a
// mounted file system); it reports whether it was in use.
func flush(h host.Host, hs *Host, name string) (inUse bool, err error) {
	i := slices.IndexFunc(hs.Maps, func(m Map) bool { return m.Name == name })
	if i < 0 {
		return false, nil
	}
	m := hs.Maps[i]
	holders, err := gnbd.Holders(h, m.Device(), "/dev/"+m.DM())
	if err != nil || len(holders) > 0 {
		return err == nil, err
	}
	for _, path := range []string{m.Device(), "/dev/" + m.DM()} {
		if err := blockdev.Remove(h, path); err != nil {
			return false, err
		}
	}
	hs.Maps = slices.Delete(hs.Maps, i, i+1)
	return false, nil
}
