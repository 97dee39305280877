// Command worker runs the orchestrator (the workflows, on the runbooks task
// queue) or the agent of one host (that host's steps, on its own queue):
//
//	worker -role orchestrator [-runbooks DIR] [-sign-key FILE] [-host-keys FILE[:FILE...]]
//	worker -role agent -host storage0a.example.org [-root /] [-trust-keys FILE[:FILE...]] [-host-key FILE]
//
// With -sign-key the orchestrator signs every step it sends to a host;
// with -trust-keys an agent runs only steps signed by one of those keys
// (package sign). With -host-key an agent signs every result; with
// -host-keys the orchestrator takes a host's result only signed by a key
// the keyring lists for that host. Without them, that half is off.
//
// Either role started while the server cannot be reached waits for it,
// saying so on stderr, and stops cleanly on SIGINT or SIGTERM meanwhile.
//
// A real host runs the agent binary (../agent), the same agent
// (package worker/agent) without the orchestrator's code; -role agent
// runs it here too.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/sign"
	"github.com/tetsuzuki/tetsuzuki/worker/agent"
	"github.com/tetsuzuki/tetsuzuki/worker/roles"
)

// PinsEnv names the orchestrator's pins directory when -pins is not given.
const PinsEnv = "TETSUZUKI_PINS"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	var conn connect.Options
	conn.Flags(fs)
	role := fs.String("role", "", "orchestrator or agent")
	catalog := fs.String("runbooks", "", "orchestrator: directory of runbooks offered by name besides the built-in ones")
	pins := fs.String("pins", os.Getenv(PinsEnv), "orchestrator: directory that keeps each runbook version a run works on, so children carry its digest, not its YAML; orchestrators of one namespace share it ($"+PinsEnv+"; default RUNBOOKS/.pinned with -runbooks, else none: children carry the YAML)")
	signKey := fs.String("sign-key", os.Getenv(sign.KeyEnv), "orchestrator: private key file that signs every host step ($"+sign.KeyEnv+"); empty signs nothing")
	hostKeys := fs.String("host-keys", os.Getenv(sign.HostKeysEnv), "orchestrator: colon-separated keyring files, a line 'FQDN HEXKEY' per host key, to check results with ($"+sign.HostKeysEnv+"); empty checks nothing")
	var agentFlags agent.Flags
	agentFlags.Register(fs, "agent: ")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch *role {
	case "agent":
		return agent.Run(ctx, conn, agentFlags)
	case "orchestrator":
	default:
		return fmt.Errorf("-role must be orchestrator or agent, not %q", *role)
	}

	// Keys are read before dialing: a bad key file is a mistake to report
	// now, not after the server is reached.
	var orch sign.Orchestrator
	var err error
	if *signKey != "" {
		if orch.Signer, err = sign.LoadSigner(*signKey); err != nil {
			return err
		}
	}
	if files := sign.SplitList(*hostKeys); len(files) > 0 {
		if orch.Signer == nil {
			return fmt.Errorf("-host-keys needs -sign-key: a result is checked against the signed task it answers")
		}
		if orch.Hosts, err = sign.LoadKeyring(files...); err != nil {
			return err
		}
	}

	// Started before the server (a host booting, a server restarting),
	// the worker waits for it; once connected, the SDK's pollers ride out
	// the server going away on their own, retrying until it is back.
	c, closeClient, err := connect.DialRetry(ctx, conn, connect.Retry{})
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(os.Stderr, "worker:", err)
			return nil
		}
		return err
	}
	defer closeClient()

	cat := runbooks.Catalog{Dir: *catalog, Pins: *pins}
	if cat.Pins == "" && cat.Dir != "" {
		cat.Pins = filepath.Join(cat.Dir, ".pinned")
	}
	return roles.Orchestrator(c, cat, orch).Run(ctxInterrupt(ctx))
}

// ctxInterrupt turns the signal context into the channel worker.Run waits on.
func ctxInterrupt(ctx context.Context) <-chan any {
	ch := make(chan any)
	go func() { <-ctx.Done(); close(ch) }()
	return ch
}
