package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"go.temporal.io/sdk/worker"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/lab/emu"
	"github.com/tetsuzuki/tetsuzuki/sign"
	"github.com/tetsuzuki/tetsuzuki/worker/roles"
)

// hostList collects repeated --host flags.
type hostList []string

func (h *hostList) String() string     { return strings.Join(*h, ",") }
func (h *hostList) Set(v string) error { *h = append(*h, v); return nil }

// runUp creates the lab hosts of a runbook and runs the agent of every one
// (or of those named with --host) in this process until interrupted. Each
// agent is the production agent with the host's lab directory as its root:
// the lab's tools are what it finds there. Started while the server is
// down, it waits for the server, as the worker binary does. Every agent
// takes only steps signed by the lab's orchestrator key (signKey), or by
// one of the keys of --trust-keys, and signs its results with its host's
// key (hostKey), which the orchestrator's keyring (keyring) lists.
func runUp(args []string) error {
	fs := flag.NewFlagSet("lab up", flag.ContinueOnError)
	var conn connect.Options
	conn.Flags(fs)
	runbook := fs.String("runbook", "", "the runbook whose hosts to run")
	dir := fs.String("dir", "", "the lab directory")
	keys := fs.String("keys", "", "the directory of the hosts' keys (default $"+labKeysEnv+", or DIR/keys)")
	tools := toolsFlag(fs)
	ownKey := fs.String("host-key", os.Getenv(sign.HostKeyEnv), "with one --host: that host's private key, as on a real host ($"+sign.HostKeyEnv+"), instead of the lab's")
	var only hostList
	fs.Var(&only, "host", "run only this host's agent (short name or FQDN; repeatable)")
	trustKeys := fs.String("trust-keys", os.Getenv(sign.TrustEnv), "colon-separated files of orchestrator public keys the agents trust besides the lab's own ($"+sign.TrustEnv+")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *runbook == "" || *dir == "" || fs.NArg() > 0 {
		return errors.New("need --runbook FILE --dir DIR")
	}
	kdir := keysDir(*keys, *dir)
	rb, err := initLab(*runbook, *dir, kdir, *tools)
	if err != nil {
		return err
	}
	var fqdns []string
	for _, h := range rb.Hosts {
		if len(only) == 0 || slices.Contains(only, h.Name) || slices.Contains(only, h.FQDN) {
			fqdns = append(fqdns, h.FQDN)
		}
	}
	if len(fqdns) == 0 {
		return fmt.Errorf("runbook %s has no host %v", rb.Name, only)
	}
	if *ownKey != "" && len(fqdns) != 1 {
		return fmt.Errorf("--host-key is one host's key: name that host with --host")
	}
	trust, err := labTrust(*dir, sign.SplitList(*trustKeys))
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The agents wait for a server that is down, as on a real host.
	c, closeClient, err := connect.DialRetry(ctx, conn, connect.Retry{})
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(os.Stderr, "lab up:", err)
			return nil
		}
		return err
	}
	defer closeClient()

	var started []worker.Worker
	defer func() {
		for _, w := range started {
			w.Stop()
		}
	}()
	for _, fqdn := range fqdns {
		keyFile := hostKey(kdir, fqdn)
		if *ownKey != "" {
			keyFile = *ownKey
		}
		key, err := sign.LoadSigner(keyFile)
		if err != nil {
			return err
		}
		w, err := roles.Agent(c, roles.AgentConfig{FQDN: fqdn, Root: emu.HostRoot(*dir, fqdn), Keys: sign.Agent{Trust: trust, Key: key}})
		if err != nil {
			return err
		}
		if err := w.Start(); err != nil {
			return fmt.Errorf("agent of %s: %w", fqdn, err)
		}
		started = append(started, w)
	}
	fmt.Printf("lab %s: agents of %d hosts up (%s), taking steps signed by %s, signing results with the keys of %s; Ctrl-C stops them\n", *dir, len(fqdns), strings.Join(fqdns, ", "), strings.Join(trust.IDs(), ", "), keyring(kdir))
	<-ctx.Done()
	return nil
}

// labTrust is the lab's own orchestrator key (its .pub: the agents never
// read the private half) and the keys of files.
func labTrust(dir string, files []string) (*sign.Trust, error) {
	return sign.LoadTrust(append([]string{signKey(dir) + ".pub"}, files...)...)
}
