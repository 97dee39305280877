package gnbd

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/cman"
	"github.com/tetsuzuki/tetsuzuki/lab/getopt"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/kmod"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
)

// The actions of gnbd_import, each selected by one flag.
const (
	fenceAction = 1 + iota
	removeImportAction
	importAction
	listImportsAction
	validateImportsAction
	listExportedAction
	removeAllImportsAction
	unfenceAction
	listBannedAction
	uidAction
)

var importFlags = map[int]byte{fenceAction: 's', removeImportAction: 'r', importAction: 'i', listImportsAction: 'l',
	validateImportsAction: 'a', listExportedAction: 'e', removeAllImportsAction: 'R', unfenceAction: 'u', listBannedAction: 'c', uidAction: 'U'}

// ImportCmd runs gnbd_import: -i SERVER imports every export of a server not
// yet imported, -l (the default) lists the imports, -r NAME... and -R
// remove them (refused while a device-mapper device holds one open), -e
// SERVER lists a server's exports and -U DEVICE prints the uid multipath
// groups paths by. Like the real tool it needs cman running on the host
// (unless -n) and, to touch devices, the gnbd module loaded.
//
// uevent, when not nil, is called after gnbd_import has created devices on
// a host, outside the lab's lock: it stands for the uevent the import
// triggers, through which a running multipathd takes the new paths
// (multipath.Uevent).
func ImportCmd(uevent func(h host.Host) error) func(*host.Proc) int {
	return func(p *host.Proc) int { return importCmd(p, uevent) }
}

func importCmd(p *host.Proc, uevent func(h host.Host) error) int {
	if ok, status := packages.Present(p, "gnbd"); !ok {
		return status
	}
	t := &tool{p: p, prog: progImport}
	opts, operands := getopt.Parse(p.Name, p.Args, "ac:e:hi:lnOp:qRrs:t:U:u:Vv", p.Stderr)
	var (
		action                      int
		server, fenceServer, device string
		override, verbose           bool
	)
	clustered, port := true, DefaultPort
	setAction := t.oneAction(&action, importFlags)
	for _, o := range opts {
		ok := true
		switch o.C {
		case '?':
			fmt.Fprintln(p.Stderr, msgUseH)
			return 1
		case 'a':
			ok = setAction(validateImportsAction)
		case 'c':
			ok = setAction(listBannedAction)
			server = o.Arg
		case 'e':
			ok = setAction(listExportedAction)
			server = o.Arg
		case 'h':
			fmt.Fprint(p.Stdout, msgImportUsage)
			return 0
		case 'i':
			ok = setAction(importAction)
			server = o.Arg
		case 'l':
			ok = setAction(listImportsAction)
		case 'n':
			clustered = false
		case 'O':
			override = true
		case 'p':
			n, valid := scanUint(o.Arg)
			if !valid {
				t.printe(fmtImportBadPort, o.Arg)
				return 1
			}
			port = int(uint16(n))
		case 'q':
			if verbose {
				t.printe(msgQuietVerb)
				return 1
			}
			t.quiet = true
		case 'R':
			ok = setAction(removeAllImportsAction)
		case 'r':
			ok = setAction(removeImportAction)
		case 's':
			ok = setAction(fenceAction)
			server = o.Arg
		case 't':
			fenceServer = o.Arg
		case 'U':
			ok = setAction(uidAction)
			device = o.Arg
		case 'u':
			ok = setAction(unfenceAction)
			server = o.Arg
		case 'V':
			fmt.Fprintf(p.Stdout, fmtVersion, p.Name)
			return 0
		case 'v':
			if t.quiet {
				t.printe(msgQuietVerb)
				return 1
			}
			verbose = true
		}
		if !ok {
			return 1
		}
	}
	if action == 0 {
		action = listImportsAction
	}
	h := p.Host
	if clustered {
		up, err := cman.IsRunning(h.Lab, h.FQDN)
		if err != nil {
			return t.labError(err)
		}
		if !up {
			t.printe(fmtNoNodeName, errConnRefused)
			t.printe(msgUseN)
			return 1
		}
	}
	if fenceServer != "" && action != fenceAction && action != unfenceAction {
		t.printe(msgTOnlyWithSU)
		return 1
	}
	if len(operands) > 0 && action != removeImportAction {
		t.printe(fmtExtraOperand, operands[0])
		fmt.Fprintln(p.Stderr, msgUseHLower)
		return 1
	}
	switch action {
	case fenceAction, unfenceAction:
		if fenceServer == "" {
			t.printe(fmtNeedT, "-"+string(importFlags[action]))
			return 1
		}
		fallthrough
	case listBannedAction:
		fmt.Fprintf(p.Stderr, fmtNotEmulated+"\n", p.Name, "IO fencing")
		return 1
	case listExportedAction:
		return t.listExported(server, port)
	}

	loaded, err := kmod.Loaded(h, "gnbd")
	if err != nil {
		return t.labError(err)
	}
	if !loaded {
		t.printe(msgNoModule)
		return 1
	}
	if _, err := os.Stat(h.Path("/dev/gnbd")); err != nil {
		if err := os.MkdirAll(h.Path("/dev/gnbd"), 0o755); err != nil {
			return t.labError(err)
		}
		t.printm(msgCreatedDir)
	}

	switch action {
	case importAction:
		return t.importFrom(server, port, clustered, uevent)
	case removeImportAction:
		if len(operands) == 0 {
			t.printe(msgMissingOperand)
			fmt.Fprintln(p.Stderr, msgUseHLower)
			return 1
		}
		for _, name := range operands {
			if status := t.removeImport(name, override); status != 0 {
				return status
			}
		}
		return 0
	case removeAllImportsAction:
		s, err := load(h.Lab, h.FQDN)
		if err != nil {
			return t.labError(err)
		}
		if cl := s.Clients[h.FQDN]; cl != nil {
			for _, imp := range cl.Imports {
				if status := t.removeImport(imp.Name, override); status != 0 {
					return status
				}
			}
		}
		return 0
	case uidAction:
		return t.uid(device)
	case validateImportsAction:
		return t.validate()
	default:
		return t.listImports()
	}
}

// resolve finds the lab host a server name stands for, as getaddrinfo
// would through the hosts' shared /etc/hosts.
func resolve(lab, name string) (string, bool) {
	h, err := host.Open(lab, name)
	if err != nil {
		return "", false
	}
	return h.FQDN, true
}

// serverFor is the server a client reaches at name and port, read into
// the view, or the message gnbd_import prints when it cannot connect. An
// error is the lab's.
func (s *State) serverFor(name string, port int) (fqdn string, srv *Server, fail string, err error) {
	fqdn, ok := resolve(s.lab, name)
	if !ok {
		return "", nil, fmt.Sprintf(fmtCannotConnect, name, -1, errNoRoute), nil
	}
	if err := s.add(fqdn); err != nil {
		return "", nil, "", err
	}
	srv = s.running(fqdn)
	if srv == nil || srv.Port != port {
		return "", nil, fmt.Sprintf(fmtCannotConnect, name, -1, errConnRefused), nil
	}
	return fqdn, srv, "", nil
}

// importFrom imports every export of a server that the host has not
// imported yet, each on the lowest free minor. A device already imported
// from the same server is left alone, so importing again changes nothing.
func (t *tool) importFrom(server string, port int, clustered bool, uevent func(h host.Host) error) int {
	h := t.p.Host
	var out []string
	var fail string
	created := false
	printm := func(prog, format string, args ...any) {
		// gnbd_recvd and gnbd_monitor are started without -q.
		if prog != progImport || !t.quiet {
			out = append(out, fmt.Sprintf(fmtPrintm+format, append([]any{prog}, args...)...))
		}
	}
	err := change(h.Lab, []string{h.FQDN}, func(s *State) error {
		fqdn, srv, connectFail, err := s.serverFor(server, port)
		if err != nil {
			return err
		}
		if connectFail != "" {
			fail = connectFail
			return errReported
		}
		cl := s.client(h.FQDN)
		// Devices created before a failure stay, as the real tool
		// exits halfway: from here on the state is saved.
		for _, e := range srv.Exports {
			if e.Timeout != 0 && !clustered {
				fail = msgUncachedN
				return nil
			}
			if i := slices.IndexFunc(cl.Imports, func(imp Import) bool { return imp.Name == e.Name }); i >= 0 {
				imp := &cl.Imports[i]
				switch {
				case imp.Host == fqdn && imp.Port == port:
					// gnbd_recvd reconnects on its own, or is
					// started again if it is gone.
					restartRecvd(imp, printm)
				case e.Timeout != 0:
					out = append(out, fmt.Sprintf(fmtPrinte+fmtNoReimport, progImport, e.Name))
				default:
					printm(progImport, fmtReimporting, imp.Name, imp.Server, imp.Port)
					imp.Server, imp.Host, imp.Port = server, fqdn, port
				}
				continue
			}
			minor := freeMinor(cl)
			if minor < 0 {
				fail = msgNoMinor
				return nil
			}
			imp := Import{Name: e.Name, Minor: minor, Server: server, Host: fqdn, Port: port, Sectors: e.Sectors, Readonly: e.Readonly, Timeout: e.Timeout}
			dev := blockdev.Device{Sectors: e.Sectors, Major: Major, Minor: minor, Backing: fqdn + ":" + e.Name}
			for _, path := range []string{imp.NamedPath(), imp.Path()} {
				if err := blockdev.Create(h, path, dev); err != nil {
					return err
				}
			}
			cl.Imports = append(cl.Imports, imp)
			slices.SortFunc(cl.Imports, func(a, b Import) int { return a.Minor - b.Minor })
			created = true
			printm(progImport, fmtImported, e.Name)
			if e.Timeout != 0 && !cl.Monitor {
				cl.Monitor = true
				printm(progMonitor, fmtMonitorStarted, minor)
			}
			printm(progRecvd, msgRecvdStarted)
		}
		return nil
	})
	for _, line := range out {
		if strings.Contains(line, ": ERROR ") {
			fmt.Fprintln(t.p.Stderr, line)
		} else {
			fmt.Fprintln(t.p.Stdout, line)
		}
	}
	if err != nil && !errors.Is(err, errReported) {
		return t.labError(err)
	}
	if created && uevent != nil {
		if err := uevent(h); err != nil {
			fmt.Fprintf(t.p.Stderr, fmtLabError+"\n", t.p.Name, err)
		}
	}
	if fail != "" {
		t.printe("%s", fail)
		return 1
	}
	return 0
}

// restartRecvd is restart_device: a device whose gnbd_recvd is gone gets
// a new one, which reconnects it. printm prints as the program named.
func restartRecvd(imp *Import, printm func(prog, format string, args ...any)) {
	if !imp.RecvdGone {
		return
	}
	imp.RecvdGone = false
	printm(progRecvd, msgRecvdStarted)
	printm(progImport, fmtRestartedRecvd, imp.Name)
}

// validate is -a: every device whose gnbd_recvd is gone gets a new one.
func (t *tool) validate() int {
	var out []string
	printm := func(prog, format string, args ...any) {
		if prog != progImport || !t.quiet {
			out = append(out, fmt.Sprintf(fmtPrintm+format, append([]any{prog}, args...)...))
		}
	}
	err := change(t.p.Host.Lab, []string{t.p.Host.FQDN}, func(s *State) error {
		if cl := s.Clients[t.p.Host.FQDN]; cl != nil {
			for i := range cl.Imports {
				restartRecvd(&cl.Imports[i], printm)
			}
		}
		return nil
	})
	for _, line := range out {
		fmt.Fprintln(t.p.Stdout, line)
	}
	if err != nil {
		return t.labError(err)
	}
	return 0
}

func freeMinor(cl *Client) int {
	for m := 0; m < maxMinors; m++ {
		if !slices.ContainsFunc(cl.Imports, func(imp Import) bool { return imp.Minor == m }) {
			return m
		}
	}
	return -1
}

// removeImport disconnects and deletes one imported device; the kernel
// refuses while the device is open.
func (t *tool) removeImport(name string, override bool) int {
	h := t.p.Host
	var fail, waiting string
	err := change(h.Lab, []string{h.FQDN}, func(s *State) error {
		cl := s.Clients[h.FQDN]
		i := -1
		if cl != nil {
			i = slices.IndexFunc(cl.Imports, func(imp Import) bool { return imp.Name == name })
		}
		if i < 0 {
			fail = fmt.Sprintf(fmtCannotFind, name)
			return errReported
		}
		imp := cl.Imports[i]
		holders, err := Holders(h, imp.Path(), imp.NamedPath())
		if err != nil {
			return err
		}
		if len(holders) > 0 {
			if override {
				waiting = imp.Name
			} else {
				fail = fmt.Sprintf(fmtCannotDisconnect, imp.Minor, errBusy)
			}
			return errReported
		}
		for _, path := range []string{imp.NamedPath(), imp.Path()} {
			if err := blockdev.Remove(h, path); err != nil {
				return err
			}
		}
		cl.Imports = slices.Delete(cl.Imports, i, i+1)
		if !slices.ContainsFunc(cl.Imports, func(imp Import) bool { return imp.Timeout != 0 }) {
			cl.Monitor = false // uncached_imports_removed: kill gnbd_monitor
		}
		return nil
	})
	switch {
	case waiting != "":
		t.printm(fmtWaitingUsers, waiting)
		fmt.Fprintf(t.p.Stderr, fmtWaitsForever+"\n", t.p.Name, waiting)
		return 1
	case errors.Is(err, errReported):
		t.printe("%s", fail)
		return 1
	case err != nil:
		return t.labError(err)
	}
	t.printm(fmtImportRemoved, name)
	return 0
}

// listImports is -l.
func (t *tool) listImports() int {
	h := t.p.Host
	s, err := loadClient(h.Lab, h.FQDN)
	if err != nil {
		return t.labError(err)
	}
	cl := s.Clients[h.FQDN]
	if t.quiet || cl == nil {
		return 0
	}
	var rows []importRow
	for _, imp := range cl.Imports {
		holders, err := Holders(h, imp.Path(), imp.NamedPath())
		if err != nil {
			return t.labError(err)
		}
		rows = append(rows, importRow{Import: imp, open: len(holders) > 0, connected: s.Connected(imp)})
	}
	fmt.Fprint(t.p.Stdout, importList(rows))
	return 0
}

// importRow is an import with what the kernel knows of it now.
type importRow struct {
	Import
	open, connected bool
}

// importList formats devices as `gnbd_import -l` does, each block followed
// by a blank line. A device held open (by a multipath map) reads "Open";
// one whose server went away reads "Disconnected", and "Pending" when it
// is open, since the users' I/O (multipath's path checker) then waits in
// its queue.
func importList(rows []importRow) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, fmtImportBlock, r.Name, r.Minor, r.Minor, r.Server, r.Port,
			yesNo(r.open, "Open", "Close"), yesNo(r.connected, "Connected", "Disconnected"),
			yesNo(r.open && !r.connected, "Pending", "Clear"), yesNo(r.Readonly, "Yes", "No"), r.Sectors)
	}
	return b.String()
}

// listExported is -e SERVER: the names a server exports, then a blank line.
func (t *tool) listExported(server string, port int) int {
	s, err := load(t.p.Host.Lab)
	if err != nil {
		return t.labError(err)
	}
	_, srv, fail, err := s.serverFor(server, port)
	if err != nil {
		return t.labError(err)
	}
	if fail != "" {
		t.printe("%s", fail)
		return 1
	}
	for _, e := range srv.Exports {
		fmt.Fprintln(t.p.Stdout, e.Name)
	}
	fmt.Fprintln(t.p.Stdout)
	return 0
}

// uid is -U DEVICE, the callout multipath runs for a GNBD path
// ("gnbd_import -q -U /block/%n"): the uid the device's server gives it.
func (t *tool) uid(device string) int {
	h := t.p.Host
	s, err := load(h.Lab, h.FQDN)
	if err != nil {
		return t.labError(err)
	}
	minor := -1
	if rest, ok := strings.CutPrefix(device, "/block/gnbd"); ok {
		digits := rest
		if i := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
			digits = rest[:i]
		}
		if n, err := strconv.Atoi(digits); err == nil {
			minor = n
		}
	}
	var imp *Import
	if cl := s.Clients[h.FQDN]; cl != nil {
		for i := range cl.Imports {
			if (minor >= 0 && cl.Imports[i].Minor == minor) || cl.Imports[i].Name == device {
				imp = &cl.Imports[i]
				break
			}
		}
	}
	if imp == nil {
		t.printe(fmtCannotFind, device)
		return 1
	}
	_, _, fail, err := s.serverFor(imp.Server, imp.Port)
	if err == nil {
		err = s.add(imp.Host) // what imp.Server resolved to at import
	}
	if err != nil {
		return t.labError(err)
	}
	if fail != "" {
		t.printe("%s", fail)
		return 1
	}
	e := s.export(imp.Host, imp.Name)
	if e == nil {
		t.printe(fmtRequestFailed, imp.Server, errNoDev)
		return 1
	}
	if e.UID != "" {
		fmt.Fprintln(t.p.Stdout, e.UID)
	}
	return 0
}
