// Command lab runs the emulated CentOS 5 hosts the runbooks are rehearsed on.
//
// The one binary is every emulated tool and the lab command at once. Invoked
// through a host's symlink (…/hosts/<fqdn>/sbin/ccs_tool, …/usr/bin/yum,
// …/etc/init.d/cman) it is that tool on that host; invoked as lab it manages
// labs:
//
//	lab init  --runbook F --dir D            create or update the hosts of a runbook
//	lab exec  --dir D --host H -- CMD ARGS   run a tool as host H
//	lab fault --dir D --host H --command "ccs_tool update" --fail 2
//	lab fault --dir D --list | --clear [--host H]
//	lab break --dir D --host H KIND [ARG...] what goes wrong on real hosts
//	lab break --list
//	lab up    --runbook F --dir D            an agent for every host, in one process
//	lab runbook --clients N                  print a runbook of N clients (package lab/scale)
//
// The tools are the table in tools.go; the emulation is in package lab/emu
// and the packages under lab/.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tetsuzuki/tetsuzuki/lab/emu"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/sign"
)

const usage = `usage:
  lab init  --runbook FILE --dir DIR [--keys KEYDIR] [--tools BINARY]
  lab exec  --dir DIR --host HOST -- COMMAND [ARG...]
  lab fault --dir DIR --host HOST --command "TOOL [ARG...]" MODE [--exit CODE] [--message TEXT]
            MODE: --fail N | --fail-always | --hang N | --slow DURATION [--times N]
  lab fault --dir DIR --list
  lab fault --dir DIR --clear [--host HOST]
  lab set   --dir DIR drbd-speedup FACTOR   DRBD resyncs run FACTOR times their configured rate
  lab break --dir DIR --host HOST [--json] KIND [ARG...]
                                          inject drift: a crash, a daemon gone, a hand edit...
  lab break --list                        the kinds, with their arguments
  lab up    --runbook FILE --dir DIR [--keys KEYDIR] [--tools BINARY] [--host HOST]... [--trust-keys FILE[:FILE...]] [--address HOST:PORT] [--namespace NS]
  lab runbook --clients N [--pairs P] [--cluster-size S] [--name NAME] [--no-volume]
                                          print a runbook of the blog's stack with N clients,
                                          each importing and multipathing every pair, in
                                          client clusters of at most S (default 16); CLVM
                                          and GFS2 on the first cluster only

lab init makes DIR/orchestrator.key (and .pub) once; lab up's agents take
only steps signed by it or by a key of --trust-keys ($TETSUZUKI_TRUST_KEYS):
run the orchestrator with -sign-key DIR/orchestrator.key. lab init also
makes each host's own key once, in KEYDIR (default $TETSUZUKI_LAB_KEYS, or
DIR/keys), and the keyring KEYDIR/host-keys; lab up's agents sign every
result with their host's key: run the orchestrator with -host-keys
KEYDIR/host-keys as well.

A host's tools are links to the lab binary, or to --tools BINARY
($TETSUZUKI_LAB_TOOLS): labtools (go build ./lab/labtools) is the same
tools without the lab commands, and starts three times as fast.
`

func main() {
	if _, ok := tools[filepath.Base(os.Args[0])]; ok {
		os.Exit(emu.Main(os.Args, tools))
	}
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return 2
	}
	cmd, args := args[0], args[1:]
	var err error
	switch cmd {
	case "init":
		err = runInit(args)
	case "exec":
		return runExec(args)
	case "fault":
		err = runFault(args)
	case "up":
		err = runUp(args)
	case "set":
		err = runSet(args)
	case "break":
		err = runBreak(args)
	case "runbook":
		err = runRunbook(args)
	case "help", "-h", "--help":
		fmt.Print(usage)
		return 0
	default:
		fmt.Fprintf(os.Stderr, "lab: unknown command %q\n%s", cmd, usage)
		return 2
	}
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case err != nil:
		fmt.Fprintf(os.Stderr, "lab %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

// runInit creates a host for every host of a runbook, with an /etc/hosts
// naming them all.
func runInit(args []string) error {
	fs := flag.NewFlagSet("lab init", flag.ContinueOnError)
	runbook := fs.String("runbook", "", "the runbook whose hosts to create")
	dir := fs.String("dir", "", "the lab directory")
	keys := fs.String("keys", "", "the directory of the hosts' keys (default $"+labKeysEnv+", or DIR/keys)")
	tools := toolsFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *runbook == "" || *dir == "" || fs.NArg() > 0 {
		return errors.New("need --runbook FILE --dir DIR and nothing else")
	}
	rb, err := initLab(*runbook, *dir, keysDir(*keys, *dir), *tools)
	if err != nil {
		return err
	}
	fmt.Printf("lab %s: %d hosts of runbook %s\n", *dir, len(rb.Hosts), rb.Name)
	return nil
}

// signKey is the lab orchestrator's signing key, which initLab makes once
// and every lab agent trusts; its public half is beside it, signKey+".pub".
// Give it to the orchestrator: worker -role orchestrator -sign-key DIR/orchestrator.key.
func signKey(dir string) string { return filepath.Join(dir, "orchestrator.key") }

// labToolsEnv names the binary the hosts' tools link to when --tools
// does not; without either it is the lab binary itself.
const labToolsEnv = "TETSUZUKI_LAB_TOOLS"

// toolsFlag is the --tools flag of the commands that make hosts.
func toolsFlag(fs *flag.FlagSet) *string {
	return fs.String("tools", os.Getenv(labToolsEnv), "the binary the hosts' tools link to: labtools (go build ./lab/labtools), which starts three times as fast (default $"+labToolsEnv+", or this lab binary)")
}

// initLab creates (or refreshes) the hosts of a runbook in dir, with
// their tools linked to the binary tools (this lab binary when empty), and
// the lab orchestrator's signing key and the hosts' keys (in keys) that
// are missing.
func initLab(runbook, dir, keys, tools string) (*runbooks.Runbook, error) {
	rb, err := runbooks.Load(runbook)
	if err != nil {
		return nil, err
	}
	exe := tools
	if exe == "" {
		exe, err = os.Executable()
	}
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot find the tools' binary: %w", err)
	}
	var fqdns []string
	addrs := map[string]string{}
	for _, h := range rb.Hosts {
		fqdns = append(fqdns, h.FQDN)
		addrs[h.FQDN] = h.Address
	}
	if err := emu.Init(dir, exe, fqdns); err != nil {
		return nil, err
	}
	if _, err := os.Lstat(signKey(dir)); errors.Is(err, os.ErrNotExist) {
		if err := sign.GenerateKeyFiles(signKey(dir)); err != nil {
			return nil, fmt.Errorf("lab signing key: %w", err)
		}
	}
	if err := initKeys(keys, fqdns); err != nil {
		return nil, fmt.Errorf("lab host keys: %w", err)
	}
	return rb, emu.WriteEtcHosts(dir, addrs)
}
