package lvm

import (
	"fmt"
	"sort"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/gnbd"
)

// pvTarget is a device named on a command line, as LVM finds it.
type pvTarget struct {
	arg     string
	path    string // the device file, symlinks resolved
	id      string
	sectors int64
}

// device finds a device argument: it must be a block device LVM reads.
// It prints "Device ... not found" otherwise.
func (c *cmd) device(arg string) (pvTarget, bool, error) {
	h := c.p.Host
	p := Resolve(h, c.p.Abs(arg))
	d, ok, err := blockdev.Get(h, p)
	if err != nil {
		return pvTarget{}, false, err
	}
	if !ok {
		c.error(fmtDeviceNotFound, arg)
		return pvTarget{}, false, nil
	}
	id, _, err := Identify(h, p)
	if err != nil {
		return pvTarget{}, false, err
	}
	if id == "" {
		c.error(fmtDeviceNotFound, arg)
		return pvTarget{}, false, nil
	}
	return pvTarget{arg: arg, path: p, id: id, sectors: d.Sectors}, true, nil
}

// pvcreate initializes devices as PVs. A device that is a PV of a volume
// group is refused without -ff, and with it only after a confirmation
// (or -y); a device something holds open is refused.
func pvcreate(c *cmd) int { return c.eachDevice(c.pvcreateOne) }

// eachDevice is the loop of pvcreate and pvremove: every operand must be
// a device LVM reads, on which one acts, given the state as it was read
// without the lab's lock.
func (c *cmd) eachDevice(one func(t pvTarget, s *State) (int, error)) int {
	if !c.hasOperands(msgNeedPVs) {
		return exitInvalidCmd
	}
	return c.eachOperand(func(arg string) (int, error) {
		t, ok, err := c.device(arg)
		if err != nil || !ok {
			return exitFailed, err
		}
		s, err := Load(c.p.Host.Lab)
		if err != nil {
			return 0, err
		}
		return one(t, s)
	})
}

func (c *cmd) pvcreateOne(t pvTarget, s *State) (int, error) {
	arg := t.arg
	if l := s.Labels[t.id]; l != nil {
		if vg := s.vgOfPV(l.UUID); vg != nil {
			if c.a.count("force") < 2 {
				c.error(fmtInitInVG, arg, vg.Name)
				return exitFailed, nil
			}
			if !c.a.has("yes") && !c.ask(fmt.Sprintf(fmtReallyInit, arg, vg.Name)) {
				c.print(fmtPVCreateAborted, arg)
				return exitFailed, nil
			}
			c.error(fmtForcingPV, arg, vg.Name)
		}
	}
	holders, err := gnbd.Holders(c.p.Host, t.path)
	if err != nil {
		return 0, err
	}
	if len(holders) > 0 {
		c.error(fmtCantOpenExcl, arg)
		return exitFailed, nil
	}
	uuid := c.a.str("uuid")
	if uuid == "" {
		uuid = newUUID()
	}
	refused := false
	err = change(c.p.Host.Lab, func(s *State) error {
		// A concurrent vgcreate may have taken the PV meanwhile.
		if l := s.Labels[t.id]; l != nil && c.a.count("force") < 2 {
			if vg := s.vgOfPV(l.UUID); vg != nil {
				c.error(fmtInitInVG, arg, vg.Name)
				refused = true
				return nil
			}
		}
		if s.Labels == nil {
			s.Labels = map[string]*Label{}
		}
		s.Labels[t.id] = &Label{UUID: uuid, Sectors: t.sectors}
		return nil
	})
	if err != nil || refused {
		return exitFailed, err
	}
	c.print(fmtPVCreated, arg)
	return exitOK, nil
}

// pvremove wipes PV labels; a PV of a volume group needs -ff and a
// confirmation (or -y).
func pvremove(c *cmd) int { return c.eachDevice(c.pvremoveOne) }

func (c *cmd) pvremoveOne(t pvTarget, s *State) (int, error) {
	arg := t.arg
	l := s.Labels[t.id]
	if l == nil {
		if c.a.has("force") {
			return exitOK, nil
		}
		c.error(fmtPVNotFound, arg)
		return exitFailed, nil
	}
	if vg := s.vgOfPV(l.UUID); vg != nil {
		if c.a.count("force") < 2 {
			c.error(fmtPVRemoveInVG, arg, vg.Name)
			return exitFailed, nil
		}
		if !c.a.has("yes") && !c.ask(fmt.Sprintf(fmtReallyWipe, arg, vg.Name)) {
			c.print(fmtPVRemoveAborted, arg)
			return exitFailed, nil
		}
		c.error(fmtWipingPV, arg, vg.Name)
	}
	err := change(c.p.Host.Lab, func(s *State) error {
		delete(s.Labels, t.id)
		return nil
	})
	if err != nil {
		return 0, err
	}
	c.print(fmtLabelsWiped, arg)
	return exitOK, nil
}

// pvViews are the PVs the host sees (or those named), each with its VG
// when the VG can be read; clustered VGs that cannot be are reported
// once each and their PVs left out.
func (c *cmd) pvViews(v view, names []string) ([]pvView, int, error) {
	status := exitOK
	skipped := map[string]bool{}
	var views []pvView
	add := func(d scanDev, l *Label) {
		pv := pvView{Name: d.Path, Label: l, Sectors: d.Sectors}
		if vg := v.s.vgOfPV(l.UUID); vg != nil {
			if vg.Clustered && !c.clustered {
				if !skipped[vg.Name] {
					c.error(fmtSkipClustered, vg.Name)
					skipped[vg.Name] = true
				}
				status = exitFailed
				return
			}
			pv.VG, pv.MD = vg, vg.PV(l.UUID)
		}
		views = append(views, pv)
	}
	if len(names) == 0 {
		var devs []scanDev
		for id, d := range v.sc.byID {
			if v.s.Labels[id] != nil {
				devs = append(devs, d)
			}
		}
		sort.Slice(devs, func(i, j int) bool { return devs[i].Path < devs[j].Path })
		for _, d := range devs {
			add(d, v.s.Labels[d.ID])
		}
		return views, status, nil
	}
	for _, n := range names {
		t, ok, err := c.device(n)
		if err != nil {
			return nil, 0, err
		}
		if !ok {
			status = exitFailed
			continue
		}
		l := v.s.Labels[t.id]
		if l == nil {
			c.error(fmtNoLabel, n)
			c.error(fmtFailedReadPV, n)
			status = exitFailed
			continue
		}
		add(scanDev{Path: n, ID: t.id, Sectors: t.sectors}, l)
	}
	return views, status, nil
}

// pvdisplay prints the PVs' display blocks.
func pvdisplay(c *cmd) int {
	v, status, ok := c.readOnlyView()
	if !ok {
		return status
	}
	views, status, err := c.pvViews(v, c.a.operands)
	if err != nil {
		return c.labError(err)
	}
	for _, pv := range views {
		c.out.WriteString(pvDisplay(pv))
	}
	return status
}
