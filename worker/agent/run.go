package agent

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/sign"
)

// Flags are an agent process's own options, besides where the server is
// (connect.Options).
type Flags struct {
	Host      string
	Root      string
	Path      string
	TrustKeys string
	HostKey   string
}

// Register adds the flags to fs, each help text after prefix (the worker
// binary, which has two roles, says "agent: ").
func (f *Flags) Register(fs *flag.FlagSet, prefix string) {
	fs.StringVar(&f.Host, "host", "", prefix+"the FQDN of this host, as the runbook names it")
	fs.StringVar(&f.Root, "root", "/", prefix+"directory under which the host's files and tools are")
	fs.StringVar(&f.Path, "path", "", prefix+"colon-separated command search path under root (default /usr/sbin:/usr/bin:/sbin:/bin)")
	fs.StringVar(&f.TrustKeys, "trust-keys", os.Getenv(sign.TrustEnv), prefix+"colon-separated files of the orchestrator public keys to take steps from ($"+sign.TrustEnv+"); empty checks nothing")
	fs.StringVar(&f.HostKey, "host-key", os.Getenv(sign.HostKeyEnv), prefix+"this host's private key file, which signs every result ($"+sign.HostKeyEnv+"); empty signs nothing")
}

// Run is an agent process: it reads its keys, waits for the server
// (started before it, a host booting or a server restarting), then takes
// the host's steps until ctx ends, which is how SIGINT and SIGTERM stop
// it, waiting or not.
func Run(ctx context.Context, conn connect.Options, f Flags) error {
	// One P, unless GOMAXPROCS says otherwise: an agent's Go code mostly
	// waits, on the server and on the commands it runs, which are
	// processes of their own with every core to themselves. A P more is a
	// thread, a GC worker and a set of per-P allocation caches more: on
	// two cores an idle agent held 26.5 MB with two, 25.6 MB with one
	// (BenchmarkIdleRSS; RssAnon 8.1 and 7.4 MB).
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
	// Said before dialing, as a bad key file is: no server is needed to
	// know the agent serves no host.
	if f.Host == "" {
		return fmt.Errorf("no -host: the FQDN of this host, as the runbook names it")
	}
	cfg := Config{FQDN: f.Host, Root: f.Root}
	if f.Path != "" {
		cfg.Path = strings.Split(f.Path, ":")
	}
	// Keys are read before dialing: a bad key file is a mistake to report
	// now, not after the server is reached.
	var err error
	if files := sign.SplitList(f.TrustKeys); len(files) > 0 {
		if cfg.Keys.Trust, err = sign.LoadTrust(files...); err != nil {
			return err
		}
	}
	if f.HostKey != "" {
		if cfg.Keys.Key, err = sign.LoadSigner(f.HostKey); err != nil {
			return err
		}
	}
	// Once connected, the SDK's pollers ride out the server going away on
	// their own, retrying until it is back.
	c, closeClient, err := connect.DialRetry(ctx, conn, connect.Retry{})
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(os.Stderr, "agent:", err)
			return nil
		}
		return err
	}
	defer closeClient()
	w, err := New(c, cfg)
	if err != nil {
		return err
	}
	return w.Run(interrupt(ctx))
}

// interrupt turns ctx into the channel worker.Run waits on.
func interrupt(ctx context.Context) <-chan any {
	ch := make(chan any)
	go func() { <-ctx.Done(); close(ch) }()
	return ch
}
