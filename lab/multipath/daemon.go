package multipath

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// lockFile is the init script's subsys lock, present from start to stop.
const lockFile = "/var/lock/subsys/multipathd"

// Uevent is what a running multipathd does on the uevent of a new GNBD
// device (gnbd.ImportCmd raises it): it takes the path, into a new map or
// into the map of its wwid.
func Uevent(h host.Host) error {
	return change(h.Lab, h.FQDN, func(hs *Host) error {
		if hs.Daemon == 0 {
			return nil
		}
		_, err := build(h, hs)
		return err
	})
}

// MultipathdCmd runs /sbin/multipathd, which starts the daemon, and the
// init script /etc/init.d/multipathd, which share a base name and are told
// apart by the directory they were invoked from.
func MultipathdCmd(p *host.Proc) int {
	if ok, status := packages.Present(p, "device-mapper-multipath"); !ok {
		return status
	}
	if path.Dir(p.Name) == "/etc/init.d" {
		return initScript(p)
	}
	if len(p.Args) > 0 {
		fmt.Fprintf(p.Stderr, fmtNotEmulated+"\n", p.Name, "multipathd "+p.Args[0])
		return 1
	}
	started, err := startDaemon(p)
	if err != nil {
		return labError(p, err)
	}
	if !started {
		return 1 // the pid file is locked: it logs so to syslog and exits
	}
	return 0
}

// startDaemon starts multipathd unless it runs, which builds the maps as
// `multipath` does, silently (the daemon logs to syslog).
func startDaemon(p *host.Proc) (started bool, err error) {
	err = change(p.Host.Lab, p.Host.FQDN, func(hs *Host) error {
		if hs.Daemon != 0 {
			return nil
		}
		hs.Daemon = os.Getpid() + 1 // it daemonizes
		started = true
		_, err := build(p.Host, hs)
		hs.reinstate()
		return err
	})
	return started, err
}

// stopDaemon stops multipathd; the maps stay, as the kernel's.
func stopDaemon(p *host.Proc) (stopped bool, err error) {
	err = change(p.Host.Lab, p.Host.FQDN, func(hs *Host) error {
		stopped = hs.Daemon != 0
		hs.Daemon = 0
		return nil
	})
	return stopped, err
}

// initScript is /etc/init.d/multipathd start|stop|restart|reload|
// condrestart|status, printing on stdout as RHEL 5's init functions do.
func initScript(p *host.Proc) int {
	verb := ""
	if len(p.Args) > 0 {
		verb = p.Args[0]
	}
	switch verb {
	case "start":
		return initStart(p)
	case "stop":
		return initStop(p)
	case "restart":
		initStop(p)
		return initStart(p)
	case "condrestart":
		if _, err := os.Stat(p.Host.Path(lockFile)); err == nil {
			initStop(p)
			return initStart(p)
		}
		return 0
	case "reload":
		fmt.Fprint(p.Stdout, msgReloading)
		ok := false
		err := change(p.Host.Lab, p.Host.FQDN, func(hs *Host) error {
			if hs.Daemon == 0 {
				return nil
			}
			ok = true
			_, err := build(p.Host, hs)
			hs.reinstate()
			return err
		})
		if err != nil {
			return labError(p, err)
		}
		if !ok {
			fmt.Fprintln(p.Stdout, msgFAILED)
			return 7
		}
		fmt.Fprintln(p.Stdout, msgOK)
		return 0
	case "status":
		hs, err := load(p.Host.Lab, p.Host.FQDN)
		if err != nil {
			return labError(p, err)
		}
		if hs.Daemon != 0 {
			fmt.Fprintf(p.Stdout, fmtStatusRunning+"\n", hs.Daemon)
			return 0
		}
		if _, err := os.Stat(p.Host.Path(lockFile)); err == nil {
			fmt.Fprintln(p.Stdout, msgStatusLocked)
			return 2
		}
		fmt.Fprintln(p.Stdout, msgStatusStopped)
		return 3
	default:
		fmt.Fprintf(p.Stdout, fmtInitUsage+"\n", p.Name)
		return 1
	}
}

func initStart(p *host.Proc) int {
	fmt.Fprint(p.Stdout, msgStarting)
	started, err := startDaemon(p)
	if err != nil {
		fmt.Fprintln(p.Stdout, msgFAILED)
		return labError(p, err)
	}
	if err := state.WriteFile(p.Host.Path(lockFile), nil, 0o644); err != nil {
		return labError(p, err)
	}
	if started {
		fmt.Fprint(p.Stdout, msgOK)
	}
	// The daemon function returns quietly when the daemon runs already.
	fmt.Fprintln(p.Stdout)
	return 0
}

func initStop(p *host.Proc) int {
	fmt.Fprint(p.Stdout, msgStopping)
	stopped, err := stopDaemon(p)
	if err != nil {
		fmt.Fprintln(p.Stdout, msgFAILED)
		return labError(p, err)
	}
	if !stopped {
		fmt.Fprintln(p.Stdout, msgFAILED)
		return 7 // killproc: LSB's "program not running"
	}
	if err := os.Remove(p.Host.Path(lockFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return labError(p, err)
	}
	fmt.Fprintln(p.Stdout, msgOK)
	return 0
}
