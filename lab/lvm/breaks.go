package lvm

import (
	"errors"
	"fmt"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// What lab break does to LVM (package breaks).

// ErrClvmdNotRunning is a break of a clvmd that does not run.
var ErrClvmdNotRunning = errors.New("clvmd is not running")

// ClvmdDies is clvmd dying on a host (killed, or crashed): the LVs stay
// active, as the kernel's, and the init script's lock stays behind, so
// `/etc/init.d/clvmd status` says "clvmd dead but subsys locked" until it
// is started again.
func ClvmdDies(lab, fqdn string) error {
	h, err := host.Open(lab, fqdn)
	if err != nil {
		return err
	}
	return change(h.Lab, func(s *State) error {
		up, err := clvmdUp(h.Lab, s, h.FQDN)
		if err != nil {
			return err
		}
		if !up {
			return fmt.Errorf("%s: %w", h.FQDN, ErrClvmdNotRunning)
		}
		delete(s.Clvmd, h.FQDN)
		return nil
	})
}

// ActiveOn lists the LVs active on a host, as VG/LV.
func ActiveOn(lab, fqdn string) ([]string, error) {
	s, err := Load(lab)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, vg := range s.VGs {
		for _, lv := range vg.LVs {
			if s.isActive(fqdn, lv.UUID) {
				names = append(names, vg.Name+"/"+lv.Name)
			}
		}
	}
	return names, nil
}

// Deactivate is `lvchange -aln VG/LV` on a host: the LV's device goes from
// that host only, and `lvs` shows it inactive there. name "" takes the
// first LV active on the host. Like LVM it refuses an LV that is open
// (open counts it: a mounted file system); unlike lvchange it needs no
// clvmd. It returns the LV as VG/LV.
func Deactivate(lab, fqdn, name string, open Opener) (string, error) {
	h, err := host.Open(lab, fqdn)
	if err != nil {
		return "", err
	}
	err = change(h.Lab, func(s *State) error {
		var vg *VG
		var lv *LV
		for _, g := range s.VGs {
			for i := range g.LVs {
				l := &g.LVs[i]
				if s.isActive(h.FQDN, l.UUID) && (name == "" || name == g.Name+"/"+l.Name) && lv == nil {
					vg, lv = g, l
				}
			}
		}
		if lv == nil {
			if name == "" {
				return fmt.Errorf("%s has no active logical volume", h.FQDN)
			}
			return fmt.Errorf("%s: %s is not an active logical volume there", h.FQDN, name)
		}
		name = vg.Name + "/" + lv.Name
		if open != nil {
			n, err := open(h, lvDevice(vg, lv))
			if err != nil {
				return err
			}
			if n > 0 {
				return fmt.Errorf("%s: %s is open (mounted?)", h.FQDN, name)
			}
		}
		return deactivate(h, s, vg, lv)
	})
	return name, err
}
