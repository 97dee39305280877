// Package fault makes lab tools misbehave on purpose, so that retries,
// timeouts and compensations can be rehearsed.
//
// A fault names a host and a command and says what goes wrong: the command
// fails without any effect, hangs until it is killed, or runs late. Faults
// live in <lab>/faults.json under the lab's lock; a tool takes the first
// fault matching it when it starts, before it has any effect, and a fault
// given a number of times is used up after that many matching invocations.
package fault

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// The modes of a fault.
const (
	// Fail prints Message to stderr and exits with Exit, doing nothing else.
	Fail = "fail"
	// Hang sleeps until the process is killed, as a tool stuck on a dead
	// peer does; only the caller's timeout ends it.
	Hang = "hang"
	// Slow sleeps Delay, then runs the command normally.
	Slow = "slow"
)

// Fault is one injected misbehaviour.
type Fault struct {
	// Host is the FQDN of the host whose invocations it affects (a short
	// name is accepted by Add); empty means every host.
	Host string
	// Command is the tool's name, optionally followed by its first
	// arguments: "yum", "ccs_tool update", "cman start" (the init script
	// /etc/init.d/cman with the argument start), "yum install" (options
	// such as -y are skipped when matching), "rpm -q".
	Command string
	// Mode is Fail, Hang or Slow.
	Mode string
	// Times is how many matching invocations the fault affects before it
	// is removed; 0 means every one, for as long as it is in place.
	Times int
	// Delay is how long a Slow fault holds the command back.
	Delay time.Duration
	// Exit is the status of a Fail; 0 means 1.
	Exit int
	// Message is what a Fail prints on stderr; empty means
	// "<tool>: injected failure".
	Message string
}

// wire is a Fault as faults.json keeps it, with the delay in Go syntax so an
// operator can read the file.
type wire struct {
	Host    string `json:"host,omitempty"`
	Command string `json:"command"`
	Mode    string `json:"mode"`
	Times   int    `json:"times,omitempty"`
	Delay   string `json:"delay,omitempty"`
	Exit    int    `json:"exit,omitempty"`
	Message string `json:"message,omitempty"`
}

type file struct {
	Faults []wire `json:"faults"`
}

func path(lab string) string { return filepath.Join(lab, "faults.json") }

// Status is the exit status a Fail uses.
func (f Fault) Status() int {
	if f.Exit == 0 {
		return 1
	}
	return f.Exit
}

// Text is what a Fail prints, without the newline.
func (f Fault) Text(tool string) string {
	if f.Message == "" {
		return tool + ": injected failure"
	}
	return f.Message
}

// Flags renders the fault as the `lab fault` arguments that would add it.
func (f Fault) Flags() string {
	var b strings.Builder
	if f.Host != "" {
		fmt.Fprintf(&b, "--host %s ", f.Host)
	}
	fmt.Fprintf(&b, "--command %s ", strconv.Quote(f.Command))
	switch f.Mode {
	case Fail:
		if f.Times == 0 {
			b.WriteString("--fail-always")
		} else {
			fmt.Fprintf(&b, "--fail %d", f.Times)
		}
	case Hang:
		fmt.Fprintf(&b, "--hang %d", f.Times)
	case Slow:
		fmt.Fprintf(&b, "--slow %s", f.Delay)
		if f.Times > 0 {
			fmt.Fprintf(&b, " --times %d", f.Times)
		}
	}
	if f.Exit != 0 {
		fmt.Fprintf(&b, " --exit %d", f.Exit)
	}
	if f.Message != "" {
		fmt.Fprintf(&b, " --message %s", strconv.Quote(f.Message))
	}
	return b.String()
}

func (f Fault) validate() error {
	if len(strings.Fields(f.Command)) == 0 {
		return fmt.Errorf("fault: no command")
	}
	switch f.Mode {
	case Fail, Hang:
	case Slow:
		if f.Delay <= 0 {
			return fmt.Errorf("fault %q: a slow fault needs a positive delay", f.Command)
		}
	default:
		return fmt.Errorf("fault %q: mode %q is not fail, hang or slow", f.Command, f.Mode)
	}
	if f.Times < 0 {
		return fmt.Errorf("fault %q: times %d is negative", f.Command, f.Times)
	}
	if f.Exit < 0 || f.Exit > 255 {
		return fmt.Errorf("fault %q: exit status %d is not 0 to 255", f.Command, f.Exit)
	}
	return nil
}

func toWire(f Fault) wire {
	w := wire{Host: f.Host, Command: strings.Join(strings.Fields(f.Command), " "), Mode: f.Mode, Times: f.Times, Exit: f.Exit, Message: f.Message}
	if f.Delay > 0 {
		w.Delay = f.Delay.String()
	}
	return w
}

func fromWire(w wire) (Fault, error) {
	f := Fault{Host: w.Host, Command: w.Command, Mode: w.Mode, Times: w.Times, Exit: w.Exit, Message: w.Message}
	if w.Delay != "" {
		d, err := time.ParseDuration(w.Delay)
		if err != nil {
			return Fault{}, fmt.Errorf("fault %q: delay: %w", w.Command, err)
		}
		f.Delay = d
	}
	return f, nil
}

// Add puts a fault in place after the ones already there, which take
// precedence. Host may be a short name; it is stored as the host's FQDN, and
// a host that is not in the lab is refused.
func Add(lab string, f Fault) error {
	if err := f.validate(); err != nil {
		return err
	}
	if f.Host != "" {
		h, err := host.Open(lab, f.Host)
		if err != nil {
			return fmt.Errorf("fault: %w", err)
		}
		f.Host = h.FQDN
	}
	return state.With(lab, func() error {
		var all file
		if err := state.ReadJSON(path(lab), &all); err != nil {
			return err
		}
		all.Faults = append(all.Faults, toWire(f))
		return state.WriteJSON(path(lab), all)
	})
}

// Clear removes the faults of one host (FQDN or short name), or every fault
// when hostName is empty. Faults for every host stay unless all are cleared.
func Clear(lab, hostName string) error {
	fqdn := ""
	if hostName != "" {
		h, err := host.Open(lab, hostName)
		if err != nil {
			return fmt.Errorf("fault: %w", err)
		}
		fqdn = h.FQDN
	}
	return state.With(lab, func() error {
		var all file
		if err := state.ReadJSON(path(lab), &all); err != nil {
			return err
		}
		kept := all.Faults[:0]
		for _, w := range all.Faults {
			if fqdn != "" && w.Host != fqdn {
				kept = append(kept, w)
			}
		}
		all.Faults = kept
		return state.WriteJSON(path(lab), all)
	})
}

// List returns the faults in place, in the order they are tried.
func List(lab string) ([]Fault, error) {
	var all file
	err := state.With(lab, func() error { return state.ReadJSON(path(lab), &all) })
	if err != nil {
		return nil, err
	}
	faults := make([]Fault, 0, len(all.Faults))
	for _, w := range all.Faults {
		f, err := fromWire(w)
		if err != nil {
			return nil, err
		}
		faults = append(faults, f)
	}
	return faults, nil
}

// Matches reports whether the fault applies to tool run with args on the
// host fqdn. The words after the tool's name in Command must be the leading
// arguments of the invocation, where options ("-y") the fault does not name
// are skipped: "yum install" matches `yum -y install cman`, and "rpm -q"
// matches `rpm -q cman`. An option's value is not known to be one, so
// "cman_tool status" does not match `cman_tool -t 5 status`.
func (f Fault) Matches(fqdn, tool string, args []string) bool {
	if f.Host != "" && f.Host != fqdn {
		return false
	}
	words := strings.Fields(f.Command)
	if len(words) == 0 || filepath.Base(words[0]) != tool {
		return false
	}
	i := 0
	for _, w := range words[1:] {
		for i < len(args) && args[i] != w && strings.HasPrefix(args[i], "-") {
			i++
		}
		if i >= len(args) || args[i] != w {
			return false
		}
		i++
	}
	return true
}

// Take finds the first fault matching an invocation and uses it up once: a
// fault with Times counts down and disappears at zero. It returns nil when
// no fault applies.
func Take(lab, fqdn, tool string, args []string) (*Fault, error) {
	var taken *Fault
	err := state.With(lab, func() error {
		var all file
		if err := state.ReadJSON(path(lab), &all); err != nil {
			return err
		}
		for i, w := range all.Faults {
			f, err := fromWire(w)
			if err != nil {
				return err
			}
			if !f.Matches(fqdn, tool, args) {
				continue
			}
			taken = &f
			if f.Times == 0 {
				return nil
			}
			if all.Faults[i].Times--; all.Faults[i].Times == 0 {
				all.Faults = append(all.Faults[:i], all.Faults[i+1:]...)
			}
			return state.WriteJSON(path(lab), all)
		}
		return nil
	})
	return taken, err
}
