package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"syscall"

	"github.com/tetsuzuki/tetsuzuki/lab/emu"
)

// runExec replaces the lab process with the tool, invoked by its path on the
// host, so its streams, signals and exit status are the tool's own. It
// returns only when the tool cannot be run.
func runExec(args []string) int {
	fs := flag.NewFlagSet("lab exec", flag.ContinueOnError)
	dir := fs.String("dir", "", "the lab directory")
	hostName := fs.String("host", "", "the host, by FQDN or short name")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	argv := fs.Args()
	if *dir == "" || *hostName == "" || len(argv) == 0 {
		fmt.Fprintln(os.Stderr, "lab exec: need --dir DIR --host HOST -- COMMAND [ARG...]")
		return 2
	}
	path, err := emu.Command(*dir, *hostName, argv[0])
	if errors.Is(err, emu.ErrNotFound) {
		fmt.Fprintf(os.Stderr, "lab exec: %v\n", err)
		return 127
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "lab exec: %v\n", err)
		return 2
	}
	err = syscall.Exec(path, append([]string{path}, argv[1:]...), os.Environ())
	fmt.Fprintf(os.Stderr, "lab exec: %s: %v\n", argv[0], err)
	return 126
}
