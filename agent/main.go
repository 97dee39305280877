// Command agent is the agent of one host, what each real host runs: the
// Temporal worker of that host's task queue, which runs the host's steps
// (package activities) and nothing else:
//
//	agent -host storage0a.example.org [-root /] [-trust-keys FILE[:FILE...]] [-host-key FILE]
//
// With -trust-keys it runs only steps signed by one of those orchestrator
// keys; with -host-key it signs every result (package sign). Without them,
// that half is off. Started while the server cannot be reached, it waits
// for it, saying so on stderr, and stops cleanly on SIGINT or SIGTERM.
//
// It is `worker -role agent` without the orchestrator: it imports none of
// the workflows, runbooks or plans, whose code and package initialisation
// an agent would otherwise carry and run on every host (package
// worker/agent; BenchmarkIdleRSS measures it).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/worker/agent"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "agent:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("agent", flag.ContinueOnError)
	var conn connect.Options
	conn.Flags(fs)
	var f agent.Flags
	f.Register(fs, "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return agent.Run(ctx, conn, f)
}
