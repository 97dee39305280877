package gnbd

import (
	"fmt"
	"os"

	"github.com/tetsuzuki/tetsuzuki/lab/cman"
	"github.com/tetsuzuki/tetsuzuki/lab/getopt"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// commSocket is the unix socket gnbd_serv listens on for the local tools.
// It is created at startup and left behind when the daemon stops, so a tool
// finds "Connection refused" where it found "No such file or directory"
// before the first start.
const commSocket = "/var/run/gnbd/gnbd_servcomm"

const (
	normalKill = 1 // -k: refused while devices are exported
	forceKill  = 2 // -K
)

// ServCmd runs gnbd_serv: it starts the server (which needs cman running on
// the host, unless -n), or stops it with -k (only when nothing is
// exported) or -K (dropping the exports, whose clients lose their
// connection).
func ServCmd(p *host.Proc) int {
	if ok, status := packages.Present(p, "gnbd"); !ok {
		return status
	}
	t := &tool{p: p, prog: progServ}
	opts, _ := getopt.Parse(p.Name, p.Args, "hkKnp:qvV", p.Stderr)
	kill, clustered, port, verbose := 0, true, DefaultPort, false
	for _, o := range opts {
		switch o.C {
		case '?':
			fmt.Fprintln(p.Stderr, msgUseH)
			return 1
		case 'h':
			fmt.Fprint(p.Stdout, msgServUsage)
			return 0
		case 'k':
			kill = normalKill
		case 'K':
			kill = forceKill
		case 'n':
			clustered = false
		case 'p':
			n, ok := scanUint(o.Arg)
			if !ok {
				t.printe(fmtServBadPort, o.Arg)
				return 1
			}
			port = int(uint16(n))
		case 'q':
			if verbose {
				t.printe(msgQuietVerb)
				return 1
			}
			t.quiet = true
		case 'v':
			if t.quiet {
				t.printe(msgQuietVerb)
				return 1
			}
			verbose = true
		case 'V':
			fmt.Fprintf(p.Stdout, fmtVersion, progServ)
			return 0
		}
	}
	if kill != 0 {
		return t.kill(kill)
	}
	return t.start(clustered, port)
}

func (t *tool) start(clustered bool, port int) int {
	h := t.p.Host
	var already, noCman bool
	err := change(h.Lab, []string{h.FQDN}, func(s *State) error {
		if s.running(h.FQDN) != nil {
			already = true
			return nil
		}
		if clustered {
			up, err := cman.IsRunning(h.Lab, h.FQDN)
			if err != nil {
				return err
			}
			if !up {
				noCman = true
				return nil
			}
		}
		if s.Servers == nil {
			s.Servers = map[string]*Server{}
		}
		// The daemon is the grandchild of the process started.
		s.Servers[h.FQDN] = &Server{Running: true, PID: os.Getpid() + 2, Port: port, Clustered: clustered}
		return state.WriteFile(h.Path(commSocket), nil, 0o600)
	})
	switch {
	case err != nil:
		return t.labError(err)
	case already:
		t.printe(msgServRunning)
		return 1
	case noCman:
		t.printe(fmtNoNodeName, errConnRefused)
		t.printe(msgUseN)
		return 1
	}
	t.printm(msgServStarted)
	return 0
}

func (t *tool) kill(kind int) int {
	h := t.p.Host
	var notRunning, busy bool
	err := change(h.Lab, []string{h.FQDN}, func(s *State) error {
		srv := s.running(h.FQDN)
		switch {
		case srv == nil:
			notRunning = true
		case kind == normalKill && len(srv.Exports) > 0:
			busy = true
		default:
			srv.Running, srv.PID, srv.Exports = false, 0, nil
		}
		return nil
	})
	switch {
	case err != nil:
		return t.labError(err)
	case notRunning:
		t.printm(msgServNotRunning)
		return 0
	case busy:
		t.printe(fmtShutdownFailed, errBusy)
		return 1
	case kind == forceKill:
		t.printm(msgServKilled)
	default:
		t.printm(msgServShuttingDown)
	}
	return 0
}

// scanUint reads the leading decimal digits of s as sscanf's %u does.
func scanUint(s string) (uint64, bool) {
	var n uint64
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if i < len(s) && s[i] == '+' {
		i++
	}
	start := i
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + uint64(s[i]-'0')
	}
	return n, i > start
}
