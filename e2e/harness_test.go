package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/deploy/tuning"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/sign"
	"github.com/tetsuzuki/tetsuzuki/worker/roles"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// namespaces are created with the server, one per test that needs
// isolation from the others' host queues.
var namespaces = []string{"form", "kill", "concurrent", "faults", "bad", "storage", "build", "webui", "expand", "codec", "slow", "signed", "schedule", "drift", "plan", "webhook", "clients", "clientsundo", "manycheck"}

var (
	bin        string // directory of the binaries built from this checkout
	serverAddr string
	uiAddr     string // the dev server's Web UI, as http://host:port
	repo       string
	// Every test runs with the payload codec on, as the demo does: the
	// binaries get the key file in their environment, the clients of this
	// process in connect.Options, and the Web UI decodes through a
	// `starter codec-server` at codecAddr.
	codecKey  string
	codec     *connect.Codec
	codecAddr string // http://host:port
	// Every test runs with signing on too: the in-process orchestrator
	// signs with signKey, and every agent (lab up, the agent binary)
	// trusts signKey.pub through its environment, besides the lab's own
	// key. The worker binary as orchestrator gets signKey the same way.
	signKey string
	signer  *sign.Signer
	// And with results signed: every lab shares the hosts' keys in
	// hostKeys (lab init makes them, $TETSUZUKI_LAB_KEYS), every agent
	// signs its results with its host's, and the orchestrators check them
	// against the keyring hostKeys/host-keys.
	hostKeys string
	keyring  *sign.Keyring
	// pins is where every orchestrator of the tests, in this process or
	// the worker binary ($TETSUZUKI_PINS), keeps the runbook versions its
	// runs work on: children carry a version's digest, so orchestrators
	// that take over a run must share them, as a site's do.
	pins string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	repo, err = filepath.Abs("..")
	if err != nil {
		panic(err)
	}
	tmp, err := os.MkdirTemp("", "tetsuzuki-e2e-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(tmp)
	bin = filepath.Join(tmp, "bin")
	pins = filepath.Join(tmp, "pins")
	if err := build(bin); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	if err := newCodecKey(tmp); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	if err := newSignKey(tmp); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	if err := newHostKeys(tmp); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	stop, err := startServer(tmp)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer stop()
	stopCodec, err := startCodecServer(tmp)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer stopCodec()
	return m.Run()
}

// build compiles the project's binaries, and the Temporal CLI when the
// checkout has not built it yet (make test does it first).
func build(dir string) error {
	// The Temporal CLI, and the server, schema tool and Web UI server of
	// make cluster, as make builds them (tools/go.mod).
	for name, pkg := range map[string]string{
		"temporal":           "github.com/temporalio/cli/cmd/temporal",
		"temporal-server":    "go.temporal.io/server/cmd/server",
		"temporal-sql-tool":  "go.temporal.io/server/cmd/tools/sql",
		"temporal-ui-server": "github.com/temporalio/ui-server/v2/cmd/server",
	} {
		path := filepath.Join(repo, ".bin", name)
		if _, err := os.Stat(path); err == nil {
			continue
		}
		cmd := exec.Command("go", "build", "-o", path, pkg)
		cmd.Dir = filepath.Join(repo, "tools")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %v\n%s", name, err, out)
		}
	}
	for _, name := range []string{"lab", "lab/labtools", "worker", "agent", "starter"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, filepath.Base(name)), "./"+name)
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %v\n%s", name, err, out)
		}
	}
	return nil
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startServer runs the dev server in memory, with its Web UI for the
// browser test, and waits until a client can reach every namespace.
func startServer(tmp string) (func(), error) {
	port, uiPort := freePort(), freePort()
	for uiPort == port {
		uiPort = freePort()
	}
	codecPort := freePort()
	for codecPort == port || codecPort == uiPort {
		codecPort = freePort()
	}
	serverAddr = fmt.Sprintf("127.0.0.1:%d", port)
	uiAddr = fmt.Sprintf("http://127.0.0.1:%d", uiPort)
	codecAddr = fmt.Sprintf("http://127.0.0.1:%d", codecPort)
	args := []string{"server", "start-dev", "--ip", "127.0.0.1", "--port", fmt.Sprint(port), "--ui-port", fmt.Sprint(uiPort), "--log-level", "error",
		"--ui-codec-endpoint", codecAddr}
	for _, ns := range namespaces {
		args = append(args, "--namespace", ns)
	}
	for _, sa := range workflows.SearchAttributes() {
		args = append(args, "--search-attribute", sa.Name+"="+sa.Type)
	}
	// The dev server's defaults poll its internal queues slowly, which is
	// most of what a short step costs; the tests run many.
	for _, v := range tuning.Values() {
		args = append(args, "--dynamic-config-value", v)
	}
	cmd := exec.Command(filepath.Join(repo, ".bin", "temporal"), args...)
	logf, err := os.Create(filepath.Join(tmp, "temporal.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() { _ = cmd.Process.Kill(); <-exited }
	deadline := time.Now().Add(2 * time.Minute)
	for _, ns := range namespaces {
		for {
			c, err := client.Dial(client.Options{HostPort: serverAddr, Namespace: ns, Logger: quiet{}})
			if err == nil {
				_, err = c.DescribeWorkflowExecution(context.Background(), "none", "")
				c.Close()
				if err != nil && !strings.Contains(err.Error(), "not found") {
					err = fmt.Errorf("namespace %s: %w", ns, err)
				} else {
					err = nil
				}
			}
			if err == nil {
				break
			}
			select {
			case werr := <-exited:
				// Dead already: say so now, not after the deadline.
				data, _ := os.ReadFile(logf.Name())
				return nil, fmt.Errorf("dev server exited (%v) before it was ready:\n%s", werr, data)
			default:
			}
			if time.Now().After(deadline) {
				stop()
				data, _ := os.ReadFile(logf.Name())
				return nil, fmt.Errorf("dev server not ready: %v\n%s", err, data)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	return stop, nil
}

// newCodecKey writes the tests' codec key, as make demo does with
// `starter keygen`.
func newCodecKey(tmp string) error {
	codecKey = filepath.Join(tmp, "codec.key")
	cmd := exec.Command(filepath.Join(bin, "starter"), "keygen", "--out", codecKey)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("starter keygen: %v\n%s", err, out)
	}
	var err error
	codec, err = connect.LoadCodec(codecKey)
	return err
}

// newSignKey writes the tests' orchestrator keypair with `starter signkey`.
func newSignKey(tmp string) error {
	signKey = filepath.Join(tmp, "orchestrator.key")
	cmd := exec.Command(filepath.Join(bin, "starter"), "signkey", "--out", signKey)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("starter signkey: %v\n%s", err, out)
	}
	var err error
	signer, err = sign.LoadSigner(signKey)
	return err
}

// newHostKeys makes the key of every host of every shipped runbook, with
// lab init as a lab does, into the one directory all the tests' labs use,
// and loads their keyring for the in-process orchestrators.
func newHostKeys(tmp string) error {
	hostKeys = filepath.Join(tmp, "hostkeys")
	books, err := filepath.Glob(filepath.Join(repo, "runbooks", "*.yaml"))
	if err != nil {
		return err
	}
	for i, book := range books {
		cmd := exec.Command(filepath.Join(bin, "lab"), "init", "--runbook", book, "--dir", filepath.Join(tmp, fmt.Sprintf("keys-lab%d", i)), "--keys", hostKeys)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("lab init %s: %v\n%s", book, err, out)
		}
	}
	keyring, err = sign.LoadKeyring(filepath.Join(hostKeys, "host-keys"))
	return err
}

// startCodecServer runs `starter codec-server` for the Web UI at
// codecAddr; the browser test waits until it answers.
func startCodecServer(tmp string) (func(), error) {
	cmd := exec.Command(filepath.Join(bin, "starter"), "codec-server",
		"--listen", strings.TrimPrefix(codecAddr, "http://"), "--key-file", codecKey, "--allow-origin", uiAddr)
	logf, err := os.Create(filepath.Join(tmp, "codec-server.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	return func() { _ = cmd.Process.Kill(); <-exited }, nil
}

// env is the environment of the project's binaries in tests: the dev
// server, the codec's key, and the signing keys.
func env() []string {
	return append(os.Environ(), "TEMPORAL_ADDRESS="+serverAddr, connect.KeyFileEnv+"="+codecKey,
		sign.KeyEnv+"="+signKey, sign.TrustEnv+"="+signKey+".pub",
		sign.HostKeysEnv+"="+filepath.Join(hostKeys, "host-keys"), "TETSUZUKI_LAB_KEYS="+hostKeys,
		// The hosts' tools are labtools: the lab's tools without its
		// commands, which start faster; the tests run thousands.
		"TETSUZUKI_LAB_TOOLS="+filepath.Join(bin, "labtools"), "TETSUZUKI_PINS="+pins)
}

// quiet drops the SDK's logs in tests.
type quiet struct{}

func (quiet) Debug(string, ...any) {}
func (quiet) Info(string, ...any)  {}
func (quiet) Warn(string, ...any)  {}
func (quiet) Error(string, ...any) {}

func dial(t *testing.T, ns string) client.Client {
	t.Helper()
	c, closeClient, err := connect.Dial(context.Background(), connect.Options{Address: serverAddr, Namespace: ns, Quiet: true, CodecKeyFile: codecKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeClient)
	return c
}

// orchestrator runs the workflows in this test process for namespace ns.
func orchestrator(t *testing.T, c client.Client) { orchestratorOf(t, c, keyring) }

// orchestratorOf is orchestrator checking results against ring, for a
// test whose lab added hosts to the keyring after the tests began.
func orchestratorOf(t *testing.T, c client.Client, ring *sign.Keyring) {
	t.Helper()
	w := roles.Orchestrator(c, runbooks.Catalog{Pins: pins}, sign.Orchestrator{Signer: signer, Hosts: ring})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
}

// proc is a project binary running for a test; it is killed at cleanup.
type proc struct {
	cmd *exec.Cmd
	out *syncBuffer
}

func start(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(filepath.Join(bin, name), args...)
	cmd.Env = env()
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, out: out}
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("%s %v output:\n%s", name, args, out.String())
		}
	})
	return p
}

// kill ends the process and everything it started, as a crash would.
func (p *proc) kill() {
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	_ = p.cmd.Wait()
}

// runBin runs a project binary to completion and returns its output.
func runBin(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(bin, name), args...)
	cmd.Env = env()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
