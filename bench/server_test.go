package bench

import (
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

	"github.com/tetsuzuki/tetsuzuki/deploy/tuning"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// The binaries the benchmarks run, as make bench builds them: the
// Temporal CLI (its dev server), the lab (lab init, lab up) and the
// hosts' tools, labtools (the lab's tools without the lab commands, which
// start three times as fast: see package lab/toolset).
var (
	repo        = mustAbs("..")
	temporalBin = filepath.Join(repo, ".bin", "temporal")
	labBin      = filepath.Join(repo, ".bin", "lab")
	toolsBin    = filepath.Join(repo, ".bin", "labtools")
)

func mustAbs(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		panic(err)
	}
	return abs
}

// namespaces are created with the server: one per benchmarked lab, so
// that no lab's host queues meet another's.
var namespaces = []string{"check6", "check100", "check1000", "webhook", "step", "build", "rss", "fanout10", "fanout100", "fanout1000"}

// serverTuning is the project's (deploy/tuning: the dev server's queue
// processors poll without a rate limit, one partition per task queue),
// and one limit that a thousand agents meet: see the README's
// "Benchmarks".
var serverTuning = append(tuning.Values(),
	// Every agent long-polls its host's queue with two pollers (the
	// SDK's default): a thousand hosts are 2,000 polls, past the 1,200
	// the frontend takes at once per namespace by default ("namespace
	// concurrent poller limit exceeded"), which leaves some hosts with no
	// poller for longer than a check waits (HOST_AGENT_UNREACHABLE).
	"frontend.namespaceCount=4000",
)

// server is the one dev server of a benchmark run, started by the first
// benchmark that needs it and stopped by TestMain.
var server struct {
	once sync.Once
	addr string
	err  error
	stop func()
	log  string
	pid  int // the server's process, whose memory BenchmarkIdleRSS reads
}

func TestMain(m *testing.M) {
	code := m.Run()
	if server.stop != nil {
		server.stop()
		if code == 0 {
			os.Remove(server.log)
		} else {
			fmt.Fprintln(os.Stderr, "bench: the dev server's log is", server.log)
		}
	}
	os.Exit(code)
}

// need skips the benchmark when a binary it runs is missing.
func need(b *testing.B, bins ...string) {
	b.Helper()
	for _, bin := range bins {
		if _, err := os.Stat(bin); err != nil {
			b.Skipf("%s is missing: run make bench, which builds it (%v)", bin, err)
		}
	}
}

// devServer returns the address of the dev server, starting it on first use.
func devServer(b *testing.B) string {
	b.Helper()
	need(b, temporalBin)
	server.once.Do(func() { server.addr, server.stop, server.err = startServer() })
	if server.err != nil {
		b.Fatal(server.err)
	}
	return server.addr
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startServer runs the dev server in memory, with no Web UI, and waits
// until a client reaches every namespace.
func startServer() (string, func(), error) {
	port, err := freePort()
	if err != nil {
		return "", nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	args := []string{"server", "start-dev", "--ip", "127.0.0.1", "--port", fmt.Sprint(port), "--headless", "--log-level", "warn"}
	for _, ns := range namespaces {
		args = append(args, "--namespace", ns)
	}
	for _, sa := range workflows.SearchAttributes() {
		args = append(args, "--search-attribute", sa.Name+"="+sa.Type)
	}
	for _, v := range serverTuning {
		args = append(args, "--dynamic-config-value", v)
	}
	logf, err := os.CreateTemp("", "tetsuzuki-bench-temporal-*.log")
	if err != nil {
		return "", nil, err
	}
	server.log = logf.Name()
	cmd := exec.Command(temporalBin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	server.pid = cmd.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
		logf.Close()
	}
	deadline := time.Now().Add(2 * time.Minute)
	for _, ns := range namespaces {
		for {
			err := reach(addr, ns)
			if err == nil {
				break
			}
			select {
			case werr := <-exited:
				data, _ := os.ReadFile(logf.Name())
				return "", nil, fmt.Errorf("dev server exited (%v) before it was ready:\n%s", werr, data)
			default:
			}
			if time.Now().After(deadline) {
				data, _ := os.ReadFile(logf.Name())
				stop()
				return "", nil, fmt.Errorf("dev server not ready: %v\n%s", err, data)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	return addr, stop, nil
}

// reach asks the server about a workflow that does not exist: "not found"
// means the namespace answers.
func reach(addr, ns string) error {
	c, err := client.Dial(client.Options{HostPort: addr, Namespace: ns, Logger: quiet{}})
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.DescribeWorkflowExecution(context.Background(), "none", "")
	if err != nil && !strings.Contains(err.Error(), "not found") {
		return fmt.Errorf("namespace %s: %w", ns, err)
	}
	return nil
}

// quiet drops the SDK's logs.
type quiet struct{}

func (quiet) Debug(string, ...any) {}
func (quiet) Info(string, ...any)  {}
func (quiet) Warn(string, ...any)  {}
func (quiet) Error(string, ...any) {}
