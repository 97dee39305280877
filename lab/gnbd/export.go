package gnbd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/getopt"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
)

// The actions of gnbd_export, each selected by one flag.
const (
	exportAction = 1 + iota
	removeAction
	listAction
	removeAllAction
	gservListAction
	validateAction
)

var exportFlags = map[int]byte{exportAction: 'e', removeAction: 'r', listAction: 'l', removeAllAction: 'R', gservListAction: 'L', validateAction: 'a'}

// defaultTimeout is the timeout of an export made without -c or -t.
const defaultTimeout = 60

// errReported aborts a state change whose failure is already composed.
var errReported = errors.New("reported")

// ExportCmd runs gnbd_export: -e NAME -d DEVICE [-u UID] [-c|-t SECONDS] [-o]
// exports a block device through the running gnbd_serv, -r NAME... and -R
// unexport (refused while clients use the export, unless -O), -l (the
// default) lists, -L lists the server processes serving clients.
func ExportCmd(p *host.Proc) int {
	if ok, status := packages.Present(p, "gnbd"); !ok {
		return status
	}
	t := &tool{p: p, prog: progExport}
	opts, operands := getopt.Parse(p.Name, p.Args, "acd:e:hlLOoqrRt:u:U::vV", p.Stderr)
	var (
		action                              int
		cached, force, readonly             bool
		haveDevice, haveUID, haveUIDProgram bool
		timeout                             int
		device, name, uid                   string
	)
	setAction := t.oneAction(&action, exportFlags)
	for _, o := range opts {
		ok := true
		switch o.C {
		case '?':
			fmt.Fprintln(p.Stderr, msgUseH)
			return 1
		case 'a':
			ok = setAction(validateAction)
		case 'c':
			cached = true
		case 'd':
			device, haveDevice = o.Arg, true
		case 'e':
			ok = setAction(exportAction)
			name = o.Arg
		case 'h':
			fmt.Fprint(p.Stdout, msgExportUsage)
			return 0
		case 'l':
			ok = setAction(listAction)
		case 'L':
			ok = setAction(gservListAction)
		case 'O':
			force = true
		case 'o':
			readonly = true
		case 'q':
			t.quiet = true
		case 'r':
			ok = setAction(removeAction)
		case 'R':
			ok = setAction(removeAllAction)
		case 't':
			n, valid := scanUint(o.Arg)
			if !valid || uint32(n) == 0 {
				t.printe(fmtBadTimeout, o.Arg)
				return 1
			}
			timeout = int(uint32(n))
		case 'u':
			uid, haveUID = o.Arg, true
		case 'U':
			haveUIDProgram = true
		case 'V':
			fmt.Fprintf(p.Stdout, fmtVersion, p.Name)
			return 0
		}
		if !ok {
			return 1
		}
	}
	switch {
	case cached && (haveUID || haveUIDProgram):
		t.printe(msgCachedUID)
		return 1
	case timeout != 0 && cached:
		t.printe(msgCachedTimeout)
		return 1
	case (cached || timeout != 0 || haveDevice || readonly || haveUID || haveUIDProgram) && action != exportAction:
		t.printe(msgOnlyWithE)
		return 1
	case force && action != removeAction && action != removeAllAction:
		t.printe(msgOnlyWithR)
		return 1
	case action != removeAction && len(operands) > 0:
		t.printe(fmtExtraOperand, operands[0])
		fmt.Fprintln(p.Stderr, msgUseHLower)
		return 1
	}
	switch action {
	case exportAction:
		if !haveDevice {
			t.printe(msgNeedD)
			return 1
		}
		if !cached && timeout == 0 {
			timeout = defaultTimeout
		}
		if haveUID && haveUIDProgram {
			t.printe(msgUidBoth)
			return 1
		}
		if haveUIDProgram {
			fmt.Fprintf(p.Stderr, fmtNotEmulated+"\n", p.Name, "gnbd_export -U")
			return 1
		}
		return t.create(name, device, timeout, readonly, uid)
	case removeAction:
		if len(operands) == 0 {
			t.printe(msgMissingOperand)
			fmt.Fprintln(p.Stderr, msgUseHLower)
			return 1
		}
		for _, n := range operands {
			if status := t.remove(n, force); status != 0 {
				return status
			}
		}
		return 0
	case removeAllAction:
		exports, status := t.exports()
		if status != 0 {
			return status
		}
		for _, e := range exports {
			if status := t.remove(e.Name, force); status != 0 {
				return status
			}
		}
		return 0
	case gservListAction:
		return t.gservList()
	case validateAction:
		if _, status := t.exports(); status != 0 {
			return status
		}
		t.printm(msgValidated)
		return 0
	default:
		exports, status := t.exports()
		if status != 0 || t.quiet {
			return status
		}
		if len(exports) == 0 {
			fmt.Fprintln(p.Stdout, msgNoExports)
			return 0
		}
		fmt.Fprint(p.Stdout, exportList(exports))
		return 0
	}
}

// connectError is what a local tool gets connecting to gnbd_serv's socket
// on a host where the daemon does not run.
func connectError(h host.Host) string {
	if _, err := os.Lstat(h.Path(commSocket)); err == nil {
		return errConnRefused
	}
	return errNoEnt
}

// exports asks the running gnbd_serv for its exports, reporting a failure
// to connect.
func (t *tool) exports() ([]Export, int) {
	s, err := load(t.p.Host.Lab, t.p.Host.FQDN)
	if err != nil {
		return nil, t.labError(err)
	}
	srv := s.running(t.p.Host.FQDN)
	if srv == nil {
		t.printe(fmtConnectServ, connectError(t.p.Host))
		return nil, 1
	}
	return srv.Exports, 0
}

// create exports a device, checking what gnbd_serv checks: a server that
// runs, cluster mode for an uncached export, a free name, and a file that
// opens.
func (t *tool) create(name, device string, timeout int, readonly bool, uid string) int {
	h := t.p.Host
	short := name
	if len(short) > 31 {
		short = short[:31]
	}
	if strings.Contains(short, "/") {
		t.printe(fmtBadName, short)
		return 1
	}
	var fail string
	err := change(h.Lab, []string{h.FQDN}, func(s *State) error {
		srv := s.running(h.FQDN)
		if srv == nil {
			fail = fmt.Sprintf(fmtConnectServ, connectError(h))
			return errReported
		}
		reason := ""
		sectors, openErr := deviceSectors(h, device)
		switch {
		case !srv.Clustered && timeout != 0:
			reason = errNotSup
		case s.export(h.FQDN, short) != nil:
			reason = errBusy
		case openErr != "":
			reason = openErr
		}
		if reason != "" {
			fail = fmt.Sprintf(fmtCreateFailed, reason)
			return errReported
		}
		e := Export{Name: short, File: device, Sectors: sectors, Readonly: readonly, Timeout: timeout, UID: uid}
		srv.Exports = append([]Export{e}, srv.Exports...)
		return nil
	})
	switch {
	case errors.Is(err, errReported):
		t.printe("%s", fail)
		return 1
	case err != nil:
		return t.labError(err)
	}
	t.printm(fmtCreated, name, device)
	return 0
}

// deviceSectors opens what gnbd_serv is asked to serve, from its working
// directory "/": a block device, or a regular file of at least a sector. It
// returns the size or the strerror of the failure.
func deviceSectors(h host.Host, device string) (int64, string) {
	file := device
	if !path.IsAbs(file) {
		file = "/" + file
	}
	d, ok, err := blockdev.Get(h, file)
	switch {
	case err == nil && ok:
		return d.Sectors, ""
	case err == nil:
		return 0, errNoEnt
	}
	fi, statErr := os.Stat(h.Path(file))
	switch {
	case errors.Is(statErr, fs.ErrNotExist):
		return 0, errNoEnt
	case statErr != nil:
		return 0, statErr.Error()
	case fi.IsDir():
		return 0, "Is a directory"
	case fi.Size() < 512:
		return 0, errNoSpace
	}
	return fi.Size() >> 9, ""
}

// remove unexports one GNBD; force (-O) first drops the clients served.
func (t *tool) remove(name string, force bool) int {
	h := t.p.Host
	var fail string
	err := change(h.Lab, []string{h.FQDN}, func(s *State) error {
		srv := s.running(h.FQDN)
		if srv == nil {
			fail = fmt.Sprintf(fmtConnectServ, connectError(h))
			return errReported
		}
		if s.export(h.FQDN, name) == nil {
			f := fmtRemoveFailed
			if force {
				f = fmtInvalidFailed
			}
			fail = fmt.Sprintf(f, errNoDev)
			return errReported
		}
		if !force {
			clients, err := s.importers(h.FQDN, name)
			if err != nil {
				return err
			}
			if len(clients) > 0 {
				fail = fmt.Sprintf(fmtRemoveFailed, errBusy)
				return errReported
			}
		}
		for i, e := range srv.Exports {
			if e.Name == name {
				srv.Exports = append(srv.Exports[:i], srv.Exports[i+1:]...)
				break
			}
		}
		return nil
	})
	switch {
	case errors.Is(err, errReported):
		t.printe("%s", fail)
		return 1
	case err != nil:
		return t.labError(err)
	}
	t.printm(fmtRemoved, name)
	return 0
}

// gservList is -L: one server process per client connection.
func (t *tool) gservList() int {
	s, err := load(t.p.Host.Lab, t.p.Host.FQDN)
	if err != nil {
		return t.labError(err)
	}
	srv := s.running(t.p.Host.FQDN)
	if srv == nil {
		t.printe(fmtConnectServ, connectError(t.p.Host))
		return 1
	}
	if t.quiet {
		return 0
	}
	var lines []string
	for _, e := range srv.Exports {
		clients, err := s.importers(t.p.Host.FQDN, e.Name)
		if err != nil {
			return t.labError(err)
		}
		for _, c := range clients {
			lines = append(lines, fmt.Sprintf(fmtGservLine, srv.PID+1+len(lines), c, e.Name))
		}
	}
	if len(lines) == 0 {
		fmt.Fprintln(t.p.Stdout, msgNoGserv)
		return 0
	}
	fmt.Fprintln(t.p.Stdout, msgGservHeader)
	for _, l := range lines {
		fmt.Fprintln(t.p.Stdout, l)
	}
	return 0
}

// exportList formats exports as `gnbd_export -l` does, each block followed
// by a blank line.
func exportList(exports []Export) string {
	var b strings.Builder
	for i, e := range exports {
		fmt.Fprintf(&b, fmtExportBlock, i+1, e.Name, "", e.File, e.Sectors, yesNo(e.Readonly, "yes", "no"), yesNo(e.Cached(), "yes", "no"))
		if e.Timeout != 0 {
			fmt.Fprintf(&b, fmtExportTimeout, e.Timeout)
		} else {
			b.WriteString(msgExportNoTmo)
		}
		if e.UID != "" {
			fmt.Fprintf(&b, fmtExportUID, e.UID)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}
