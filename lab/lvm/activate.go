package lvm

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/multipath"
)

// Opener tells how many holders outside LVM keep a device of a host open
// (a mounted file system): the kernel's open count, which LVM reads before
// it deactivates or removes an LV. The lab's tool table hands package
// gfs2's to Cmd and Clvmd.
type Opener func(h host.Host, devPath string) (int, error)

// openCount is how many holders keep a device of a host open.
func (c *cmd) openCount(h host.Host, devPath string) (int, error) {
	if c.open == nil {
		return 0, nil
	}
	return c.open(h, devPath)
}

// lvDevice is the device-mapper device of an LV, /dev/mapper/VG-LV.
func lvDevice(vg *VG, lv *LV) string { return "/dev/mapper/" + DMName(vg.Name, lv.Name) }

// lvLink is the LV's name under the VG's directory, /dev/VG/LV.
func lvLink(vg *VG, lv *LV) string { return "/dev/" + vg.Name + "/" + lv.Name }

// info reads what the kernel of a host has of an LV.
func (c *cmd) info(h host.Host, s *State, vg *VG, lv *LV) (lvInfo, error) {
	if !s.isActive(h.FQDN, lv.UUID) {
		return lvInfo{}, nil
	}
	d, ok, err := blockdev.Get(h, lvDevice(vg, lv))
	if err != nil || !ok {
		return lvInfo{}, err
	}
	open, err := c.openCount(h, lvDevice(vg, lv))
	if err != nil {
		return lvInfo{}, err
	}
	return lvInfo{Active: true, Open: open, Major: d.Major, Minor: d.Minor}, nil
}

// activate builds (or refreshes, after a resize) an LV's device on a host
// whose scan sees all its PVs: /dev/mapper/VG-LV and /dev/dm-N, whose
// Backing lists the PVs' devices (so the devices under it are held), and
// the symlink /dev/VG/LV. Called under the lab's lock.
func activate(h host.Host, s *State, sc scanned, vg *VG, lv *LV) error {
	var backing []string
	for _, seg := range lv.Segments {
		d, ok := sc.pvPath(s, seg.PV)
		if !ok {
			return fmt.Errorf(fmtUUIDNotFoundVG, strings.ReplaceAll(vg.UUID+lv.UUID, "-", ""))
		}
		if !contains(backing, d.Path) {
			backing = append(backing, d.Path)
		}
	}
	dev := lvDevice(vg, lv)
	minor := -1
	if cur, ok, err := blockdev.Get(h, dev); err != nil {
		return err
	} else if ok {
		minor = cur.Minor
	}
	if minor < 0 {
		m, err := freeDMMinor(h)
		if err != nil {
			return err
		}
		minor = m
	}
	d := blockdev.Device{Sectors: int64(lv.Extents()) * vg.ExtentSize, Major: multipath.DMMajor, Minor: minor, Backing: strings.Join(backing, " ")}
	for _, p := range []string{dev, fmt.Sprintf("/dev/dm-%d", minor)} {
		if err := blockdev.Create(h, p, d); err != nil {
			return err
		}
	}
	link := h.Path(lvLink(vg, lv))
	if err := os.MkdirAll(path.Dir(link), 0o755); err != nil {
		return err
	}
	target := "../mapper/" + DMName(vg.Name, lv.Name)
	if cur, err := os.Readlink(link); err != nil || cur != target {
		tmp := link + ".lab-new"
		os.Remove(tmp)
		if err := os.Symlink(target, tmp); err != nil {
			return err
		}
		if err := os.Rename(tmp, link); err != nil {
			return err
		}
	}
	s.setActive(h.FQDN, lv.UUID, true)
	return nil
}

// deactivate removes an LV's device from a host. The caller has checked
// that nothing holds it open.
func deactivate(h host.Host, s *State, vg *VG, lv *LV) error {
	dev := lvDevice(vg, lv)
	if d, ok, err := blockdev.Get(h, dev); err != nil {
		return err
	} else if ok {
		if err := blockdev.Remove(h, fmt.Sprintf("/dev/dm-%d", d.Minor)); err != nil {
			return err
		}
	}
	if err := blockdev.Remove(h, dev); err != nil {
		return err
	}
	link := h.Path(lvLink(vg, lv))
	if err := os.Remove(link); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	os.Remove(path.Dir(link)) // the VG's directory goes with its last LV
	s.setActive(h.FQDN, lv.UUID, false)
	return nil
}

// freeDMMinor is the lowest device-mapper minor no device of the host
// uses, as multipath picks them: every device-mapper device has its
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

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
