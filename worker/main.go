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
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"go.temporal.io/sdk/worker"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/sign"
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
	host := fs.String("host", "", "agent: the FQDN of this host, as the runbook names it")
	root := fs.String("root", "/", "agent: directory under which the host's files and tools are")
	path := fs.String("path", "", "agent: colon-separated command search path under root (default /usr/sbin:/usr/bin:/sbin:/bin)")
	signKey := fs.String("sign-key", os.Getenv(sign.KeyEnv), "orchestrator: private key file that signs every host step ($"+sign.KeyEnv+"); empty signs nothing")
	trustKeys := fs.String("trust-keys", os.Getenv(sign.TrustEnv), "agent: colon-separated files of the orchestrator public keys to take steps from ($"+sign.TrustEnv+"); empty checks nothing")
	hostKeys := fs.String("host-keys", os.Getenv(sign.HostKeysEnv), "orchestrator: colon-separated keyring files, a line 'FQDN HEXKEY' per host key, to check results with ($"+sign.HostKeysEnv+"); empty checks nothing")
	hostKey := fs.String("host-key", os.Getenv(sign.HostKeyEnv), "agent: this host's private key file, which signs every result ($"+sign.HostKeyEnv+"); empty signs nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	// Keys are read before dialing: a bad key file is a mistake to report
	// now, not after the server is reached.
	var orch sign.Orchestrator
	var agent sign.Agent
	var err error
	switch *role {
	case "orchestrator":
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
	case "agent":
		if files := sign.SplitList(*trustKeys); len(files) > 0 {
			if agent.Trust, err = sign.LoadTrust(files...); err != nil {
				return err
			}
		}
		if *hostKey != "" {
			if agent.Key, err = sign.LoadSigner(*hostKey); err != nil {
				return err
			}
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
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

	var w worker.Worker
	switch *role {
	case "orchestrator":
		cat := runbooks.Catalog{Dir: *catalog, Pins: *pins}
		if cat.Pins == "" && cat.Dir != "" {
			cat.Pins = filepath.Join(cat.Dir, ".pinned")
		}
		w = roles.Orchestrator(c, cat, orch)
	case "agent":
		cfg := roles.AgentConfig{FQDN: *host, Root: *root, Keys: agent}
		if *path != "" {
			cfg.Path = strings.Split(*path, ":")
		}
		if w, err = roles.Agent(c, cfg); err != nil {
			return err
		}
	default:
		return fmt.Errorf("-role must be orchestrator or agent, not %q", *role)
	}
	return w.Run(ctxInterrupt(ctx))
}

// ctxInterrupt turns the signal context into the channel worker.Run waits on.
func ctxInterrupt(ctx context.Context) <-chan any {
	ch := make(chan any)
	go func() { <-ctx.Done(); close(ch) }()
	return ch
}
