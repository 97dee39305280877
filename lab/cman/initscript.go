package cman

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// InitScript runs /etc/init.d/cman start|stop|restart|reload|status. Like
// the script, it prints everything on stdout, failures included.
func InitScript(p *host.Proc) int {
	if ok, status := packages.Present(p, "cman"); !ok {
		return status
	}
	verb := ""
	if len(p.Args) > 0 {
		verb = p.Args[0]
	}
	switch verb {
	case "start":
		return start(p)
	case "stop":
		return stop(p)
	case "restart", "reload":
		if status := stop(p); status != 0 {
			return status
		}
		return start(p)
	case "status":
		s, err := load(p.Host.Lab)
		if err != nil {
			fmt.Fprintf(p.Stderr, "%s: %v\n", p.Name, err)
			return 1
		}
		if c, _ := s.Running(p.Host.FQDN); c == nil {
			// The script asks ccsd first, and returns 1, not LSB's 3.
			fmt.Fprintln(p.Stdout, msgCcsdStopped)
			return 1
		}
		fmt.Fprintln(p.Stdout, msgRunning)
		return 0
	default:
		fmt.Fprintf(p.Stdout, fmtInitUsage+"\n", p.Name)
		return 1
	}
}

func step(w io.Writer, name string, ok bool) {
	result := stepDone
	if !ok {
		result = stepFailed
	}
	fmt.Fprintf(w, fmtStep+"%s\n", name, result)
}

// start joins the cluster of the host's cluster.conf, receiving a newer
// config from the running members first.
func start(p *host.Proc) int {
	out := p.Stdout
	fmt.Fprintln(out, msgStarting)
	step(out, stepModules, true)
	step(out, stepConfigfs, true)
	failed := func(errmsg string) int {
		fmt.Fprintln(out, errmsg)
		fmt.Fprintln(out, msgFAILED)
		return 1
	}

	confFile := p.Host.Path(ClusterConfPath)
	local, err := os.ReadFile(confFile)
	haveLocal := err == nil
	if haveLocal {
		if _, perr := ParseConf(local); perr != nil {
			// ccsd cannot load the file it is given.
			step(out, stepCcsd, false)
			return failed(fmt.Sprintf(fmtUnableToParse, ClusterConfPath))
		}
	}
	step(out, stepCcsd, true)

	var joinErr *JoinError
	err = change(p.Host.Lab, func(s *State) error {
		if c, _ := s.Running(p.Host.FQDN); c != nil {
			return nil // the script skips a cman that answers
		}
		if !haveLocal {
			// ccsd has no config to serve, and no way to know which
			// cluster to ask for one.
			return &JoinError{msgNoCCSD}
		}
		received, err := s.Join(p.Host.FQDN, local, p.Now())
		if err != nil {
			return err
		}
		if received != nil {
			if err := state.WriteFile(confFile, received, 0o644); err != nil {
				return err
			}
		}
		return state.WriteFile(p.Host.Path(lockFile), nil, 0o644)
	})
	switch {
	case errors.As(err, &joinErr):
		step(out, stepCman, false)
		return failed(fmt.Sprintf(fmtJoinFailed, joinErr.Reason, cmanToolInScript))
	case err != nil:
		step(out, stepCman, false)
		return failed(err.Error())
	}
	step(out, stepCman, true)
	step(out, stepDaemons, true)
	step(out, stepFencing, true)
	fmt.Fprintln(out, msgOK)
	return 0
}

// stop leaves the cluster; stopping a stopped cman succeeds, as the script's
// status checks make it.
func stop(p *host.Proc) int {
	out := p.Stdout
	fmt.Fprintln(out, msgStopping)
	step(out, stepStopFencing, true)
	err := change(p.Host.Lab, func(s *State) error {
		s.Leave(p.Host.FQDN)
		err := os.Remove(p.Host.Path(lockFile))
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	})
	if err != nil {
		step(out, stepStopCman, false)
		fmt.Fprintln(out, err)
		fmt.Fprintln(out, msgFAILED)
		return 1
	}
	step(out, stepStopCman, true)
	step(out, stepStopCcsd, true)
	step(out, stepUnmountCfgfs, true)
	fmt.Fprintln(out, msgOK)
	return 0
}
