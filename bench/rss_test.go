package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/sign"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// workerBin is the orchestrator's binary (worker -role orchestrator) and
// agentBin what each host runs, the agent binary: each its own process on
// a real site, one agent per host, one orchestrator.
var (
	workerBin = filepath.Join(repo, ".bin", "worker")
	agentBin  = filepath.Join(repo, ".bin", "agent")
)

// agentBudgetMB is what an agent should keep to on a host it shares with
// the storage daemons: a line says whether it does; the benchmark only
// reports, as what the host can spare is the site's to judge.
const agentBudgetMB = 25

// idleFor is how long after starting the agent and the orchestrator are
// watched at rest: past the server's first empty answer to their long
// polls (60 s) and the runtime's first forced collection, 2 minutes after
// the one at start, up to a minute later in a process that sleeps (its
// monitor thread then wakes once a minute).
const idleFor = 200 * time.Second

// idleRSS is the first run's measurement, reported again by the later
// runs of the benchmark (-benchtime 2x runs it twice), so that the
// processes are started once.
var idleRSS map[string]float64

// BenchmarkIdleRSS is the resident memory of the processes of a site at
// rest: one agent as on a real host (.bin/agent, with its
// trust keys and host key as the systemd unit gives them, on a lab host's
// root), the orchestrator (.bin/worker -role orchestrator, with its
// signing key and the hosts' keyring) and the bench's dev server: the
// most each of the agent and the orchestrator holds once it polls its
// queue and its memory has settled, until idleFor after it started. The
// dev server is the bench's one server: after other benchmarks of the
// same run it holds their namespaces' state too, so its own idle figure
// is of -bench IdleRSS alone.
func BenchmarkIdleRSS(b *testing.B) {
	need(b, workerBin, agentBin)
	if idleRSS == nil {
		idleRSS = measureIdleRSS(b)
	}
	for _, unit := range []string{"agent-rss-MB", "orchestrator-rss-MB", "server-rss-MB"} {
		b.ReportMetric(idleRSS[unit], unit)
	}
	b.ReportMetric(0, "ns/op") // a state, not an operation
}

func measureIdleRSS(b *testing.B) map[string]float64 {
	const fqdn = "storage0a.example.org"
	l := newLab(b, "rss", filepath.Join(repo, "runbooks", "scalable-storage.yaml"), 6, nil)
	agent := l.start(b, agentBin, []string{sign.TrustEnv + "=" + filepath.Join(l.dir, "orchestrator.key.pub"), sign.HostKeyEnv + "=" + filepath.Join(l.keys, fqdn+".key")},
		"-host", fqdn, "-root", filepath.Join(l.dir, "hosts", fqdn))
	orch := l.start(b, workerBin, nil, "-role", "orchestrator", "-runbooks", l.catalog,
		"-sign-key", filepath.Join(l.dir, "orchestrator.key"), "-host-keys", strings.Join(l.keyring(b), ":"))
	started := time.Now()

	// Connected: the server lists each process's poller on its queue.
	c, err := client.Dial(client.Options{HostPort: l.addr, Namespace: l.ns, Logger: quiet{}})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	deadline := time.Now().Add(time.Minute)
	for _, q := range []struct {
		p     *proc
		queue string
		kind  enumspb.TaskQueueType
	}{
		{agent, activities.HostQueue(fqdn), enumspb.TASK_QUEUE_TYPE_ACTIVITY},
		{orch, workflows.OrchestratorQueue, enumspb.TASK_QUEUE_TYPE_WORKFLOW},
	} {
		for !polled(c, q.queue, q.kind) {
			q.p.alive(b)
			if time.Now().After(deadline) {
				b.Fatalf("%s: no poller on task queue %s after a minute:\n%s", q.p.name, q.queue, q.p.out.String())
			}
			time.Sleep(200 * time.Millisecond)
		}
	}

	// Idle: each process's RSS moves by less than 2% (and 256 KB at
	// least, a page-level jitter) over a window of 3 s of samples.
	const every, window = 250 * time.Millisecond, 12
	rss := map[*proc][]float64{}
	deadline = time.Now().Add(2 * time.Minute)
	for {
		settled := true
		for _, p := range []*proc{agent, orch} {
			p.alive(b)
			mb, err := vmRSS(p.cmd.Process.Pid)
			if err != nil {
				b.Fatalf("%s: %v", p.name, err)
			}
			rss[p] = append(rss[p], mb)
			settled = settled && steady(rss[p], window)
		}
		if settled {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("no idle RSS after two minutes: agent %v MB, orchestrator %v MB (last samples)", last(rss[agent], window), last(rss[orch], window))
		}
		time.Sleep(every)
	}
	settledAt := map[*proc]float64{agent: rss[agent][len(rss[agent])-1], orch: rss[orch][len(rss[orch])-1]}

	// At rest, for real: a worker's RSS settles within seconds of its
	// first poll but steps up later, when the server ends its long polls
	// empty (every 60 s, and the pollers ask again) and when the runtime
	// first collects on its own (idleFor): the agent held 0.6 MB more
	// after 150 s than when it first settled, then stayed flat for the
	// rest of 4 minutes. So each process is watched until idleFor, and
	// what it held at most after settling is its idle RSS, with the
	// agent's anonymous and file-backed parts of that same sample.
	type sample struct{ rss, anon, file float64 }
	peak := map[*proc]sample{}
	for p, mb := range settledAt {
		peak[p] = sample{rss: mb}
	}
	for time.Since(started) < idleFor {
		time.Sleep(time.Second)
		for _, p := range []*proc{agent, orch} {
			p.alive(b)
			var s sample
			var err error
			pid := p.cmd.Process.Pid
			if s.rss, err = vmRSS(pid); err != nil {
				b.Fatalf("%s: %v", p.name, err)
			}
			s.anon, _ = statusMB(pid, "RssAnon")
			s.file, _ = statusMB(pid, "RssFile")
			if s.rss > peak[p].rss || peak[p].anon == 0 {
				peak[p] = s
			}
		}
	}
	server, err := vmRSS(serverPID(b))
	if err != nil {
		b.Fatalf("the dev server: %v", err)
	}
	m := map[string]float64{
		"agent-rss-MB":        peak[agent].rss,
		"orchestrator-rss-MB": peak[orch].rss,
		"server-rss-MB":       server,
	}
	// What of the agent's is its own heap and stacks (RssAnon) and what
	// the pages of its binary (RssFile), which processes of one binary
	// share: the line says which to shrink.
	verdict := "within"
	if m["agent-rss-MB"] >= agentBudgetMB {
		verdict = "OVER"
	}
	b.Logf("idle RSS over %s: agent %.1f MB (%s its budget of %d MB; anonymous %.1f MB, file-backed %.1f MB; %.1f MB when it first settled), orchestrator %.1f MB (%.1f MB first), dev server %.1f MB",
		idleFor, m["agent-rss-MB"], verdict, agentBudgetMB, peak[agent].anon, peak[agent].file, settledAt[agent], m["orchestrator-rss-MB"], settledAt[orch], m["server-rss-MB"])
	return m
}

// serverPID is the process of the bench's dev server.
func serverPID(b *testing.B) int {
	b.Helper()
	if server.pid == 0 {
		b.Fatal("the dev server's process is not known")
	}
	return server.pid
}

// proc is a process of the benchmark, with what it printed.
type proc struct {
	name   string
	cmd    *exec.Cmd
	out    *bytes.Buffer // not read while the process writes but after it exits
	exited chan struct{}
}

// alive fails the benchmark, with what the process said, once it exits.
func (p *proc) alive(b *testing.B) {
	b.Helper()
	select {
	case <-p.exited:
		b.Fatalf("%s exited (%v):\n%s", p.name, p.cmd.ProcessState, p.out.String())
	default:
	}
}

// start runs bin with args in the lab's environment and env, as its own
// process group, killed at cleanup.
func (l *lab) start(b *testing.B, bin string, env []string, args ...string) *proc {
	b.Helper()
	p := &proc{name: filepath.Base(bin) + " " + strings.Join(args[:2], " "), cmd: exec.Command(bin, args...), out: &bytes.Buffer{}, exited: make(chan struct{})}
	p.cmd.Env = append(l.env(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.exited) }()
	b.Cleanup(func() {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.exited
	})
	return p
}

// polled reports whether the server lists a poller of kind on queue.
func polled(c client.Client, queue string, kind enumspb.TaskQueueType) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := c.DescribeTaskQueue(ctx, queue, kind)
	return err == nil && len(resp.GetPollers()) > 0
}

// vmRSS is a process's resident set in MB, from /proc.
func vmRSS(pid int) (float64, error) { return statusMB(pid, "VmRSS") }

// statusMB is a field of /proc/PID/status in kB, such as VmRSS, in MB.
func statusMB(pid int, field string) (float64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), field+":"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024, err
		}
	}
	return 0, fmt.Errorf("/proc/%d/status has no %s", pid, field)
}

// steady reports whether the last n samples lie within 2% of their
// largest, or 256 KB.
func steady(samples []float64, n int) bool {
	if len(samples) < n {
		return false
	}
	w := last(samples, n)
	lo, hi := w[0], w[0]
	for _, v := range w {
		lo, hi = min(lo, v), max(hi, v)
	}
	return hi-lo <= max(hi*0.02, 0.25)
}

// last is the last n samples, or all when fewer.
func last(samples []float64, n int) []float64 { return samples[max(len(samples)-n, 0):] }
