package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// devServer is a dev server of one test's own, kept in a file so that it
// can be killed and started again on the same port with the same state,
// which the shared in-memory server of TestMain cannot.
type devServer struct {
	addr, db, ns string
	log          string
	cmd          *exec.Cmd
	exited       chan error
}

func newDevServer(t *testing.T, ns string) *devServer {
	dir := t.TempDir()
	s := &devServer{addr: fmt.Sprintf("127.0.0.1:%d", freePort()), db: filepath.Join(dir, "temporal.db"), ns: ns, log: filepath.Join(dir, "temporal.log")}
	t.Cleanup(func() {
		s.kill()
		if t.Failed() {
			data, _ := os.ReadFile(s.log)
			t.Logf("dev server log:\n%s", data)
		}
	})
	return s
}

// start runs the server and waits until a client reaches its namespace.
func (s *devServer) start(t *testing.T) {
	t.Helper()
	_, port, _ := strings.Cut(s.addr, ":")
	cmd := exec.Command(filepath.Join(repo, ".bin", "temporal"), "server", "start-dev", "--ip", "127.0.0.1", "--port", port,
		"--headless", "--db-filename", s.db, "--namespace", s.ns, "--log-level", "error")
	logf, err := os.OpenFile(s.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.cmd, s.exited = cmd, make(chan error, 1)
	go func() { s.exited <- cmd.Wait() }()
	eventually(t, 2*time.Minute, "the dev server on "+s.addr, func() bool {
		select {
		case err := <-s.exited:
			s.exited <- err
			t.Fatalf("dev server exited: %v", err)
		default:
		}
		c, err := client.Dial(client.Options{HostPort: s.addr, Namespace: s.ns, Logger: quiet{}})
		if err != nil {
			return false
		}
		defer c.Close()
		_, err = c.DescribeWorkflowExecution(context.Background(), "none", "")
		return err != nil && strings.Contains(err.Error(), "not found")
	})
}

// kill ends the server as a crash would.
func (s *devServer) kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

func (s *devServer) dial(t *testing.T) client.Client {
	t.Helper()
	c, closeClient, err := connect.Dial(context.Background(), connect.Options{Address: s.addr, Namespace: s.ns, Quiet: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeClient)
	return c
}

// The server is killed mid-run and the agents and the orchestrator are
// restarted while it is down, as in the run of issue 8 where `lab up`
// exited with "failed reaching server" and the build then failed. They wait,
// saying so, serve once the server is back, and the run completes. Then the
// server is killed and started again under the same, still connected
// processes, and a second run completes: what the SDK's workers do on
// their own once connected.
func TestAgentsStartedWhileTheServerIsDownServeOnceItIsBack(t *testing.T) {
	srv := newDevServer(t, "outlive")
	srv.start(t)
	l := newLab(t, "outlive", "scalable-storage")
	up := func() *proc {
		return start(t, "lab", "up", "--runbook", l.book, "--dir", l.dir, "--address", srv.addr, "--namespace", srv.ns)
	}
	orchestrator := func() *proc {
		return start(t, "worker", "-role", "orchestrator", "-address", srv.addr, "-namespace", srv.ns)
	}
	agents, orch := up(), orchestrator()
	eventually(t, time.Minute, "lab up's agents", func() bool { return strings.Contains(agents.out.String(), "agents of 6 hosts up") })

	// The join's membership check is slow, so the server dies mid-run.
	l.fault("--host", "storage0b.example.org", "--command", "cman_tool nodes", "--slow", "3s", "--times", "1")
	ctx := context.Background()
	c := srv.dial(t)
	const id = "outlive-storage0"
	if _, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.OrchestratorQueue},
		workflows.FormClustersName, workflows.FormClustersInput{Ref: runbooks.Ref{Runbook: "scalable-storage"}, Clusters: []string{"storage0"}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Minute, "cman start on storage0b", func() bool { return l.invoked("storage0b.example.org", "cman", "start") })
	desc, err := c.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}
	if s := desc.GetWorkflowExecutionInfo().GetStatus(); s != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("the run was %s when the server died; the test needs it running", s)
	}
	srv.kill()
	agents.kill()
	orch.kill()

	// Started while the server is down: each waits and says what for, a
	// line per attempt at most every few seconds; a second line shows it
	// is still trying, not gone.
	agents, orch = up(), orchestrator()
	waiting := regexp.MustCompile(`waiting for the server, attempt (\d+): connect to Temporal at ` + regexp.QuoteMeta(srv.addr) + ` \(namespace outlive\): .*connection refused.*; next attempt in `)
	for name, p := range map[string]*proc{"lab up": agents, "the orchestrator": orch} {
		eventually(t, time.Minute, name+" retrying the dial", func() bool { return len(waiting.FindAllString(p.out.String(), -1)) >= 2 })
	}
	if strings.Contains(agents.out.String(), "agents of") {
		t.Fatalf("lab up says its agents are up while the server is down:\n%s", agents.out)
	}

	srv.start(t)
	for name, p := range map[string]*proc{"lab up": agents, "the orchestrator": orch} {
		eventually(t, time.Minute, name+" connected", func() bool {
			return strings.Contains(p.out.String(), "connected to Temporal at "+srv.addr+" (namespace outlive) after ")
		})
	}
	eventually(t, time.Minute, "lab up's agents", func() bool { return strings.Contains(agents.out.String(), "agents of 6 hosts up") })
	c = srv.dial(t)
	waitCtx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if err := c.GetWorkflow(waitCtx, id, "").Get(waitCtx, nil); err != nil {
		t.Fatalf("the run the server died in: %v", err)
	}
	checkFormed(t, l, "storage0", blog["storage0"], 2)

	// Connected, the same processes ride out a server restart.
	srv.kill()
	srv.start(t)
	out, err := runBin(t, "starter", "run", "--address", srv.addr, "--namespace", srv.ns, "--runbook", l.book,
		"--procedure", "form-clusters", "--cluster", "storage1", "--id", "outlive-storage1")
	if err != nil {
		t.Fatalf("starter run after the server restarted: %v\n%s", err, out)
	}
	checkFormed(t, l, "storage1", blog["storage1"], 2)
}
