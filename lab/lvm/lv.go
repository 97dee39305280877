package lvm

import (
	"fmt"
	"sort"
)

// allocate finds n free extents for lv in vg, on the PVs named by UUID
// (all of the VG's, in its order, when none are), lowest extents first,
// and appends them to its segments, growing the last segment when the
// new extents follow it on the same PV (the "normal" policy, simplified).
func allocate(vg *VG, lv *LV, n int, pvs []string) bool {
	if len(pvs) == 0 {
		for _, pv := range vg.PVs {
			pvs = append(pvs, pv.UUID)
		}
	}
	used := map[string][]bool{}
	for _, pv := range vg.PVs {
		used[pv.UUID] = make([]bool, pv.PECount)
	}
	for _, l := range vg.LVs {
		for _, s := range l.Segments {
			for i := s.PE; i < s.PE+s.Extents && i < len(used[s.PV]); i++ {
				used[s.PV][i] = true
			}
		}
	}
	free := 0
	for _, u := range pvs {
		for _, x := range used[u] {
			if !x {
				free++
			}
		}
	}
	if free < n {
		return false
	}
	for _, u := range pvs {
		for i := 0; i < len(used[u]) && n > 0; i++ {
			if used[u][i] {
				continue
			}
			if k := len(lv.Segments) - 1; k >= 0 && lv.Segments[k].PV == u && lv.Segments[k].PE+lv.Segments[k].Extents == i {
				lv.Segments[k].Extents++
			} else {
				lv.Segments = append(lv.Segments, Segment{PV: u, PE: i, Extents: 1})
			}
			used[u][i] = true
			n--
		}
	}
	return true
}

// pvUUIDs resolves the PV arguments that restrict an allocation.
func (c *cmd) pvUUIDs(v view, vg *VG, args []string) ([]string, bool, error) {
	var out []string
	for _, arg := range args {
		t, ok, err := c.device(arg)
		if err != nil || !ok {
			return nil, false, err
		}
		l := v.s.Labels[t.id]
		if l == nil || vg.PV(l.UUID) == nil {
			c.error(fmtPVNotInVG, arg, vg.Name)
			return nil, false, nil
		}
		out = append(out, l.UUID)
	}
	return out, true, nil
}

// extentsWanted works out -l or -L against a VG: an absolute count or
// one relative to current; a size is rounded up to whole extents.
func (c *cmd) extentsWanted(vg *VG, current int) (n int, sign byte, ok bool) {
	switch {
	case c.a.has("extents") && c.a.has("size"):
		c.error(msgNeedExtents)
		return 0, 0, false
	case c.a.has("extents"):
		e, good := parseExtents(c.a.str("extents"))
		if !good {
			c.invalidArg(c.a.str("extents"))
			return 0, 0, false
		}
		n := int(e.n)
		switch e.percent {
		case "VG":
			n = vg.ExtentCount() * n / 100
		case "FREE":
			n = vg.FreeCount() * n / 100
		}
		return n, e.sign, true
	case c.a.has("size"):
		sz, good := parseSize(c.a.str("size"))
		if !good {
			c.invalidArg(c.a.str("size"))
			return 0, 0, false
		}
		n := int((sz.n + vg.ExtentSize - 1) / vg.ExtentSize)
		if int64(n)*vg.ExtentSize != sz.n {
			c.print(fmtRoundingUp, displaySize(int64(n)*vg.ExtentSize, sizeShort, humanUnits))
		}
		return n, sz.sign, true
	}
	c.error(msgNeedSize)
	return 0, 0, false
}

// lvcreate creates a linear LV and activates it: on every node running
// clvmd for a clustered VG.
func lvcreate(c *cmd) int {
	if !c.hasOperands(msgNeedVGName) {
		return exitInvalidCmd
	}
	if !c.a.has("extents") && !c.a.has("size") {
		c.error(msgNeedSize)
		return exitInvalidCmd
	}
	name := vgName(c.a.operands[0])
	lvName := c.a.str("name")
	if vg, lv, ok := lvArg(c.a.operands[0]); ok {
		name = vg
		if lvName == "" {
			lvName = lv
		}
	}
	if lvName != "" && !validName(lvName) {
		c.error(fmtBadLVName, lvName)
		return exitInvalidCmd
	}
	if status, ok := c.locked(); !ok {
		return status
	}
	err := c.changeView(func(s *State, v view) error {
		vg := c.readVG(v, name)
		if vg == nil {
			return errReported
		}
		n, sign, ok := c.extentsWanted(vg, 0)
		if !ok {
			return errReported
		}
		if sign == '-' || n == 0 {
			c.error(msgNoExtents)
			return errReported
		}
		if lvName == "" {
			for i := 0; ; i++ {
				if vg.LV(fmt.Sprintf("lvol%d", i)) == nil {
					lvName = fmt.Sprintf("lvol%d", i)
					break
				}
			}
		}
		if vg.LV(lvName) != nil {
			c.error(fmtLVExists, lvName, vg.Name)
			return errReported
		}
		pvs, ok, err := c.pvUUIDs(v, vg, c.a.operands[1:])
		if err != nil {
			return err
		}
		if !ok {
			return errReported
		}
		lv := LV{Name: lvName, UUID: newUUID()}
		if !allocate(vg, &lv, n, pvs) {
			c.error(fmtInsufficient, vg.FreeCount(), vg.Name, n)
			return errReported
		}
		vg.LVs = append(vg.LVs, lv)
		vg.Seqno++
		hosts, err := c.targets(s, vg, false)
		if err != nil {
			return err
		}
		created := vg.LV(lvName)
		ok, err = c.setActive(s, vg, created, true, hosts)
		if err != nil {
			return err
		}
		if !ok {
			c.error(msgFailedActivate)
			return errReported
		}
		c.print(fmtLVCreated, lvName)
		return nil
	})
	return c.status(err)
}

// lvTarget finds an LV argument in a VG the command can read.
func (c *cmd) lvTarget(v view, arg string) (*VG, *LV) {
	vgN, lvN, ok := lvArg(arg)
	if !ok {
		c.error(fmtPathRequired, arg)
		return nil, nil
	}
	vg := c.readVG(v, vgN)
	if vg == nil {
		return nil, nil
	}
	lv := vg.LV(lvN)
	if lv == nil {
		c.error(fmtLVNotFoundInVG, lvN, vgN)
		return vg, nil
	}
	return vg, lv
}

// lvextend grows an LV and refreshes its device wherever it is active.
// The file system on it is grown separately (gfs2_grow).
func lvextend(c *cmd) int {
	if !c.hasOperands(msgNeedLVPath) {
		return exitInvalidCmd
	}
	if !c.a.has("extents") && !c.a.has("size") {
		c.error(msgNeedSize)
		return exitInvalidCmd
	}
	if _, _, ok := lvArg(c.a.operands[0]); !ok {
		c.error(fmtPathRequired, c.a.operands[0])
		return exitInvalidCmd
	}
	if status, ok := c.locked(); !ok {
		return status
	}
	err := c.changeView(func(s *State, v view) error {
		vg, lv := c.lvTarget(v, c.a.operands[0])
		if lv == nil {
			return errReported
		}
		cur := lv.Extents()
		n, sign, ok := c.extentsWanted(vg, cur)
		if !ok {
			return errReported
		}
		target := n
		switch sign {
		case '+':
			target = cur + n
		case '-':
			target = cur - n
		}
		if target <= cur {
			c.error(fmtNewSizeSmaller, target, cur)
			return errReported
		}
		pvs, ok, err := c.pvUUIDs(v, vg, c.a.operands[1:])
		if err != nil {
			return err
		}
		if !ok {
			return errReported
		}
		c.print(fmtExtending, lv.Name, displaySize(int64(target)*vg.ExtentSize, sizeShort, humanUnits))
		if !allocate(vg, lv, target-cur, pvs) {
			c.error(fmtInsufficientExt, target-cur, vg.FreeCount())
			return errReported
		}
		vg.Seqno++
		if err := c.refresh(s, vg, lv); err != nil {
			return err
		}
		c.print(fmtResized, lv.Name)
		return nil
	})
	return c.status(err)
}

// lvchange -a activates or deactivates LVs.
func lvchange(c *cmd) int {
	if !c.a.has("available") {
		c.error(msgNeedOneOf)
		return exitInvalidCmd
	}
	if !c.hasOperands(msgNeedLVPaths) {
		return exitInvalidCmd
	}
	on, local, ok := activation(c.a.str("available"))
	if !ok {
		return c.invalidArg(c.a.str("available"))
	}
	return c.eachOperand(func(arg string) (int, error) {
		err := c.changeView(func(s *State, v view) error {
			vg, lv := c.lvTarget(v, arg)
			if lv == nil {
				return errReported
			}
			hosts, err := c.targets(s, vg, local)
			if err != nil {
				return err
			}
			return reported(c.setActive(s, vg, lv, on, hosts))
		})
		return c.status(err), nil
	})
}

// lvremove removes LVs, asking first for an active one unless -f.
func lvremove(c *cmd) int {
	if !c.hasOperands(msgNeedLVPaths) {
		return exitInvalidCmd
	}
	return c.eachOperand(func(arg string) (int, error) {
		if !c.a.has("force") {
			v, err := c.loadView()
			if err != nil {
				return 0, err
			}
			vg, lv := c.lvTarget(v, arg)
			if lv == nil {
				return exitFailed, nil
			}
			inf, err := c.info(c.p.Host, v.s, vg, lv)
			if err != nil {
				return 0, err
			}
			if inf.Active && inf.Open == 0 && !c.ask(fmt.Sprintf(fmtReallyRemoveLV, lv.Name)) {
				c.print(fmtLVNotRemoved, lv.Name)
				return exitFailed, nil
			}
		}
		err := c.changeView(func(s *State, v view) error {
			vg, lv := c.lvTarget(v, arg)
			if lv == nil {
				return errReported
			}
			return reported(c.removeLV(s, vg, lv))
		})
		return c.status(err), nil
	})
}

// lvsOf lists the LVs lvdisplay, lvs and lvscan show: those named (by
// LV path or by VG), or all of the VGs the host can read.
func (c *cmd) lvsOf(v view) ([]lvRow, int, error) {
	status := exitOK
	var rows []lvRow
	addVG := func(vg *VG, only string) error {
		names := map[string]string{}
		for _, pv := range vg.PVs {
			if d, ok := v.sc.pvPath(v.s, pv.UUID); ok {
				names[pv.UUID] = d.Path
			}
		}
		for i := range vg.LVs {
			lv := &vg.LVs[i]
			if only != "" && lv.Name != only {
				continue
			}
			inf, err := c.info(c.p.Host, v.s, vg, lv)
			if err != nil {
				return err
			}
			rows = append(rows, lvRow{vg: vg, lv: lv, info: inf, pvNames: names})
		}
		return nil
	}
	if len(c.a.operands) == 0 {
		vgs := v.visibleVGs()
		if len(vgs) == 0 {
			c.error(msgNoVGs)
			return nil, exitOK, nil
		}
		for _, vg := range vgs {
			if r := c.readVG(v, vg.Name); r == nil {
				status = exitFailed
				continue
			}
			if err := addVG(vg, ""); err != nil {
				return nil, 0, err
			}
		}
		return rows, status, nil
	}
	notFound := false
	for _, arg := range c.a.operands {
		vgN, lvN, isLV := lvArg(arg)
		if !isLV {
			vgN = vgName(arg)
		}
		vg := c.readVG(v, vgN)
		if vg == nil {
			status = exitFailed
			continue
		}
		if isLV && vg.LV(lvN) == nil {
			notFound = true
			continue
		}
		if err := addVG(vg, lvN); err != nil {
			return nil, 0, err
		}
	}
	if notFound {
		c.error(msgLVsNotFound)
		status = exitFailed
	}
	return rows, status, nil
}

// lvdisplay prints the LVs' display blocks.
func lvdisplay(c *cmd) int {
	if c.a.has("columns") {
		return report(c, lvsReport)
	}
	v, status, ok := c.readOnlyView()
	if !ok {
		return status
	}
	rows, status, err := c.lvsOf(v)
	if err != nil {
		return c.labError(err)
	}
	for _, r := range rows {
		c.out.WriteString(lvDisplay(r.vg, r.lv, r.info))
	}
	return status
}

// lvscan lists the LVs, active or not, with their sizes.
func lvscan(c *cmd) int {
	c.a.operands = nil
	v, status, ok := c.readOnlyView()
	if !ok {
		return status
	}
	rows, status, err := c.lvsOf(v)
	if err != nil {
		return c.labError(err)
	}
	for _, r := range rows {
		state := "inactive"
		if r.info.Active {
			state = "ACTIVE"
		}
		c.print(fmtLvscanLine, state, "/dev", r.vg.Name, r.lv.Name, displaySize(int64(r.lv.Extents())*r.vg.ExtentSize, sizeShort, humanUnits))
	}
	return status
}

// readOnlyView sets up locking and reads the state and the host's scan;
// when it cannot, it has said why and status is the exit status.
func (c *cmd) readOnlyView() (v view, status int, ok bool) {
	if status, ok := c.locked(); !ok {
		return view{}, status, false
	}
	v, err := c.loadView()
	if err != nil {
		return view{}, c.labError(err), false
	}
	return v, exitOK, true
}

// loadView reads the shared state, as this host sees it, without the
// lab's lock.
func (c *cmd) loadView() (view, error) {
	s, err := Load(c.p.Host.Lab)
	if err != nil {
		return view{}, err
	}
	return c.view(s)
}

// report is pvs, vgs and lvs (and lvdisplay -C).
func report(c *cmd, kind reportKind) int {
	o := reportOpts{fields: c.a.str("options"), noHeadings: c.a.has("noheadings"), separator: c.a.str("separator"),
		aligned: c.a.has("aligned"), units: humanUnits}
	if c.a.has("units") {
		u := c.a.str("units")
		if !validUnits(u) {
			return c.invalidArg(u)
		}
		o.units = units{typ: u[0], suffix: true}
	}
	if c.a.has("nosuffix") {
		o.units.suffix = false
	}
	fs, bad := parseFields(kind, o.fields)
	if bad != "" {
		c.error(fmtNoSuchField, bad)
		return exitFailed
	}
	v, status, ok := c.readOnlyView()
	if !ok {
		return status
	}
	var rows [][]string
	row := func(field func(name string) string) {
		var r []string
		for _, f := range fs {
			r = append(r, field(f.name))
		}
		rows = append(rows, r)
	}
	switch kind {
	case pvsReport:
		views, st, err := c.pvViews(v, c.a.operands)
		if err != nil {
			return c.labError(err)
		}
		status = st
		for _, pv := range views {
			row(func(name string) string { return pvField(name, pv, o.units) })
		}
	case vgsReport:
		names, ok := c.vgNames(v)
		if !ok {
			return exitOK
		}
		sort.Strings(names)
		for _, n := range names {
			vg := c.readVG(v, n)
			if vg == nil {
				status = exitFailed
				continue
			}
			row(func(name string) string { return vgField(name, vg, o.units) })
		}
	case lvsReport:
		lvRows, st, err := c.lvsOf(v)
		if err != nil {
			return c.labError(err)
		}
		status = st
		for _, lr := range lvRows {
			row(func(name string) string { return lvField(name, lr, o.units) })
		}
	}
	if len(rows) > 0 {
		c.out.WriteString(formatReport(fs, rows, o))
	}
	return status
}
