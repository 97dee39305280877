package lvm

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// clvmdLock is the init script's subsys lock, present from a successful
// start to a successful stop.
const clvmdLock = "/var/lock/subsys/clvmd"

// Clvmd is /usr/sbin/clvmd, which starts the daemon, and the init
// script /etc/init.d/clvmd; they share a base name and are told apart by
// the directory they were invoked from. open is Cmd's, for the LVM
// commands the init script runs.
func Clvmd(open Opener) func(*host.Proc) int {
	return func(p *host.Proc) int { return clvmd(p, open) }
}

func clvmd(p *host.Proc, open Opener) int {
	if ok, status := packages.Present(p, "lvm2-cluster"); !ok {
		return status
	}
	if path.Dir(p.Name) == "/etc/init.d" {
		return clvmdInit(p, open)
	}
	for _, a := range p.Args {
		switch a {
		case "-V":
			fmt.Fprintln(p.Stdout, fmtClvmdVersion)
			return 0
		case "-R", "-S":
			fmt.Fprintf(p.Stderr, fmtNotEmulated+"\n", p.Name, "clvmd "+a)
			return 1
		}
	}
	msg, err := startClvmd(p)
	if err != nil {
		fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
		return 1
	}
	if msg != "" {
		fmt.Fprintln(p.Stderr, msg)
		return 1
	}
	return 0
}

// startClvmd starts clvmd on the host: it needs cman, and refuses to run
// twice (its local socket is taken). msg is what the failing daemon
// prints.
func startClvmd(p *host.Proc) (msg string, err error) {
	err = change(p.Host.Lab, func(s *State) error {
		m, inCluster, err := ClusterOf(p.Host.Lab, p.Host.FQDN)
		if err != nil {
			return err
		}
		if !inCluster {
			delete(s.Clvmd, p.Host.FQDN)
			msg = msgClvmdNoCluster
			return nil
		}
		if up, err := clvmdUp(p.Host.Lab, s, p.Host.FQDN); err != nil {
			return err
		} else if up {
			msg = msgClvmdRunning
			return nil
		}
		if s.Clvmd == nil {
			s.Clvmd = map[string]Daemon{}
		}
		s.Clvmd[p.Host.FQDN] = Daemon{PID: os.Getpid() + 1, Inc: m.Inc} // it daemonizes
		return nil
	})
	return msg, err
}

// clvmdRunning tells whether clvmd serves the host.
func clvmdRunning(h host.Host) (pid int, up bool, err error) {
	s, err := Load(h.Lab)
	if err != nil {
		return 0, false, err
	}
	up, err = clvmdUp(h.Lab, s, h.FQDN)
	return s.Clvmd[h.FQDN].PID, up, err
}

// clvmdInit is /etc/init.d/clvmd of lvm2-cluster 2.02.32, printing on
// stdout as RHEL 5's init functions do.
func clvmdInit(p *host.Proc, open Opener) int {
	verb := ""
	if len(p.Args) > 0 {
		verb = p.Args[0]
	}
	switch verb {
	case "start":
		return clvmdStart(p, open)
	case "stop":
		return clvmdStop(p, open)
	case "restart":
		if st := clvmdStop(p, open); st != 0 {
			return st
		}
		return clvmdStart(p, open)
	case "condrestart":
		if _, err := os.Stat(p.Host.Path(clvmdLock)); err == nil {
			if st := clvmdStop(p, open); st != 0 {
				return st
			}
			return clvmdStart(p, open)
		}
		return 0
	case "status":
		return clvmdStatus(p, open)
	default:
		fmt.Fprintf(p.Stdout, fmtClvmdUsage+"\n", p.Name)
		return 1
	}
}

// sub runs an LVM command as the init script does, its output going where
// the script's goes.
func sub(p *host.Proc, open Opener, name string, argv ...string) int {
	q := *p
	q.Name = "/usr/sbin/" + name
	q.Args = argv
	q.Stdin = strings.NewReader("")
	return run(&q, open)
}

func clvmdStart(p *host.Proc, open Opener) int {
	_, up, err := clvmdRunning(p.Host)
	if err != nil {
		fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
		return 1
	}
	if !up {
		fmt.Fprint(p.Stdout, msgStartingClvmd)
		msg, err := startClvmd(p)
		if err != nil {
			fmt.Fprintln(p.Stdout, msgFAILED)
			fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
			return 1
		}
		if msg != "" {
			fmt.Fprintln(p.Stderr, msg)
			fmt.Fprintln(p.Stdout, msgFAILED)
			return 1
		}
		fmt.Fprintln(p.Stdout, msgOK)
	}
	fmt.Fprint(p.Stdout, msgActivatingVGs)
	rc := sub(p, open, "vgchange", "-ayl")
	if rc == 0 {
		fmt.Fprintln(p.Stdout, msgOK)
		if err := state.WriteFile(p.Host.Path(clvmdLock), nil, 0o644); err != nil {
			fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
			return 1
		}
	} else {
		fmt.Fprintln(p.Stdout, msgFAILED)
	}
	return rc
}

// clusteredVGs are the clustered VGs vgdisplay shows the host now (the
// script's awk over `vgdisplay 2>/dev/null`).
func clusteredVGs(p *host.Proc, open Opener) ([]string, error) {
	q := *p
	var out strings.Builder
	q.Stdout, q.Stderr = &out, discard{}
	sub(&q, open, "vgdisplay")
	var vgs []string
	name := ""
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 3 && f[0] == "VG" && f[1] == "Name":
			name = f[2]
		case len(f) == 2 && f[0] == "Clustered" && name != "":
			vgs = append(vgs, name)
		}
	}
	return vgs, nil
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }

func clvmdStop(p *host.Proc, open Opener) int {
	vgs, err := clusteredVGs(p, open)
	if err != nil {
		fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
		return 1
	}
	for _, vg := range vgs {
		fmt.Fprintf(p.Stdout, fmtDeactivatingVG, vg)
		if rc := sub(p, open, "vgchange", "-anl", vg); rc != 0 {
			fmt.Fprintln(p.Stdout, msgFAILED)
			return rc
		}
		fmt.Fprintln(p.Stdout, msgOK)
	}
	fmt.Fprint(p.Stdout, msgStoppingClvm)
	stopped := false
	err = change(p.Host.Lab, func(s *State) error {
		up, err := clvmdUp(p.Host.Lab, s, p.Host.FQDN)
		stopped = up
		delete(s.Clvmd, p.Host.FQDN)
		return err
	})
	if err != nil {
		fmt.Fprintln(p.Stdout, msgFAILED)
		fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
		return 1
	}
	if !stopped {
		fmt.Fprintln(p.Stdout, msgFAILED)
		return 1 // killproc with a signal and no pid: failure
	}
	fmt.Fprintln(p.Stdout, msgOK)
	if err := os.Remove(p.Host.Path(clvmdLock)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
		return 1
	}
	return 0
}

func clvmdStatus(p *host.Proc, open Opener) int {
	pid, up, err := clvmdRunning(p.Host)
	if err != nil {
		fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
		return 1
	}
	rc := 0
	switch {
	case up:
		fmt.Fprintf(p.Stdout, fmtClvmdRunning+"\n", pid)
	default:
		if _, err := os.Stat(p.Host.Path(clvmdLock)); err == nil {
			fmt.Fprintln(p.Stdout, msgClvmdLocked)
			rc = 2
		} else {
			fmt.Fprintln(p.Stdout, msgClvmdStopped)
			rc = 3
		}
	}
	// vols=$( lvdisplay -C --nohead 2> /dev/null | awk '($3 ~ /....a./) {print $1}' )
	q := *p
	var out strings.Builder
	q.Stdout, q.Stderr = &out, discard{}
	sub(&q, open, "lvdisplay", "-C", "--noheadings")
	var vols []string
	for _, line := range strings.Split(out.String(), "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && len(f[2]) >= 5 && f[2][4] == 'a' {
			vols = append(vols, f[0])
		}
	}
	if len(vols) == 0 {
		vols = []string{"(none)"}
	}
	fmt.Fprintf(p.Stdout, fmtActiveVolumes+"\n", strings.Join(vols, " "))
	return rc
}
