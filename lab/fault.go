package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/tetsuzuki/tetsuzuki/lab/emu"
)

// runFault adds, lists or clears faults.
func runFault(args []string) error {
	fs := flag.NewFlagSet("lab fault", flag.ContinueOnError)
	dir := fs.String("dir", "", "the lab directory")
	hostName := fs.String("host", "", "the host (FQDN or short name); without it, every host")
	command := fs.String("command", "", `the tool and its first arguments, e.g. "ccs_tool update", "cman start"`)
	fail := fs.Int("fail", 0, "fail the next N matching invocations")
	failAlways := fs.Bool("fail-always", false, "fail every matching invocation")
	hang := fs.Int("hang", 0, "hang the next N matching invocations until killed (0: every one)")
	slow := fs.Duration("slow", 0, "delay matching invocations by `DURATION`, then run them")
	times := fs.Int("times", 0, "with --slow, delay only the next N invocations")
	exit := fs.Int("exit", 0, "exit status of a failure (default 1)")
	message := fs.String("message", "", "what a failure prints on stderr (default \"<tool>: injected failure\")")
	clear := fs.Bool("clear", false, "remove the faults of --host, or all faults")
	list := fs.Bool("list", false, "print the faults in place, as the arguments that add them")
	if err := fs.Parse(args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *dir == "" || fs.NArg() > 0 {
		return errors.New("need --dir DIR, and no arguments besides flags")
	}

	switch {
	case *list:
		if len(set) != 2 {
			return errors.New("--list takes only --dir")
		}
		faults, err := emu.Faults(*dir)
		if err != nil {
			return err
		}
		for _, f := range faults {
			fmt.Println(f.Flags())
		}
		return nil
	case *clear:
		for name := range set {
			if name != "dir" && name != "host" && name != "clear" {
				return fmt.Errorf("--clear takes only --dir and --host, not --%s", name)
			}
		}
		return emu.ClearFaults(*dir, *hostName)
	}

	f := emu.Fault{Host: *hostName, Command: *command, Exit: *exit, Message: *message}
	modes := 0
	for _, m := range []string{"fail", "fail-always", "hang", "slow"} {
		if set[m] {
			modes++
		}
	}
	switch {
	case *command == "":
		return errors.New("need --command")
	case modes != 1:
		return errors.New("need exactly one of --fail N, --fail-always, --hang N, --slow DURATION")
	case set["times"] && !set["slow"]:
		return errors.New("--times goes with --slow; --fail and --hang take their count")
	case set["fail"]:
		if *fail < 1 {
			return errors.New("--fail N needs N >= 1; use --fail-always for every invocation")
		}
		f.Mode, f.Times = emu.FaultFail, *fail
	case *failAlways:
		f.Mode = emu.FaultFail
	case set["hang"]:
		if *hang < 0 {
			return errors.New("--hang N needs N >= 0")
		}
		f.Mode, f.Times = emu.FaultHang, *hang
	case set["slow"]:
		if *slow <= 0 || *times < 0 {
			return errors.New("--slow needs a positive duration, --times a count >= 0")
		}
		f.Mode, f.Delay, f.Times = emu.FaultSlow, *slow, *times
	}
	if (set["exit"] || set["message"]) && f.Mode != emu.FaultFail {
		return errors.New("--exit and --message go with --fail or --fail-always")
	}
	return emu.AddFault(*dir, f)
}
