package emu

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/fault"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// Main runs the tool of tools named by args[0]'s base name on the host
// whose root holds it, with the process's standard streams, and returns
// its exit status. tools is the lab binary's whole table of tools, as
// testscript's RunMain takes its commands.
func Main(args []string, tools map[string]func(*host.Proc) int) int {
	if len(args) == 0 {
		return 2
	}
	tool := filepath.Base(args[0])
	run, ok := tools[tool]
	if !ok {
		fmt.Fprintf(os.Stderr, "lab: %s is not an emulated tool\n", tool)
		return 2
	}
	h, err := host.Find(args[0])
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", tool, err)
		return 2
	}
	p := &host.Proc{
		Host:   h,
		Name:   args[0],
		Args:   args[1:],
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Cwd:    "/",
		Now:    time.Now,
	}
	if strings.Contains(args[0], "/") {
		// Invoked by path: name itself by the path the host sees.
		if abs, err := filepath.Abs(args[0]); err == nil && h.HostPath(abs) != "" {
			p.Name = h.HostPath(abs)
		}
	}
	if wd, err := os.Getwd(); err == nil {
		if hp := h.HostPath(wd); hp != "" {
			p.Cwd = hp
		}
	}
	if exe, err := os.Executable(); err == nil {
		if exe, err = filepath.EvalSymlinks(exe); err == nil {
			p.Binary = exe
		}
	}
	return invoke(p, tool, run)
}

// invoke applies a matching fault, runs the tool and logs the invocation.
// The fault is taken before the tool has any effect. An invocation is logged
// when it ends, except a hanging one, logged when it starts since it never
// ends; a slow one killed during its delay is not logged.
func invoke(p *host.Proc, tool string, run func(*host.Proc) int) int {
	inv := Invocation{Time: p.Now(), Argv: append([]string{p.Name}, p.Args...)}
	f, err := fault.Take(p.Host.Lab, p.Host.FQDN, tool, p.Args)
	if err != nil {
		fmt.Fprintf(p.Stderr, "%s: lab: %v\n", p.Name, err)
		return 1
	}
	if f != nil {
		inv.Fault = f.Mode
		switch f.Mode {
		case fault.Fail:
			fmt.Fprintln(p.Stderr, f.Text(tool))
			inv.Exit = f.Status()
			record(p, inv)
			return inv.Exit
		case fault.Hang:
			inv.Exit = -1
			record(p, inv)
			for {
				time.Sleep(time.Hour) // until the caller kills us
			}
		case fault.Slow:
			time.Sleep(f.Delay)
		}
	}
	inv.Exit = run(p)
	record(p, inv)
	return inv.Exit
}

func record(p *host.Proc, inv Invocation) {
	if err := appendInvocation(p.Host.Lab, p.Host.FQDN, inv); err != nil {
		fmt.Fprintf(p.Stderr, "%s: lab: cannot log the invocation: %v\n", p.Name, err)
	}
}
