package breaks

import (
	"errors"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/lab/gfs2"
	"github.com/tetsuzuki/tetsuzuki/lab/lvm"
)

func clvmdStop(b *breaker, _ []string) error {
	if err := lvm.ClvmdDies(b.lab(), b.h.FQDN); err != nil {
		return err
	}
	b.done("clvmd")
	b.want(b.h.FQDN, findings.ClvmdDown)
	return nil
}

// lvDeactivate deactivates an LV on the host. LVM refuses while a mounted
// file system holds it open, so whoever deactivates it unmounts it first;
// so does the break, and the mount is a finding too.
func lvDeactivate(b *breaker, args []string) error {
	name := arg(args, 0)
	if name == "" {
		active, err := lvm.ActiveOn(b.lab(), b.h.FQDN)
		if err != nil {
			return err
		}
		if len(active) == 0 {
			return errors.New("no logical volume is active on the host")
		}
		name = active[0]
	}
	vg, lv, ok := strings.Cut(name, "/")
	if !ok || vg == "" || lv == "" {
		return errors.New("name the logical volume as VG/LV")
	}
	mounts, err := gfs2.Mounts(b.lab(), b.h.FQDN)
	if err != nil {
		return err
	}
	var unmounted []string
	for _, m := range mounts {
		if lvm.Resolve(b.h, m.Device) != "/dev/mapper/"+lvm.DMName(vg, lv) {
			continue
		}
		if _, err := gfs2.Unmount(b.h, m.Dir); err != nil {
			return err
		}
		unmounted = append(unmounted, m.Dir)
	}
	if _, err := lvm.Deactivate(b.lab(), b.h.FQDN, name, gfs2.OpenCount); err != nil {
		return err
	}
	b.done(name)
	b.want(b.h.FQDN, findings.LVInactive, name)
	for _, dir := range unmounted {
		b.want(b.h.FQDN, findings.GFS2NotMounted, dir)
	}
	return nil
}
