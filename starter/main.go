// Command starter is the command line for people and scripts: it starts a
// runbook and follows it step by step until it ends.
//
//	starter run --runbook runbooks/scalable-storage.yaml --procedure form-clusters
//	starter run --runbook scalable-storage --procedure node-join --cluster storage0 --node storage0b
//	starter approve --workflow-id storage-layer-scalable-storage-1a2b3c4d --by alice
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: starter <command> [flags]

commands:
  run         start a procedure on a runbook and follow it to the end
  approve     approve (or --reject) a destructive step a run waits for
  procedures  list the procedures run can start

run "starter run -h" for its flags`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := dispatch(ctx, os.Args[1:])
	stop()
	var exit exitError
	switch {
	case errors.As(err, &exit):
		os.Exit(int(exit))
	case err != nil:
		fmt.Fprintln(os.Stderr, "starter:", err)
		os.Exit(2)
	}
}

// exitError carries the exit status of a run that failed: its story has
// been told already, so main prints nothing more.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "run":
		return runCmd(ctx, args[1:], os.Stdout)
	case "approve":
		return approveCmd(ctx, args[1:], os.Stdout)
	case "procedures":
		for _, p := range procedures {
			fmt.Printf("%-18s %s\n", p.name, p.help)
		}
		return nil
	case "-h", "--help", "help":
		fmt.Println(usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}
