package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/lab/emu"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/sign"
	"github.com/tetsuzuki/tetsuzuki/worker/roles"
)

// lab is a lab directory of emulated hosts, their agents and an
// orchestrator, all on one namespace of the dev server.
type lab struct {
	// stops end what up and orchestrator started, the last first.
	stops []func()
	dir   string // the lab: hosts/, state/, orchestrator.key
	keys  string // the hosts' keys and the keyring host-keys
	book  string // the runbook file the hosts are made from
	// catalog is the orchestrator's catalog directory: a runbook there is
	// started by name, instead of carrying its YAML in the run's input.
	catalog string
	codec   string // the payload codec's key file
	ns      string
	addr    string
	hosts   int
	pid     int // the `lab up` process, once up
}

// newLab makes the hosts of the runbook book with `lab init` (which also
// makes the lab orchestrator's signing key and every host's key) and a
// codec key, as make demo does. catalog is written to the orchestrator's
// catalog directory, name.yaml for each entry; book is a file, or the name
// of one of catalog's entries.
func newLab(b *testing.B, ns, book string, hosts int, catalog map[string]string) *lab {
	b.Helper()
	need(b, labBin, toolsBin)
	addr := devServer(b)
	dir := b.TempDir()
	l := &lab{dir: filepath.Join(dir, "lab"), keys: filepath.Join(dir, "keys"), book: book, catalog: filepath.Join(dir, "catalog"),
		codec: filepath.Join(dir, "codec.key"), ns: ns, addr: addr, hosts: hosts}
	if err := os.MkdirAll(l.catalog, 0o755); err != nil {
		b.Fatal(err)
	}
	for name, yaml := range catalog {
		if err := os.WriteFile(filepath.Join(l.catalog, name+".yaml"), []byte(yaml), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if _, ok := catalog[book]; ok {
		l.book = filepath.Join(l.catalog, book+".yaml")
	}
	key, err := connect.GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(l.codec, []byte(key), 0o600); err != nil {
		b.Fatal(err)
	}
	l.run(b, "init", "--runbook", l.book, "--dir", l.dir, "--keys", l.keys, "--tools", toolsBin)
	b.Cleanup(l.close)
	return l
}

// close stops the lab's agents and orchestrator, for a benchmark that
// makes a new lab of the same hosts: at most one lab's agents may poll a
// host's queue. The benchmark's cleanup closes every lab.
func (l *lab) close() {
	for len(l.stops) > 0 {
		stop := l.stops[len(l.stops)-1]
		l.stops = l.stops[:len(l.stops)-1]
		stop()
	}
}

// run runs a lab command to completion.
func (l *lab) run(b *testing.B, args ...string) {
	b.Helper()
	if out, err := exec.Command(labBin, args...).CombinedOutput(); err != nil {
		b.Fatalf("lab %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// env is the environment of the lab's processes: the dev server and the
// codec key, nothing of the caller's Temporal settings.
func (l *lab) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TEMPORAL_") && !strings.HasPrefix(kv, "TETSUZUKI_") {
			env = append(env, kv)
		}
	}
	return append(env, "TEMPORAL_ADDRESS="+l.addr, "TEMPORAL_NAMESPACE="+l.ns, connect.KeyFileEnv+"="+l.codec)
}

// up runs `lab up`: one process with the production agent of every host,
// each on its host's task queue, taking steps signed by the lab's
// orchestrator key and signing its results with its host's key. It
// returns once the process says every agent is up, and kills the process
// (and the tools it runs) at cleanup.
func (l *lab) up(b *testing.B) {
	b.Helper()
	cmd := exec.Command(labBin, "up", "--runbook", l.book, "--dir", l.dir, "--keys", l.keys, "--tools", toolsBin)
	cmd.Env = l.env()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	l.pid = cmd.Process.Pid
	var out strings.Builder
	var mu sync.Mutex
	ready := make(chan struct{})
	exited := make(chan error, 1)
	go func() {
		s := bufio.NewScanner(pr)
		s.Buffer(make([]byte, 64<<10), 4<<20) // its "up" line names every host
		signalled := false
		for s.Scan() {
			line := s.Text()
			mu.Lock()
			if len(line) > 400 {
				line = line[:400] + "..."
			}
			out.WriteString(line + "\n")
			mu.Unlock()
			if !signalled && strings.Contains(line, fmt.Sprintf("agents of %d hosts up", l.hosts)) {
				signalled = true
				close(ready)
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	go func() { exited <- cmd.Wait(); pw.Close() }()
	l.stops = append(l.stops, func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		if b.Failed() {
			mu.Lock()
			defer mu.Unlock()
			b.Logf("lab up said:\n%s", tail(out.String(), 60))
		}
	})
	select {
	case <-ready:
	case err := <-exited:
		mu.Lock()
		defer mu.Unlock()
		b.Fatalf("lab up exited (%v):\n%s", err, out.String())
	case <-time.After(5 * time.Minute):
		mu.Lock()
		defer mu.Unlock()
		b.Fatalf("lab up: the agents of %d hosts not up after 5 minutes:\n%s", l.hosts, out.String())
	}
}

// orchestrator dials the lab's namespace with the codec on and runs the
// orchestrator's worker in this process, as e2e does: the workflows,
// the runbook loader on the lab's catalog, and the signing interceptor
// with the lab's orchestrator key and the hosts' keyring. register adds
// what a benchmark runs besides the product's workflows.
func (l *lab) orchestrator(b *testing.B, register ...func(worker.Registry)) client.Client {
	b.Helper()
	c, closeClient, err := connect.Dial(context.Background(), connect.Options{Address: l.addr, Namespace: l.ns, Quiet: true, CodecKeyFile: l.codec})
	if err != nil {
		b.Fatal(err)
	}
	l.stops = append(l.stops, closeClient)
	signer, err := sign.LoadSigner(filepath.Join(l.dir, "orchestrator.key"))
	if err != nil {
		b.Fatal(err)
	}
	ring, err := sign.LoadKeyring(l.keyring(b)...)
	if err != nil {
		b.Fatal(err)
	}
	w := roles.Orchestrator(c, runbooks.Catalog{Dir: l.catalog, Pins: filepath.Join(l.catalog, ".pinned")}, sign.Orchestrator{Signer: signer, Hosts: ring})
	for _, r := range register {
		r(w)
	}
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	l.stops = append(l.stops, w.Stop)
	return c
}

// keyringLines is how many hosts' keys one keyring file holds here: sign
// reads a key file of at most 64 KiB, about 700 hosts' lines, and lab
// init writes the keys of all its hosts into one, host-keys. An
// orchestrator of more hosts reads several files (-host-keys takes a
// list), so the keyring is split as an operator would split it.
const keyringLines = 500

// keyring is the lab's host-keys, split into files of keyringLines keys.
func (l *lab) keyring(b *testing.B) []string {
	b.Helper()
	data, err := os.ReadFile(filepath.Join(l.keys, "host-keys"))
	if err != nil {
		b.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	var files []string
	for i := 0; i < len(lines); i += keyringLines {
		file := filepath.Join(l.keys, fmt.Sprintf("host-keys.%d", len(files)))
		if err := os.WriteFile(file, []byte(strings.Join(lines[i:min(i+keyringLines, len(lines))], "")), 0o644); err != nil {
			b.Fatal(err)
		}
		files = append(files, file)
	}
	return files
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}

// toolRuns counts the tools every host of the lab started between from
// and to, from the lab's log of each host's invocations.
func (l *lab) toolRuns(b *testing.B, from, to time.Time) int {
	b.Helper()
	hosts, err := emu.Logged(l.dir)
	if err != nil || len(hosts) == 0 {
		b.Fatalf("the lab's logs of what ran: %d hosts (%v)", len(hosts), err)
	}
	n := 0
	for _, fqdn := range hosts {
		invs, err := emu.Invocations(l.dir, fqdn)
		if err != nil {
			b.Fatal(err)
		}
		for _, inv := range invs {
			if !inv.Time.Before(from) && !inv.Time.After(to) {
				n++
			}
		}
	}
	return n
}
