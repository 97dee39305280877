package lvm

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// LVM's exit statuses (errors.h): a command that did its work exits 0.
const (
	exitOK         = 0
	exitInvalidCmd = 3 // EINVALID_CMD_LINE
	exitFailed     = 5 // ECMD_FAILED
)

// command is one LVM2 command: its option table and what it does.
type command struct {
	opts []opt
	run  func(c *cmd) int
}

// commands are the LVM2 commands the lab emulates, by name; each is also
// an lvm subcommand ("lvm pvcreate ...").
var commands = commandTable()

// Names lists the LVM commands, for the lab to link them.
func Names() []string {
	names := []string{"lvm"}
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// commandTable builds commands, whose option lists share options.
func commandTable() map[string]command {
	force := opt{'f', "force", false, "force"}
	yes := opt{'y', "yes", false, "yes"}
	autobackup := opt{'A', "autobackup", true, "autobackup"}
	units := opt{0, "units", true, "units"}
	alloc := opt{0, "alloc", true, "alloc"}
	addtag := opt{0, "addtag", true, "addtag"}
	reportOpts := []opt{
		{'o', "options", true, "options"}, {'O', "sort", true, "sort"},
		{0, "noheadings", false, "noheadings"}, {0, "nosuffix", false, "nosuffix"},
		{0, "separator", true, "separator"}, {0, "aligned", false, "aligned"},
		{0, "unbuffered", false, "unbuffered"}, {'a', "all", false, "all"},
		{'P', "partial", false, "partial"}, {0, "ignorelockingfailure", false, "ignorelockingfailure"},
		units,
	}
	return map[string]command{
		"pvcreate": {[]opt{force, yes, {'u', "uuid", true, "uuid"}, {'Z', "zero", true, "zero"},
			{'M', "metadatatype", true, "metadatatype"}, {0, "metadatacopies", true, "metadatacopies"},
			{0, "metadatasize", true, "metadatasize"}, {0, "setphysicalvolumesize", true, "setphysicalvolumesize"},
			{0, "restorefile", true, "restorefile"}}, pvcreate},
		"pvremove": {[]opt{force, yes}, pvremove},
		"vgcreate": {[]opt{{'c', "clustered", true, "clustered"}, {'s', "physicalextentsize", true, "extentsize"},
			{'l', "maxlogicalvolumes", true, "maxlv"}, {'p', "maxphysicalvolumes", true, "maxpv"},
			{'M', "metadatatype", true, "metadatatype"}, autobackup, addtag, alloc}, vgcreate},
		"vgextend": {[]opt{autobackup}, vgextend},
		"vgremove": {[]opt{force}, vgremove},
		"vgchange": {[]opt{{'a', "available", true, "available"}, {'c', "clustered", true, "clustered"},
			autobackup, {0, "ignorelockingfailure", false, "ignorelockingfailure"}, {'P', "partial", false, "partial"}}, vgchange},
		"lvcreate": {[]opt{{'l', "extents", true, "extents"}, {'L', "size", true, "size"}, {'n', "name", true, "name"},
			{'i', "stripes", true, "stripes"}, {'I', "stripesize", true, "stripesize"}, {'C', "contiguous", true, "contiguous"},
			{'r', "readahead", true, "readahead"}, {'Z', "zero", true, "zero"}, {'p', "permission", true, "permission"},
			{'M', "persistent", true, "persistent"}, {0, "major", true, "major"}, {0, "minor", true, "minor"},
			autobackup, addtag, alloc}, lvcreate},
		"lvextend": {[]opt{{'l', "extents", true, "extents"}, {'L', "size", true, "size"},
			{'i', "stripes", true, "stripes"}, {'I', "stripesize", true, "stripesize"}, {'n', "nofsck", false, "nofsck"},
			autobackup, alloc}, lvextend},
		"lvchange": {[]opt{{'a', "available", true, "available"}, {'r', "readahead", true, "readahead"},
			{'p', "permission", true, "permission"}, {'C', "contiguous", true, "contiguous"}, autobackup,
			{0, "ignorelockingfailure", false, "ignorelockingfailure"}, {'P', "partial", false, "partial"}}, lvchange},
		"lvremove": {[]opt{force, autobackup}, lvremove},
		"pvdisplay": {[]opt{{'c', "colon", false, "colon"}, {'C', "columns", false, "columns"}, {'m', "maps", false, "maps"},
			{'s', "short", false, "short"}, units}, pvdisplay},
		"vgdisplay": {[]opt{{'c', "colon", false, "colon"}, {'C', "columns", false, "columns"}, {'s', "short", false, "short"},
			{'A', "activevolumegroups", false, "active"}, units}, vgdisplay},
		"lvdisplay": {append([]opt{{'c', "colon", false, "colon"}, {'C', "columns", false, "columns"},
			{'m', "maps", false, "maps"}}, reportOpts...), lvdisplay},
		"pvs":    {reportOpts, func(c *cmd) int { return report(c, pvsReport) }},
		"vgs":    {reportOpts, func(c *cmd) int { return report(c, vgsReport) }},
		"lvs":    {reportOpts, func(c *cmd) int { return report(c, lvsReport) }},
		"vgscan": {[]opt{{0, "mknodes", false, "mknodes"}, {0, "ignorelockingfailure", false, "ignorelockingfailure"}}, vgscan},
		"lvscan": {[]opt{{'a', "all", false, "all"}, {'b', "blockdevice", false, "blockdevice"},
			{0, "ignorelockingfailure", false, "ignorelockingfailure"}}, lvscan},
	}
}

// cmd is one run of an LVM command on a host. Output is buffered and
// written when the command ends, so that nothing is written to a pipe
// while the lab's lock is held.
type cmd struct {
	p    *host.Proc
	name string
	a    args
	out  bytes.Buffer
	err  bytes.Buffer
	// clustered tells whether clustered locking (clvmd) is in use.
	clustered bool
	stdin     *bufio.Reader
	// open counts the holders of a device outside LVM.
	open Opener
}

func (c *cmd) print(format string, args ...any) {
	fmt.Fprintf(&c.out, prefix+format+"\n", args...)
}

func (c *cmd) error(format string, args ...any) {
	fmt.Fprintf(&c.err, prefix+format+"\n", args...)
}

func (c *cmd) flush() {
	c.p.Stdout.Write(c.out.Bytes())
	c.p.Stderr.Write(c.err.Bytes())
	c.out.Reset()
	c.err.Reset()
}

func (c *cmd) labError(err error) int {
	c.flush()
	fmt.Fprintf(c.p.Stderr, fmtLabError+"\n", c.p.Name, err)
	return exitFailed
}

// ask prints an LVM question as yes_no_prompt does (plainly, without the
// log prefix) and reads the answer: the first "y" or "n" it reads; end of
// input is "n".
func (c *cmd) ask(question string) bool {
	c.flush()
	fmt.Fprint(c.p.Stdout, question)
	for {
		line, err := c.stdin.ReadString('\n')
		for _, ch := range strings.ToLower(line) {
			switch ch {
			case 'y':
				return true
			case 'n':
				return false
			}
		}
		if err != nil {
			return false
		}
	}
}

// Cmd is the LVM2 binary, /usr/sbin/lvm, that every LVM command links to:
// it runs the command by the name it was invoked as (pvcreate, ...), or
// lvm with the command as its first argument. open tells it which devices
// other holders keep open (nil: none).
func Cmd(open Opener) func(*host.Proc) int {
	return func(p *host.Proc) int { return run(p, open) }
}

func run(p *host.Proc, open Opener) int {
	name := path.Base(p.Name)
	argv := p.Args
	if name == "lvm" {
		if len(argv) == 0 {
			fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, msgLVMShell)
			return exitInvalidCmd
		}
		name, argv = argv[0], argv[1:]
		if name == "version" {
			fmt.Fprint(p.Stdout, versionText)
			return exitOK
		}
	}
	com, ok := commands[name]
	if !ok {
		fmt.Fprintf(p.Stderr, prefix+fmtNoSuchCommand+"\n")
		return exitInvalidCmd
	}
	c := &cmd{p: p, name: name, open: open}
	if p.Stdin != nil {
		c.stdin = bufio.NewReader(p.Stdin)
	} else {
		c.stdin = bufio.NewReader(strings.NewReader(""))
	}
	a, ok := parseArgs(p.Name, argv, com.opts, p.Stderr)
	if !ok {
		fmt.Fprintf(p.Stderr, prefix+msgParseError+"\n")
		return exitInvalidCmd
	}
	c.a = a
	switch {
	case a.has("version"):
		fmt.Fprint(p.Stdout, versionText)
		return exitOK
	case a.has("help"):
		fmt.Fprintf(p.Stderr, fmtNotEmulated+"\n", p.Name, name+" --help")
		return exitOK
	}
	status := com.run(c)
	c.flush()
	return status
}

// versionText is what `lvm version` prints on CentOS 5.2.
const versionText = prefix + "LVM version:     2.02.32-RHEL5 (2008-03-04)\n" +
	prefix + "Library version: 1.02.24 (2007-12-20)\n" +
	prefix + "Driver version:  4.11.5\n"

// initLocking sets up locking as lvm.conf says, printing LVM's warnings:
// type 3 needs clvmd running on the host; without it LVM falls back to
// local file-based locking (unless fallback_to_local_locking = 0), under
// which clustered volume groups are skipped. ok is false when locking
// could not be set up at all.
// locked is initLocking as a command's first step: ok is false when the
// command must stop, with status as its exit status.
func (c *cmd) locked() (status int, ok bool) {
	ok, err := c.initLocking()
	switch {
	case err != nil:
		return c.labError(err), false
	case !ok:
		return exitFailed, false
	}
	return exitOK, true
}

// hasOperands tells whether the command line names anything to act on,
// printing need, LVM's complaint, when it does not (exit
// EINVALID_CMD_LINE).
func (c *cmd) hasOperands(need string) bool {
	if len(c.a.operands) == 0 {
		c.error(need)
		return false
	}
	return true
}

// eachOperand is the loop of the commands that act on their operands one
// by one: it takes the command's lock and runs one on every operand in
// turn, exiting with the worst status of theirs. An error one returns is
// the lab's and ends the command.
func (c *cmd) eachOperand(one func(arg string) (int, error)) int {
	if status, ok := c.locked(); !ok {
		return status
	}
	status := exitOK
	for _, arg := range c.a.operands {
		st, err := one(arg)
		if err != nil {
			return c.labError(err)
		}
		status = max(status, st)
	}
	return status
}

// changeView runs fn on the shared state, as this host sees it, under the
// lab's lock; an error from fn leaves the state as it was.
func (c *cmd) changeView(fn func(s *State, v view) error) error {
	return change(c.p.Host.Lab, func(s *State) error {
		v, err := c.view(s)
		if err != nil {
			return err
		}
		return fn(s, v)
	})
}

// reported is the error of a step that prints its own failures: err, or
// errReported when the step failed.
func reported(ok bool, err error) error {
	if err == nil && !ok {
		return errReported
	}
	return err
}

// invalidArg is LVM's complaint about an option's argument.
func (c *cmd) invalidArg(arg string) int {
	c.error(fmtInvalidArg, arg)
	c.error(msgParseError)
	return exitInvalidCmd
}

func (c *cmd) initLocking() (ok bool, err error) {
	conf, err := readConf(c.p.Host)
	if err != nil {
		return false, err
	}
	switch conf.LockingType {
	case 0:
		c.error(msgLockingDisabled)
		return true, nil
	case 1:
		return true, nil
	case 2:
		c.error(msgExternalLib)
		if !conf.FallbackToClusteredLocking {
			return c.lockingFallback(conf)
		}
		fallthrough
	case 3:
		s, err := Load(c.p.Host.Lab)
		if err != nil {
			return false, err
		}
		up, err := clvmdUp(c.p.Host.Lab, s, c.p.Host.FQDN)
		if err != nil {
			return false, err
		}
		if up {
			c.clustered = true
			return true, nil
		}
		c.error(msgConnectFailed)
		return c.lockingFallback(conf)
	default:
		c.error(fmtLockingFailed, conf.LockingType)
		return false, nil
	}
}

func (c *cmd) lockingFallback(conf Conf) (bool, error) {
	if !conf.FallbackToLocalLocking {
		c.error(fmtLockingFailed, conf.LockingType)
		return false, nil
	}
	c.error(msgFallbackLocal)
	c.error(msgClusteredGone)
	return true, nil
}

// view is what the command sees on its host: the shared state and the
// host's device scan.
type view struct {
	s  *State
	sc scanned
}

func (c *cmd) view(s *State) (view, error) {
	sc, err := scan(c.p.Host, s)
	if err != nil {
		return view{}, err
	}
	for _, w := range sc.warnings {
		c.error("%s", w)
	}
	return view{s: s, sc: sc}, nil
}

// visible tells whether the host sees any PV of a VG.
func (v view) visible(vg *VG) bool {
	for _, pv := range vg.PVs {
		if _, ok := v.sc.pvPath(v.s, pv.UUID); ok {
			return true
		}
	}
	return false
}

// vgNames are the VGs a command's operands name (/dev/VG or VG), or
// without operands every VG the host sees; ok is false, LVM's message
// said, when there are none.
func (c *cmd) vgNames(v view) (names []string, ok bool) {
	for _, arg := range c.a.operands {
		names = append(names, vgName(arg))
	}
	if len(names) > 0 {
		return names, true
	}
	for _, vg := range v.visibleVGs() {
		names = append(names, vg.Name)
	}
	if len(names) == 0 {
		c.error(msgNoVGs)
		return nil, false
	}
	return names, true
}

// visibleVGs are the VGs the host sees, by name.
func (v view) visibleVGs() []*VG {
	var vgs []*VG
	for _, vg := range v.s.VGs {
		if v.visible(vg) {
			vgs = append(vgs, vg)
		}
	}
	sort.Slice(vgs, func(i, j int) bool { return vgs[i].Name < vgs[j].Name })
	return vgs
}

// readVG is vg_read with its lock: the VG must be seen, complete, and
// clustered only under clustered locking. It prints LVM's errors.
func (c *cmd) readVG(v view, name string) *VG {
	vg := v.s.VG(name)
	if vg == nil || !v.visible(vg) {
		c.error(fmtVGNotFound, name)
		return nil
	}
	if vg.Clustered && !c.clustered {
		c.error(fmtSkipClustered, name)
		return nil
	}
	var missing []string
	for _, pv := range vg.PVs {
		if _, ok := v.sc.pvPath(v.s, pv.UUID); !ok {
			missing = append(missing, pv.UUID)
		}
	}
	if len(missing) > 0 {
		for _, u := range missing {
			c.error(fmtMissingPV, u)
		}
		c.error(fmtMissingPVs, name)
		c.error(fmtVGNotFound, name)
		return nil
	}
	return vg
}

// vgName strips the device directory off a VG argument ("/dev/VG0").
func vgName(arg string) string {
	return strings.TrimSuffix(strings.TrimPrefix(arg, "/dev/"), "/")
}

// lvArg splits an LV argument, /dev/VG/LV or VG/LV, into its names; ok is
// false for a bare LV name.
func lvArg(arg string) (vg, lv string, ok bool) {
	arg = strings.TrimPrefix(arg, "/dev/")
	vg, lv, ok = strings.Cut(arg, "/")
	if !ok || vg == "" || lv == "" || strings.Contains(lv, "/") {
		return "", "", false
	}
	return vg, lv, true
}

// validName tells whether a VG or LV name is one LVM accepts.
func validName(n string) bool {
	if n == "" || n == "." || n == ".." || n[0] == '-' || len(n) > 128 {
		return false
	}
	for _, ch := range n {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.ContainsRune("+_.-", ch)) {
			return false
		}
	}
	return true
}

// targets are the hosts an activation change of an LV of vg reaches:
// with clustered locking and a clustered VG every host running clvmd in
// the cluster (the requesting one first), otherwise only this host.
func (c *cmd) targets(s *State, vg *VG, local bool) ([]string, error) {
	me := c.p.Host.FQDN
	if local || !vg.Clustered || !c.clustered {
		return []string{me}, nil
	}
	peers, err := clusterPeers(c.p.Host.Lab, s, me)
	if err != nil {
		return nil, err
	}
	out := []string{me}
	for _, p := range peers {
		if p != me {
			out = append(out, p)
		}
	}
	return out, nil
}

// hostView opens another lab host and scans its devices.
func hostView(lab, fqdn string, s *State) (host.Host, scanned, error) {
	h, err := host.Open(lab, fqdn)
	if err != nil {
		return host.Host{}, scanned{}, err
	}
	sc, err := scan(h, s)
	return h, sc, err
}

// setActive activates or deactivates an LV on the given hosts, as the
// cluster lock request clvmd passes to every node does. It reports the
// failures as LVM does (a remote node's as "Error locking on node") and
// returns whether all succeeded.
func (c *cmd) setActive(s *State, vg *VG, lv *LV, on bool, hosts []string) (bool, error) {
	ok := true
	me := c.p.Host.FQDN
	for _, fqdn := range hosts {
		h, sc, err := hostView(c.p.Host.Lab, fqdn, s)
		if err != nil {
			return false, err
		}
		fail := func(msg string) {
			ok = false
			if fqdn == me {
				c.error("%s", msg)
			} else {
				c.error(fmtErrorLocking, nodeName(c.p.Host.Lab, fqdn), msg)
			}
		}
		if on {
			if err := activate(h, s, sc, vg, lv); err != nil {
				if strings.HasPrefix(err.Error(), "Volume group for uuid") {
					fail(err.Error())
					continue
				}
				return false, err
			}
			continue
		}
		if !s.isActive(fqdn, lv.UUID) {
			continue
		}
		open, err := c.openCount(h, lvDevice(vg, lv))
		if err != nil {
			return false, err
		}
		if open > 0 {
			fail(fmt.Sprintf(fmtInUse, vg.Name, lv.Name))
			continue
		}
		if err := deactivate(h, s, vg, lv); err != nil {
			return false, err
		}
	}
	return ok, nil
}

// activeHosts lists the hosts where an LV is active, by name.
func activeHosts(s *State, uuid string) []string {
	var hs []string
	for h := range s.Active {
		if s.isActive(h, uuid) {
			hs = append(hs, h)
		}
	}
	sort.Strings(hs)
	return hs
}

// refresh rebuilds an LV's device on every host where it is active, after
// its size or segments changed (clvmd's suspend and resume on each node).
func (c *cmd) refresh(s *State, vg *VG, lv *LV) error {
	for _, fqdn := range activeHosts(s, lv.UUID) {
		h, sc, err := hostView(c.p.Host.Lab, fqdn, s)
		if err != nil {
			return err
		}
		if err := activate(h, s, sc, vg, lv); err != nil && !strings.HasPrefix(err.Error(), "Volume group for uuid") {
			return err
		}
	}
	return nil
}
