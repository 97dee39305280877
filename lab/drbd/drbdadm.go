package drbd

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/kmod"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
)

// Drbdadm runs drbdadm of DRBD 8.2.6 for the commands the procedures use:
// create-md, up, down, primary (with `-- --overwrite-data-of-peer`),
// secondary, connect (with `-- --discard-my-data`, how a split brain is
// resolved), disconnect, state (and 8.3's name for it, role), cstate,
// dstate, dump-md and wipe-md. It reads /etc/drbd.conf as drbdadm does and acts through
// what drbdsetup and drbdmeta would do, reporting their failures as drbdadm
// reports a helper's.
func Drbdadm(p *host.Proc) int {
	if ok, status := packages.Present(p, "drbd82"); !ok {
		return status
	}
	a := &adm{p: p, prog: filepath.Base(p.Name), setup: "drbdsetup", meta: "drbdmeta", now: p.Now()}
	if strings.Contains(p.Name, "/") {
		dir := filepath.Dir(p.Name)
		a.setup, a.meta = filepath.Join(dir, "drbdsetup"), filepath.Join(dir, "drbdmeta")
	}
	status := a.main()
	a.flush()
	return status
}

// adm is one run of drbdadm. What it prints is buffered and written when it
// is done, or before it reads an answer, never while it holds the lab's
// lock.
type adm struct {
	p           *host.Proc
	prog        string // its name in its messages
	setup, meta string // drbdsetup and drbdmeta as it would run them
	now         time.Time
	out, err    bytes.Buffer
	setupOpts   []string // options after --, passed to drbdsetup
	conf        *Conf
}

func (a *adm) flush() {
	a.p.Stdout.Write(a.out.Bytes())
	a.p.Stderr.Write(a.err.Bytes())
	a.out.Reset()
	a.err.Reset()
}

func (a *adm) usage(addinfo string) int {
	fmt.Fprintf(&a.out, fmtUsageHead, a.prog)
	a.out.WriteString(msgUsageOptions)
	a.out.WriteString("\nCOMMANDS:\n")
	for i, c := range usageCommands {
		if i%2 == 1 {
			fmt.Fprintf(&a.out, "%-35s\n", c)
		} else {
			fmt.Fprintf(&a.out, " %-35s", c)
		}
	}
	if len(usageCommands)%2 == 1 {
		a.out.WriteString("\n")
	}
	a.out.WriteString(msgVersion)
	if addinfo != "" {
		fmt.Fprintf(&a.out, "\n%s\n", addinfo)
	}
	return exitUsage
}

// commands are what this lab's drbdadm does; up is scheduled in steps.
var commands = map[string]func(*adm, *Resource) int{
	"up":         nil,
	"down":       (*adm).down,
	"connect":    (*adm).connect,
	"disconnect": (*adm).disconnect,
	"primary":    (*adm).primary,
	"secondary":  (*adm).secondary,
	"state":      (*adm).state,
	"role":       (*adm).state,
	"cstate":     (*adm).cstate,
	"dstate":     (*adm).dstate,
	"create-md":  (*adm).createMD,
	"dump-md":    (*adm).dumpMD,
	"wipe-md":    (*adm).wipeMD,
}

// valued are drbdadm's options that take a value, by their short letter.
var valued = map[string]byte{
	"-c": 'c', "--config-file": 'c', "-s": 's', "--drbdsetup": 's', "-m": 'm', "--drbdmeta": 'm',
	"-p": 'p', "--drbd-proxy-ctl": 'p', "-n": 'n', "--sh-varname": 'n',
}

func (a *adm) main() int {
	args := a.p.Args
	if len(args) == 0 {
		return a.usage(msgMissingArgs)
	}
	configFile := ""
	var pos []string
	for i := 0; i < len(args); i++ {
		x := args[i]
		switch {
		case x == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case valued[x] != 0:
			if i+1 == len(args) {
				fmt.Fprintf(&a.err, fmtNeedsArg+"\n", a.prog, valued[x], a.prog)
				return exitExecError
			}
			i++
			if valued[x] == 'c' {
				configFile = args[i]
			}
		case strings.HasPrefix(x, "--config-file="):
			configFile = strings.TrimPrefix(x, "--config-file=")
		case x == "-v" || x == "--verbose" || x == "-f" || x == "--force":
		case x == "-d" || x == "--dry-run":
			fmt.Fprintf(&a.err, fmtNotEmulated+"\n", a.prog, "--dry-run")
			return exitExecError
		case strings.HasPrefix(x, "--"):
			fmt.Fprintf(&a.err, fmtBadLongOpt+"\n", a.prog, x, a.prog)
			return exitExecError
		case strings.HasPrefix(x, "-") && len(x) > 1:
			fmt.Fprintf(&a.err, fmtBadShortOpt+"\n", a.prog, x[1], a.prog)
			return exitExecError
		default:
			pos = append(pos, x)
		}
	}
	// Pass-through options for drbdsetup come before the command.
	for len(pos) > 0 && pos[0] != "" && (pos[0][0] == '-' || pos[0][0] == ':' || (pos[0][0] >= '0' && pos[0][0] <= '9')) {
		a.setupOpts = append(a.setupOpts, pos[0])
		pos = pos[1:]
	}
	if len(pos) == 0 {
		return a.usage("")
	}
	name := pos[0]
	if strings.HasPrefix(name, "help") {
		return a.usage("")
	}
	run, ok := commands[name]
	if !ok {
		if slices.Contains(usageCommands, name) {
			fmt.Fprintf(&a.err, fmtNotEmulated+"\n", a.prog, a.prog+" "+name)
			return exitExecError
		}
		fmt.Fprintf(&a.err, fmtUnknownCmd+"\n", name)
		return exitUsage
	}
	names := pos[1:]
	if len(names) == 0 {
		return a.usage(msgMissingRes)
	}
	if status := a.loadConf(configFile); status >= 0 {
		return status
	}

	var targets []*Resource
	rv := 0
	each := func(r *Resource) int {
		if run == nil { // up: attach, syncer and connect run after all are named
			targets = append(targets, r)
			return 0
		}
		return run(a, r)
	}
	if names[0] == "all" {
		for _, r := range a.conf.Resources {
			st := each(r)
			if st >= exitExecError {
				fmt.Fprintf(&a.err, fmtExited+"\n", a.prog, name, r.Name, st)
				return st
			}
			rv = max(rv, st)
		}
	} else {
		for _, n := range names {
			r := a.conf.Resource(n)
			if r == nil {
				fmt.Fprintf(&a.err, fmtNotDefined+"\n", n)
				return exitUsage
			}
			rv = each(r)
			if rv >= exitExecError {
				fmt.Fprintf(&a.err, fmtExited+"\n", a.prog, name, r.Name, rv)
				return rv
			}
		}
	}
	if run == nil {
		// drbdadm 8.2 runs the scheduled steps without keeping their
		// status: `up` exits 0 whatever they said.
		for _, step := range []struct {
			name string
			fn   func(*adm, *Resource) int
		}{{"attach", (*adm).attach}, {"syncer", (*adm).syncer}, {"connect", (*adm).connect}} {
			for _, r := range targets {
				if st := step.fn(a, r); st >= exitExecError {
					fmt.Fprintf(&a.err, fmtExited+"\n", a.prog, step.name, r.Name, st)
				}
			}
		}
	}
	return rv
}

// loadConf reads and checks the configuration; it returns the status to
// exit with, or -1 to go on.
func (a *adm) loadConf(file string) int {
	var data []byte
	var err error
	if file != "" {
		data, err = os.ReadFile(a.p.Host.Path(a.p.Abs(file)))
		if err != nil {
			fmt.Fprintf(&a.err, fmtCannotOpenC, file)
			return exitExecError
		}
	} else {
		for _, f := range configFiles {
			if data, err = os.ReadFile(a.p.Host.Path(f)); err == nil {
				file = f
				break
			}
		}
		if file == "" {
			fmt.Fprintf(&a.err, fmtCannotOpen, configFiles[len(configFiles)-1])
			return exitConfigInvalid
		}
	}
	conf, err := ParseConf(file, a.p.Host.FQDN, data)
	var ce *ConfError
	if errors.As(err, &ce) {
		a.err.WriteString(ce.Text)
		return ce.Status
	}
	if len(conf.Resources) == 0 {
		fmt.Fprintln(&a.err, msgNoResources)
		return 0
	}
	if err := conf.Validate(); errors.As(err, &ce) {
		a.err.WriteString(ce.Text)
		return ce.Status
	}
	a.conf = conf
	return -1
}

// failed reports a helper's failure as drbdadm does (for status 10 and up)
// and passes its status on.
func (a *adm) failed(argv []string, status int) int {
	if status >= exitSetupFailure {
		fmt.Fprintf(&a.err, fmtCommand+"\n", strings.Join(argv, " "), status)
	}
	return status
}

func (a *adm) sys(err error) int {
	fmt.Fprintf(&a.err, "%s: lab: %v\n", a.prog, err)
	return exitExecError
}

func (a *adm) me(r *Resource) *HostSection   { return r.Me(a.p.Host.FQDN) }
func (a *adm) peer(r *Resource) *HostSection { return r.Peer(a.p.Host.FQDN) }

func (a *adm) loaded() bool {
	ok, _ := kmod.Loaded(a.p.Host, "drbd")
	return ok
}

func (a *adm) speedup() float64 {
	f, err := Speedup(a.p.Host.Lab)
	if err != nil {
		return 1
	}
	return f
}

// minor is the resource's minor on this host, or -1 when the module has no
// such minor (drbdsetup's error 127).
func (a *adm) minor(r *Resource) int {
	n, ok := a.me(r).Minor()
	if !ok {
		return -1
	}
	count := defaultMinorCount
	if data, err := os.ReadFile(a.p.Host.Path(minorCountParam)); err == nil {
		if c, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
			count = c
		}
	}
	if n >= count {
		return -1
	}
	return n
}

func options(opts []Option) []string {
	var out []string
	for _, o := range opts {
		if o.Value == "" {
			out = append(out, "--"+o.Name)
		} else {
			out = append(out, "--"+o.Name+"="+o.Value)
		}
	}
	return out
}

func (a *adm) generic(r *Resource, cmd string) []string {
	return append([]string{a.setup, a.me(r).Device, cmd}, a.setupOpts...)
}

func (a *adm) metaArgv(r *Resource, cmd string) []string {
	me := a.me(r)
	md := me.MetaDisk
	if md == internalMeta {
		md = me.Disk
	}
	return append([]string{a.meta, me.Device, metaFormat, md, me.MetaIndex, cmd}, a.setupOpts...)
}

func (a *adm) noModule(argv []string) int {
	a.err.WriteString(msgNoModule)
	return a.failed(argv, exitExecError)
}

// newDevice is a device configured from the resource's sections.
func (a *adm) newDevice(r *Resource, minor int) *Device {
	me, peer := a.me(r), a.peer(r)
	_, twoPrimaries := a.conf.Option(r, "net", "allow-two-primaries")
	return &Device{
		Host: a.p.Host.FQDN, Resource: r.Name, Minor: minor, Path: me.Device,
		Address: me.Address, PeerHost: peer.Name, PeerAddress: peer.Address,
		Protocol: a.conf.protocol(r), TwoPrimaries: twoPrimaries, RateKB: a.conf.RateKB(r),
		Role: Secondary,
	}
}

// errNoChange leaves the state as it was after a refused change.
var errNoChange = errors.New("no change")

func (a *adm) change(fn func(*State) error) error {
	err := change(a.p.Host.Lab, a.now, fn)
	if err == errNoChange {
		return nil
	}
	return err
}

// attach is `drbdsetup DEV disk LOWER META INDEX`: the backing disk with
// valid meta data becomes the device's.
func (a *adm) attach(r *Resource) int {
	me := a.me(r)
	md := me.MetaDisk
	if md == internalMeta {
		md = me.Disk
	}
	argv := append([]string{a.setup, me.Device, "disk", me.Disk, md, me.MetaIndex, setDefaults, createDevice}, options(a.conf.options(r, "disk"))...)
	if !a.loaded() {
		return a.noModule(argv)
	}
	if me.MetaDisk != internalMeta {
		fmt.Fprintf(&a.err, fmtExternalMeta, me.MetaDisk)
		return a.failed(argv, exitExecError)
	}
	minor := a.minor(r)
	if minor < 0 {
		a.err.WriteString(msgMinorInvalid)
		return a.failed(argv, exitSetupFailure)
	}
	speedup := a.speedup()
	var msg string
	err := a.change(func(s *State) error {
		d := s.Device(a.p.Host.FQDN, minor)
		switch _, ok, err := blockdev.Get(a.p.Host, me.Disk); {
		case err != nil:
			return err
		case d != nil && d.Disk != "":
			msg = msgHaveDisk
		case !ok:
			msg = msgNoDisk
		case s.MetaOf(a.p.Host.FQDN, me.Disk) == nil:
			msg = msgNoMeta
		}
		if msg != "" {
			return errNoChange
		}
		if d == nil {
			d = a.newDevice(r, minor)
			s.addDevice(d)
		}
		d.Disk = me.Disk
		m := s.MetaOf(d.Host, d.Disk)
		if err := blockdev.Create(a.p.Host, d.Path, blockdev.Device{Sectors: m.Sectors, Major: drbdMajor, Minor: minor, Backing: d.Disk}); err != nil {
			return err
		}
		s.connect(d, a.now, speedup)
		return nil
	})
	if err != nil {
		return a.sys(err)
	}
	if msg != "" {
		a.err.WriteString(msg)
		return a.failed(argv, exitSetupFailure)
	}
	return 0
}

// syncer is `drbdsetup DEV syncer`: the resync rate.
func (a *adm) syncer(r *Resource) int {
	argv := append([]string{a.setup, a.me(r).Device, "syncer", setDefaults, createDevice}, options(a.conf.options(r, "syncer"))...)
	if !a.loaded() {
		return a.noModule(argv)
	}
	minor := a.minor(r)
	if minor < 0 {
		a.err.WriteString(msgMinorInvalid)
		return a.failed(argv, exitSetupFailure)
	}
	err := a.change(func(s *State) error {
		d := s.Device(a.p.Host.FQDN, minor)
		if d == nil {
			return errNoChange
		}
		d.RateKB = a.conf.RateKB(r)
		return nil
	})
	if err != nil {
		return a.sys(err)
	}
	return 0
}

// connect is `drbdsetup DEV net ME PEER PROTOCOL`: from now on the device
// is connected whenever its peer's is configured to match.
func (a *adm) connect(r *Resource) int {
	me, peer := a.me(r), a.peer(r)
	argv := []string{a.setup, me.Device, "net", me.Address, peer.Address, a.conf.protocol(r), setDefaults, createDevice}
	argv = append(append(argv, options(a.conf.options(r, "net"))...), a.setupOpts...)
	discard := false
	for _, o := range a.setupOpts {
		switch o {
		case discardLong, discardShort:
			discard = true
		default:
			fmt.Fprintf(&a.err, fmtSetupBadOpt, "net", o)
			return a.failed(argv, exitExecError)
		}
	}
	if !a.loaded() {
		return a.noModule(argv)
	}
	minor := a.minor(r)
	if minor < 0 {
		a.err.WriteString(msgMinorInvalid)
		return a.failed(argv, exitSetupFailure)
	}
	speedup := a.speedup()
	haveNet := false
	err := a.change(func(s *State) error {
		d := s.Device(a.p.Host.FQDN, minor)
		if d != nil && d.Net {
			haveNet = true
			return errNoChange
		}
		if d == nil {
			d = a.newDevice(r, minor)
			s.addDevice(d)
		}
		n := a.newDevice(r, minor)
		d.Net, d.Address, d.PeerHost, d.PeerAddress = true, n.Address, n.PeerHost, n.PeerAddress
		d.Protocol, d.TwoPrimaries, d.DiscardMyData = n.Protocol, n.TwoPrimaries, discard
		s.connect(d, a.now, speedup)
		if d.Disk == "" {
			// Diskless: as big as the peer's disk, once connected.
			var sectors int64
			if m := s.devMeta(s.peerOf(d)); m != nil {
				sectors = m.Sectors
			}
			return blockdev.Create(a.p.Host, d.Path, blockdev.Device{Sectors: sectors, Major: drbdMajor, Minor: minor})
		}
		return nil
	})
	if err != nil {
		return a.sys(err)
	}
	if haveNet {
		a.err.WriteString(msgHaveNet)
		return a.failed(argv, exitSetupFailure)
	}
	return 0
}

// down is `drbdsetup DEV down`: the device is unconfigured, and with it
// the connection; its meta data stays. drbdsetup succeeds at it even
// without the module.
func (a *adm) down(r *Resource) int {
	minor := a.minor(r)
	if !a.loaded() || minor < 0 {
		return 0
	}
	err := a.change(func(s *State) error {
		d := s.Device(a.p.Host.FQDN, minor)
		if d == nil {
			return errNoChange
		}
		return s.down(a.p.Host, d, a.now)
	})
	if err != nil {
		return a.sys(err)
	}
	return 0
}

// disconnect is `drbdsetup DEV disconnect`: the network part goes and the
// device stands alone; its peer waits for it. A device already standing
// alone, or unconfigured, is no failure.
func (a *adm) disconnect(r *Resource) int {
	argv := a.generic(r, "disconnect")
	if !a.loaded() {
		return a.noModule(argv)
	}
	minor := a.minor(r)
	missing := false
	err := a.change(func(s *State) error {
		if minor < 0 || !s.allocated(a.p.Host.FQDN, minor) {
			missing = true
			return errNoChange
		}
		d := s.Device(a.p.Host.FQDN, minor)
		if d == nil || !d.Net {
			return errNoChange
		}
		return s.dropNet(a.p.Host, d, a.now)
	})
	switch {
	case err != nil:
		return a.sys(err)
	case missing:
		a.err.WriteString(msgMinorInvalid)
		return a.failed(argv, exitSetupFailure)
	}
	return 0
}

func (a *adm) primary(r *Resource) int {
	argv := a.generic(r, "primary")
	overwrite := false
	for _, o := range a.setupOpts {
		switch o {
		case overwriteLong, overwriteShort:
			overwrite = true
		default:
			fmt.Fprintf(&a.err, fmtSetupBadOpt, "primary", o)
			return a.failed(argv, exitExecError)
		}
	}
	if !a.loaded() {
		return a.noModule(argv)
	}
	minor := a.minor(r)
	speedup := a.speedup()
	code, missing := 0, false
	err := a.change(func(s *State) error {
		d := s.Device(a.p.Host.FQDN, max(minor, 0))
		switch {
		case minor < 0 || !s.allocated(a.p.Host.FQDN, minor):
			missing = true
			return errNoChange
		case d == nil:
			code = errNoUpToDate // unconfigured: Diskless, no peer
			return errNoChange
		}
		if code = s.primary(d, overwrite, a.now, speedup); code != 0 {
			return errNoChange
		}
		return nil
	})
	switch {
	case err != nil:
		return a.sys(err)
	case missing:
		a.err.WriteString(msgMinorInvalid)
		return a.failed(argv, exitSetupFailure)
	case code != 0:
		fmt.Fprintf(&a.err, fmtStateFailed, code, stateErrors[code])
		return a.failed(argv, exitStateChange)
	}
	return 0
}

func (a *adm) secondary(r *Resource) int {
	argv := a.generic(r, "secondary")
	minor := a.minor(r)
	if !a.loaded() {
		return 0
	}
	missing := false
	err := a.change(func(s *State) error {
		d := s.Device(a.p.Host.FQDN, max(minor, 0))
		switch {
		case minor < 0 || !s.allocated(a.p.Host.FQDN, minor):
			missing = true
			return errNoChange
		case d == nil:
			return errNoChange // unconfigured: Secondary already
		}
		d.Role = Secondary
		return nil
	})
	switch {
	case err != nil:
		return a.sys(err)
	case missing:
		a.err.WriteString(msgMinorInvalid)
		return a.failed(argv, exitSetupFailure)
	}
	return 0
}

// query prints what drbdsetup's state, cstate or dstate prints: one
// word pair of the device, or Unconfigured when it is down.
func (a *adm) query(r *Resource, cmd string, answer func(Status) string) int {
	if !a.loaded() {
		return a.noModule(a.generic(r, cmd))
	}
	s, err := load(a.p.Host.Lab)
	if err != nil {
		return a.sys(err)
	}
	minor := a.minor(r)
	d := s.Device(a.p.Host.FQDN, max(minor, 0))
	if minor < 0 || d == nil {
		a.out.WriteString(unconfiguredAnswer)
		return 0
	}
	a.out.WriteString(answer(s.Status(d, a.now)) + "\n")
	return 0
}

func (a *adm) state(r *Resource) int {
	return a.query(r, "state", func(st Status) string { return st.Role + "/" + st.PeerRole })
}

func (a *adm) cstate(r *Resource) int {
	return a.query(r, "cstate", func(st Status) string { return st.CState })
}

// dstate falls back to drbdmeta, which reads the meta data, when drbdsetup
// cannot answer (no module).
func (a *adm) dstate(r *Resource) int {
	if a.loaded() {
		return a.query(r, "dstate", func(st Status) string { return st.Disk + "/" + st.PeerDisk })
	}
	m, status := a.readMeta(r, "dstate")
	if m == nil {
		return status
	}
	if m.State == UpToDate {
		a.out.WriteString(consistentUnknown)
	} else {
		a.out.WriteString(inconsistentUnkwn)
	}
	return 0
}

// attached is drbdmeta's check that the device is not using the disk.
func (a *adm) attached(s *State, r *Resource) bool {
	minor := a.minor(r)
	d := s.Device(a.p.Host.FQDN, max(minor, 0))
	return minor >= 0 && d != nil && d.Disk != ""
}

// readMeta is how drbdmeta starts every command: refuse an attached
// device, open the disk, find the meta data. It returns nil and the status
// to exit with when any of that fails.
func (a *adm) readMeta(r *Resource, cmd string) (*Meta, int) {
	argv := a.metaArgv(r, cmd)
	me := a.me(r)
	s, err := load(a.p.Host.Lab)
	if err != nil {
		return nil, a.sys(err)
	}
	if a.attached(s, r) {
		fmt.Fprintf(&a.err, fmtConfigured, me.Device)
		return nil, a.failed(argv, exitExecError)
	}
	if _, ok, err := blockdev.Get(a.p.Host, me.Disk); err != nil || !ok {
		fmt.Fprintf(&a.err, fmtOpenFailed, me.Disk)
		return nil, a.failed(argv, exitExecError)
	}
	m := s.MetaOf(a.p.Host.FQDN, me.Disk)
	if m == nil {
		a.err.WriteString(msgV08NotFound + msgNoValidMD)
		return nil, a.failed(argv, exitMetaNoValidMD)
	}
	return m, 0
}

// createMD writes fresh meta data: Inconsistent, nothing to resync. Over
// existing meta data drbdmeta asks first, and anything but "yes" (the end
// of input of a non-interactive run included) cancels with status 1.
func (a *adm) createMD(r *Resource) int {
	argv := a.metaArgv(r, "create-md")
	me := a.me(r)
	if me.MetaDisk != internalMeta {
		fmt.Fprintf(&a.err, fmtExternalMeta, me.MetaDisk)
		return a.failed(argv, exitExecError)
	}
	s, err := load(a.p.Host.Lab)
	if err != nil {
		return a.sys(err)
	}
	if a.attached(s, r) {
		fmt.Fprintf(&a.err, fmtConfigured, me.Device)
		return a.failed(argv, exitExecError)
	}
	disk, ok, err := blockdev.Get(a.p.Host, me.Disk)
	if err != nil {
		return a.sys(err)
	}
	if !ok {
		// read-dev-uuid first, then create-md: both fail to open.
		fmt.Fprintf(&a.err, fmtOpenFailed+fmtOpenFailed, me.Disk, me.Disk)
		return a.failed(argv, exitExecError)
	}
	if s.MetaOf(a.p.Host.FQDN, me.Disk) != nil {
		a.err.WriteString(msgV07NotFound + msgV07NotFound)
		fmt.Fprintf(&a.err, fmtExistingMD, me.Disk, mdOffset(disk.Sectors)*512)
		a.out.WriteString(msgOverwriteMD)
		a.flush()
		line := ""
		if a.p.Stdin != nil {
			line, _ = bufio.NewReader(a.p.Stdin).ReadString('\n')
		}
		a.out.WriteString("\n")
		if line != "yes\n" {
			a.out.WriteString(msgCancelled)
			return 1
		}
	} else {
		a.err.WriteString(msgV08NotFound + msgV07NotFound + msgV07NotFound + msgV08NotFound)
	}
	configured := false
	err = a.change(func(s *State) error {
		if a.attached(s, r) {
			configured = true
			return errNoChange
		}
		s.Meta[metaKey(a.p.Host.FQDN, me.Disk)] = &Meta{
			Host: a.p.Host.FQDN, Disk: me.Disk, Sectors: UsableSectors(disk.Sectors),
			State: Inconsistent, Created: a.now,
		}
		return nil
	})
	switch {
	case err != nil:
		return a.sys(err)
	case configured:
		fmt.Fprintf(&a.err, fmtConfigured, me.Device)
		return a.failed(argv, exitExecError)
	}
	a.out.WriteString(msgCreatedMD)
	return 0
}

// dumpMD prints the meta data roughly as drbdmeta's dump-md does; what
// matters to a runbook is its status: 0 with meta data, 255 without.
func (a *adm) dumpMD(r *Resource) int {
	m, status := a.readMeta(r, "dump-md")
	if m == nil {
		return status
	}
	flags := 0
	if m.State == UpToDate {
		flags = 0x17 // consistent, was up to date, connected
	}
	left := int64(0)
	if m.Sync != nil {
		left = m.Sync.Left(a.now)
	}
	words := ((m.Sectors+7)/8 + 63) / 64
	fmt.Fprintf(&a.out, "version \"v08\";\n\nuuid {\n\t0x%016X; 0x0000000000000000; 0x0000000000000000; 0x0000000000000000;\n\tflags 0x%08X;\n}\nla-size-sect %d;\nbm-byte-per-bit 4096;\ndevice-uuid 0x%016X;\nbm {\n",
		uint64(m.Created.UnixNano())|4, flags, m.Sectors, uint64(m.Created.Unix()))
	switch {
	case left > 0:
		fmt.Fprintf(&a.out, "   # at 0kB\n\t %d times 0xFFFFFFFFFFFFFFFF;\n", (left+63)/64)
		if rest := words - (left+63)/64; rest > 0 {
			fmt.Fprintf(&a.out, "\t %d times 0x0000000000000000;\n", rest)
		}
	default:
		fmt.Fprintf(&a.out, "   # at 0kB\n\t %d times 0x0000000000000000;\n", words)
	}
	a.out.WriteString("}\n")
	return 0
}

func (a *adm) wipeMD(r *Resource) int {
	argv := a.metaArgv(r, "wipe-md")
	me := a.me(r)
	s, err := load(a.p.Host.Lab)
	if err != nil {
		return a.sys(err)
	}
	if a.attached(s, r) {
		fmt.Fprintf(&a.err, fmtConfigured, me.Device)
		return a.failed(argv, exitExecError)
	}
	if _, ok, err := blockdev.Get(a.p.Host, me.Disk); err != nil || !ok {
		fmt.Fprintf(&a.err, fmtOpenFailed, me.Disk)
		return a.failed(argv, exitExecError)
	}
	wiped := false
	err = a.change(func(s *State) error {
		key := metaKey(a.p.Host.FQDN, me.Disk)
		if s.Meta[key] == nil || a.attached(s, r) {
			return errNoChange
		}
		delete(s.Meta, key)
		wiped = true
		return nil
	})
	if err != nil {
		return a.sys(err)
	}
	if !wiped {
		a.err.WriteString(msgNoMDToWipe)
		return 0
	}
	a.out.WriteString(msgWipedMD)
	return 0
}
