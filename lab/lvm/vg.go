package lvm

import (
	"errors"
	"slices"
)

// errReported is a failure the command has already printed.
var errReported = errors.New("reported")

// status turns the error of a state change into an exit status.
func (c *cmd) status(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errReported):
		return exitFailed
	default:
		return c.labError(err)
	}
}

// addPVs checks devices for a VG (vg_extend): each must exist, carry a PV
// label and belong to no VG. It prints LVM's errors for those that fail.
func (c *cmd) addPVs(v view, vgName string, args []string) ([]PVMD, bool, error) {
	var pvs []PVMD
	ok := true
	for _, arg := range args {
		t, found, err := c.device(arg)
		if err != nil {
			return nil, false, err
		}
		if !found {
			c.error(fmtUnableToAddPV, arg, vgName)
			ok = false
			continue
		}
		l := v.s.Labels[t.id]
		if l == nil {
			c.error(fmtNoLabel, arg)
			c.error(fmtNotExistingPV, arg)
			c.error(fmtUnableToAddPV, arg, vgName)
			ok = false
			continue
		}
		if other := v.s.vgOfPV(l.UUID); other != nil {
			c.error(fmtPVInOtherVG, arg, other.Name)
			c.error(fmtUnableToAddPV, arg, vgName)
			ok = false
			continue
		}
		if slices.ContainsFunc(pvs, func(p PVMD) bool { return p.UUID == l.UUID }) {
			continue
		}
		pvs = append(pvs, PVMD{UUID: l.UUID, DevSize: t.sectors})
	}
	return pvs, ok, nil
}

// hasVGAndPVs tells whether the command line names a VG and PVs, as
// vgcreate and vgextend need, printing needVG or that PVs are needed when
// it does not.
func (c *cmd) hasVGAndPVs(needVG string) bool {
	switch len(c.a.operands) {
	case 0:
		c.error(needVG)
		return false
	case 1:
		c.error(msgNeedPVNames)
		return false
	}
	return true
}

// vgcreate creates a volume group. It is clustered with -c y, or by
// default when clustered locking is in use.
func vgcreate(c *cmd) int {
	if !c.hasVGAndPVs(msgNeedVGAndPVs) {
		return exitInvalidCmd
	}
	if status, ok := c.locked(); !ok {
		return status
	}
	clustered := c.clustered
	if c.a.has("clustered") {
		v, ok := yesNo(c.a.str("clustered"))
		if !ok {
			return c.invalidArg(c.a.str("clustered"))
		}
		clustered = v
	}
	extent := int64(ExtentSectors)
	if c.a.has("extentsize") {
		sz, ok := parseSize(c.a.str("extentsize"))
		if !ok || sz.sign != 0 || sz.n <= 0 {
			return c.invalidArg(c.a.str("extentsize"))
		}
		extent = sz.n
	}
	name := vgName(c.a.operands[0])
	if !validName(name) {
		c.error(fmtBadVGName, name)
		return exitInvalidCmd
	}
	err := c.changeView(func(s *State, v view) error {
		if vg := s.VG(name); vg != nil && v.visible(vg) {
			c.error(fmtVGExists, name)
			return errReported
		}
		pvs, ok, err := c.addPVs(v, name, c.a.operands[1:])
		if err != nil {
			return err
		}
		if !ok {
			return errReported
		}
		for i := range pvs {
			pvs[i].PEStart = PEStart
			pvs[i].PECount = int((pvs[i].DevSize - PEStart) / extent)
		}
		s.VGs = append(s.VGs, &VG{Name: name, UUID: newUUID(), Clustered: clustered, Seqno: 1, ExtentSize: extent, PVs: pvs})
		msg := ""
		switch {
		case clustered:
			msg = "Clustered "
		case c.clustered:
			msg = "Non-clustered "
		}
		v2 := 'V'
		if msg != "" {
			v2 = 'v'
		}
		c.print(fmtVGCreated, msg, v2, name)
		return nil
	})
	return c.status(err)
}

// vgextend adds PVs to a volume group.
func vgextend(c *cmd) int {
	if !c.hasVGAndPVs(msgNeedVGNameExt) {
		return exitInvalidCmd
	}
	if status, ok := c.locked(); !ok {
		return status
	}
	name := vgName(c.a.operands[0])
	err := c.changeView(func(s *State, v view) error {
		vg := c.readVG(v, name)
		if vg == nil {
			return errReported
		}
		pvs, ok, err := c.addPVs(v, name, c.a.operands[1:])
		if err != nil {
			return err
		}
		if !ok {
			return errReported
		}
		for _, pv := range pvs {
			pv.PEStart = PEStart
			pv.PECount = int((pv.DevSize - PEStart) / vg.ExtentSize)
			vg.PVs = append(vg.PVs, pv)
		}
		vg.Seqno++
		c.print(fmtVGExtended, name)
		return nil
	})
	return c.status(err)
}

// removeLV deactivates an LV everywhere and drops it from its VG's
// metadata; an LV open on this host, or on another, is refused.
func (c *cmd) removeLV(s *State, vg *VG, lv *LV) (bool, error) {
	inf, err := c.info(c.p.Host, s, vg, lv)
	if err != nil {
		return false, err
	}
	if inf.Open > 0 {
		c.error(fmtCantRemoveOpen, lv.Name)
		return false, nil
	}
	hosts := activeHosts(s, lv.UUID)
	if len(hosts) > 0 {
		ok, err := c.setActive(s, vg, lv, false, hosts)
		if err != nil {
			return false, err
		}
		if !ok {
			c.error(fmtUnableDeactivate, lv.Name)
			return false, nil
		}
	}
	name := lv.Name
	vg.LVs = slices.DeleteFunc(vg.LVs, func(l LV) bool { return l.UUID == lv.UUID })
	vg.Seqno++
	c.print(fmtLVRemoved, name)
	return true, nil
}

// vgremove removes volume groups; one that still has LVs needs -f, which
// removes them first.
func vgremove(c *cmd) int {
	if !c.hasOperands(msgNeedVGName) {
		return exitInvalidCmd
	}
	return c.eachOperand(func(arg string) (int, error) {
		name := vgName(arg)
		err := c.changeView(func(s *State, v view) error {
			vg := c.readVG(v, name)
			if vg == nil {
				return errReported
			}
			if len(vg.LVs) > 0 && !c.a.has("force") {
				c.error(fmtVGStillHasLVs, name, len(vg.LVs))
				return errReported
			}
			for len(vg.LVs) > 0 {
				lv := vg.LVs[0]
				if err := reported(c.removeLV(s, vg, &lv)); err != nil {
					return err
				}
			}
			s.VGs = slices.DeleteFunc(s.VGs, func(x *VG) bool { return x == vg })
			c.print(fmtVGRemoved, name)
			return nil
		})
		return c.status(err), nil
	})
}

// vgchange -a activates or deactivates every LV of volume groups (on the
// cluster's nodes for a clustered VG, on this one with -aly/-aln); -c
// changes the clustered flag.
func vgchange(c *cmd) int {
	if !c.a.has("available") && !c.a.has("clustered") {
		c.error(msgNeedOneOfVG)
		return exitInvalidCmd
	}
	var on, local bool
	if c.a.has("available") {
		var ok bool
		on, local, ok = activation(c.a.str("available"))
		if !ok {
			return c.invalidArg(c.a.str("available"))
		}
	}
	var clustered bool
	if c.a.has("clustered") {
		var ok bool
		if clustered, ok = yesNo(c.a.str("clustered")); !ok {
			return c.invalidArg(c.a.str("clustered"))
		}
	}
	if status, ok := c.locked(); !ok {
		return status
	}
	status := exitOK
	err := c.changeView(func(s *State, v view) error {
		names, ok := c.vgNames(v)
		if !ok {
			return nil
		}
		for _, name := range names {
			vg := c.readVG(v, name)
			if vg == nil {
				status = exitFailed
				continue
			}
			if c.a.has("clustered") {
				if vg.Clustered != clustered {
					vg.Clustered = clustered
					vg.Seqno++
				}
				c.print(fmtVGChanged, name)
			}
			if !c.a.has("available") {
				continue
			}
			st, err := c.vgAvailable(s, vg, on, local)
			if err != nil {
				return err
			}
			status = max(status, st)
		}
		return nil
	})
	if err != nil {
		return c.status(err)
	}
	return status
}

// vgAvailable is vgchange -a on one VG.
func (c *cmd) vgAvailable(s *State, vg *VG, on, local bool) (int, error) {
	if !on {
		open := 0
		for i := range vg.LVs {
			inf, err := c.info(c.p.Host, s, vg, &vg.LVs[i])
			if err != nil {
				return 0, err
			}
			if inf.Open > 0 {
				open++
			}
		}
		if open > 0 {
			c.error(fmtVGOpenLVs, vg.Name, open)
			return exitFailed, nil
		}
	}
	hosts, err := c.targets(s, vg, local)
	if err != nil {
		return 0, err
	}
	status := exitOK
	for i := range vg.LVs {
		ok, err := c.setActive(s, vg, &vg.LVs[i], on, hosts)
		if err != nil {
			return 0, err
		}
		if !ok {
			status = exitFailed
		}
	}
	active := 0
	for _, lv := range vg.LVs {
		if s.isActive(c.p.Host.FQDN, lv.UUID) {
			active++
		}
	}
	c.print(fmtNowActive, active, vg.Name)
	return status, nil
}

// vgdisplay prints the VGs' display blocks.
func vgdisplay(c *cmd) int {
	v, status, ok := c.readOnlyView()
	if !ok {
		return status
	}
	names, ok := c.vgNames(v)
	if !ok {
		return exitOK
	}
	for _, name := range names {
		vg := c.readVG(v, name)
		if vg == nil {
			status = exitFailed
			continue
		}
		open := 0
		for i := range vg.LVs {
			inf, err := c.info(c.p.Host, v.s, vg, &vg.LVs[i])
			if err != nil {
				return c.labError(err)
			}
			if inf.Open > 0 {
				open++
			}
		}
		c.out.WriteString(vgDisplay(vg, open))
	}
	return status
}

// vgscan lists the volume groups the host's disks carry.
func vgscan(c *cmd) int {
	v, status, ok := c.readOnlyView()
	if !ok {
		return status
	}
	c.print(msgScanning)
	vgs := v.visibleVGs()
	if len(vgs) == 0 {
		c.error(msgNoVGs)
	}
	for _, vg := range vgs {
		c.print(fmtFoundVG, vg.Name)
	}
	return exitOK
}
