package lvm

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/gnbd"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/multipath"
)

// uuidChars are the characters of LVM2's ids (lib/uuid/uuid.c uses the
// first 62 of its table).
const uuidChars = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// newUUID makes an LVM2 id, printed as LVM prints ids: 32 characters in
// groups of 6-4-4-4-4-4-6.
func newUUID() string {
	var raw [32]byte
	for i := range raw {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(uuidChars))))
		if err != nil {
			panic(err)
		}
		raw[i] = uuidChars[n.Int64()]
	}
	s := string(raw[:])
	return s[0:6] + "-" + s[6:10] + "-" + s[10:14] + "-" + s[14:18] + "-" + s[18:22] + "-" + s[22:26] + "-" + s[26:32]
}

// Resolve follows symlinks of a host path inside the host's root, as
// realpath(3) would on the host: /dev/VG0/LV0 is /dev/mapper/VG0-LV0.
func Resolve(h host.Host, p string) string {
	p = path.Clean("/" + p)
	for i := 0; i < 16; i++ {
		target, err := os.Readlink(h.Path(p))
		if err != nil {
			return p
		}
		if !path.IsAbs(target) {
			target = path.Join(path.Dir(p), target)
		}
		p = path.Clean(target)
	}
	return p
}

// pvType is blkid's TYPE for an LVM2 PV. The project's runbooks look for
// libblkid's "LVM2_member"; e2fsprogs 1.39's own probe, if CentOS 5.2's
// has one, may call it "lvm2pv" (see package blockdev).
const pvType = "LVM2_member"

// PVLabel is the LVM2 label on the device at devPath, as blkid reads it
// (a blockdev.Signature): the PV's UUID and its TYPE; nil when the device
// is no PV.
func PVLabel(h host.Host, devPath string) ([]blockdev.Tag, error) {
	id, ok, err := Identify(h, devPath)
	if err != nil || !ok || id == "" {
		return nil, err
	}
	s, err := Load(h.Lab)
	if err != nil {
		return nil, err
	}
	if l := s.Labels[id]; l != nil {
		return []blockdev.Tag{{Name: "UUID", Value: l.UUID}, {Name: "TYPE", Value: pvType}}, nil
	}
	return nil, nil
}

// Identify returns what a block device of a host is, the key under which
// whatever is written on it is kept, so that every host that reaches the
// same storage finds the same data:
//
//   - a logical volume (/dev/VG0/LV0, /dev/mapper/VG0-LV0) is "lv:" and its
//     LV UUID;
//   - a multipath map is "uid:" and its wwid (the GNBD uid) from package
//     multipath's state; a GNBD import is "uid:" and its export's uid;
//   - a device-mapper device multipath does not know, standing on GNBDs,
//     takes the uid of those; failing that it is known by what its
//     Backing names ("backing:" and the Backing), which lets tests build
//     shared devices with blockdev.Create alone;
//   - anything else is local to the host: "dev:", the FQDN and the path.
//
// ok is false when the device does not exist; a GNBD whose server does not
// answer has no identity ("", true): nothing can be read from it.
func Identify(h host.Host, devPath string) (id string, ok bool, err error) {
	p := Resolve(h, devPath)
	d, ok, err := blockdev.Get(h, p)
	if err != nil || !ok {
		return "", ok, err
	}
	dir, name := path.Split(p)
	if dir == "/dev/" && strings.HasPrefix(name, "dm-") {
		if alias, err := dmAlias(h, name); err != nil {
			return "", true, err
		} else if alias != "" {
			p, dir, name = "/dev/mapper/"+alias, "/dev/mapper/", alias
		}
	}
	if dir == "/dev/mapper/" {
		s, err := Load(h.Lab)
		if err != nil {
			return "", true, err
		}
		if _, lv := s.lvByDMName(name); lv != nil {
			return "lv:" + lv.UUID, true, nil
		}
		maps, err := multipath.Maps(h.Lab, h.FQDN)
		if err != nil {
			return "", true, err
		}
		for _, m := range maps {
			if m.Name == name {
				return "uid:" + m.WWID, true, nil
			}
		}
		for _, b := range strings.Fields(d.Backing) {
			if uid, err := gnbdUID(h, b); err != nil || uid != "" {
				return uidID(uid), true, err
			}
		}
		if d.Backing != "" {
			return "backing:" + d.Backing, true, nil
		}
	}
	if uid, isGNBD, err := gnbdUIDOf(h, p); isGNBD || err != nil {
		return uidID(uid), true, err
	}
	return "dev:" + h.FQDN + ":" + p, true, nil
}

func uidID(uid string) string {
	if uid == "" {
		return ""
	}
	return "uid:" + uid
}

// dmAlias is the /dev/mapper name of /dev/dm-N: the device there with the
// same minor.
func dmAlias(h host.Host, dm string) (string, error) {
	minor, err := strconv.Atoi(strings.TrimPrefix(dm, "dm-"))
	if err != nil {
		return "", nil
	}
	entries, err := os.ReadDir(h.Path("/dev/mapper"))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		d, ok, err := blockdev.Get(h, "/dev/mapper/"+e.Name())
		if err == nil && ok && d.Minor == minor && d.Major == multipath.DMMajor {
			return e.Name(), nil
		}
	}
	return "", nil
}

// gnbdUID is the uid of the export behind a GNBD device path of a host,
// "" when it is not a GNBD or has no answering server.
func gnbdUID(h host.Host, p string) (string, error) {
	uid, _, err := gnbdUIDOf(h, p)
	return uid, err
}

func gnbdUIDOf(h host.Host, p string) (uid string, isGNBD bool, err error) {
	var minor int
	switch {
	case strings.HasPrefix(p, "/dev/gnbd/"):
		name := strings.TrimPrefix(p, "/dev/gnbd/")
		devs, err := gnbd.Imports(h.Lab, h.FQDN)
		if err != nil {
			return "", true, err
		}
		for _, d := range devs {
			if d.Name == name {
				return d.UID, true, nil
			}
		}
		return "", true, nil
	case strings.HasPrefix(p, "/dev/gnbd"):
		n, err := strconv.Atoi(strings.TrimPrefix(p, "/dev/gnbd"))
		if err != nil {
			return "", false, nil
		}
		minor = n
	default:
		return "", false, nil
	}
	devs, err := gnbd.Imports(h.Lab, h.FQDN)
	if err != nil {
		return "", true, err
	}
	for _, d := range devs {
		if d.Minor == minor {
			return d.UID, true, nil
		}
	}
	return "", true, nil
}

// scanDev is a block device LVM sees on a host.
type scanDev struct {
	Path    string // the name LVM uses for it
	ID      string // its identity (Identify)
	Sectors int64
	DM      bool // a device-mapper device
}

// scanned is what LVM's device scan found on a host: one device per
// identity, and the duplicates it warns about.
type scanned struct {
	byID     map[string]scanDev
	warnings []string
}

// scan lists the block devices LVM reads on a host, as its device cache
// does with the default filter: every device under /dev/mapper that is not
// one of LVM's own LVs, and every other device directly under /dev. Where
// several devices carry the same disk, a device-mapper device wins silently
// over the paths it stands on (2.02.32 prefers dm devices to their
// components); two plain devices give "Found duplicate PV".
func scan(h host.Host, s *State) (scanned, error) {
	var devs []scanDev
	add := func(p string, dm bool) error {
		d, ok, err := blockdev.Get(h, p)
		if err != nil || !ok {
			return nil // not a lab device: /dev/mapper/control and the like
		}
		id, _, err := Identify(h, p)
		if err != nil {
			return err
		}
		if id == "" || strings.HasPrefix(id, "lv:") {
			return nil
		}
		devs = append(devs, scanDev{Path: p, ID: id, Sectors: d.Sectors, DM: dm})
		return nil
	}
	names, err := regularFiles(h, "/dev/mapper")
	if err != nil {
		return scanned{}, err
	}
	for _, n := range names {
		if err := add("/dev/mapper/"+n, true); err != nil {
			return scanned{}, err
		}
	}
	names, err = regularFiles(h, "/dev")
	if err != nil {
		return scanned{}, err
	}
	for _, n := range names {
		if strings.HasPrefix(n, "dm-") {
			continue // the same devices as /dev/mapper's
		}
		if err := add("/dev/"+n, false); err != nil {
			return scanned{}, err
		}
	}
	sc := scanned{byID: map[string]scanDev{}}
	for _, d := range devs {
		cur, seen := sc.byID[d.ID]
		switch {
		case !seen:
			sc.byID[d.ID] = d
		case cur.DM && !d.DM:
		case !cur.DM && d.DM:
			sc.byID[d.ID] = d
		case !cur.DM && !d.DM:
			if l := s.Labels[d.ID]; l != nil {
				sc.warnings = append(sc.warnings, fmt.Sprintf(fmtDuplicatePV, strings.ReplaceAll(l.UUID, "-", ""), d.Path, cur.Path))
				sc.byID[d.ID] = d
			}
		}
	}
	return sc, nil
}

// regularFiles lists the regular files of a host directory, by name,
// leaving out hidden ones (the lab's temporary files).
func regularFiles(h host.Host, dir string) ([]string, error) {
	entries, err := os.ReadDir(h.Path(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// pvPath is the device a PV (by UUID) is on, on this host, if LVM sees it.
func (sc scanned) pvPath(s *State, uuid string) (scanDev, bool) {
	for id, l := range s.Labels {
		if l.UUID == uuid {
			d, ok := sc.byID[id]
			return d, ok
		}
	}
	return scanDev{}, false
}
