package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/lab/emu"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// stepsPerChain is how many host steps one chain runs one after another.
const stepsPerChain = 40

// stepHost is the host the chain's steps run on, a storage host of the
// shipped runbook, as lab init makes it.
const stepHost = "storage0a.example.org"

// stepInput is what each step of the chain asks: Probe, the read every
// procedure starts with (rpm for the packages, cluster.conf, cman's
// status), a real step of a few commands.
var stepInput = activities.ProbeInput{Packages: []string{"cman", "drbd82", "kmod-drbd82", "gnbd", "kmod-gnbd"}}

// stepChainName is the benchmark's own workflow: stepsPerChain Probes of
// one host, each after the one before, with the options of a product
// step (workflows.Step.options for a Quick step: the host's queue, a
// pickup bound, a heartbeat, the command retry policy).
const stepChainName = "BenchStepChain"

func stepChain(ctx workflow.Context, n int) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:              activities.HostQueue(stepHost),
		ScheduleToStartTimeout: 2 * time.Minute,
		StartToCloseTimeout:    time.Minute,
		HeartbeatTimeout:       10 * time.Second,
		RetryPolicy:            &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second, MaximumAttempts: 8},
		Summary:                stepHost + ": probe",
	})
	for range n {
		var res activities.ProbeResult
		if err := workflow.ExecuteActivity(ctx, activities.ProbeName, stepInput).Get(ctx, &res); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkStep is what the engine adds to one sequential host step: a
// chain of stepsPerChain steps through the real dev server, the
// orchestrator's worker (signing each step) and the host's agent in lab
// up (verifying it, running it, signing the result), against the same
// activity run directly in this process on the same lab host, the same
// commands through the same exec path with no Temporal in between.
//
//   - step-ms: the median time from one step's completion to the next
//     one's, read from the chain's history (so the workflow's start and end
//     are not in it);
//   - command-ms: the median of the same activity run directly;
//   - engine-ms/step: their difference, what the engine and the agent's
//     signing add to each step;
//   - and where that goes: dispatch-ms, from a step's scheduling to its
//     agent starting it (the server's queues and matching, the agent's
//     poll), and decide-ms, from a step's completion to the next one's
//     scheduling (the workflow task: the server's queues and matching, the
//     orchestrator's poll, replaying the step's result, signing the next);
//     on-agent-ms is the step's time from its start to its completion,
//     the commands with the agent's checks and the two calls around them;
//     of decide-ms, task-wait-ms is a workflow task's wait for the
//     orchestrator to take it and task-ms the orchestrator's answer.
func BenchmarkStep(b *testing.B) {
	book := filepath.Join(repo, "runbooks", "scalable-storage.yaml")
	l := newLab(b, "step", book, 6, nil)
	l.up(b)
	c := l.orchestrator(b, func(r worker.Registry) {
		r.RegisterWorkflowWithOptions(stepChain, workflow.RegisterOptions{Name: stepChainName})
	})
	host := activities.NewHost(stepHost, emu.HostRoot(l.dir, stepHost))

	var steps, commands, dispatches, decisions, runs, taskWaits, tasks []time.Duration
	chains := 0
	chain := func() {
		chains++
		id := fmt.Sprintf("chain-%d", chains)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.OrchestratorQueue}, stepChainName, stepsPerChain)
		if err != nil {
			b.Fatal(err)
		}
		if err := result(ctx, run, nil); err != nil {
			b.Fatalf("%s: %v", id, err)
		}
		h := history(b, c, id)
		if len(h.completions) != stepsPerChain {
			b.Fatalf("%s: %d steps completed, want %d", id, len(h.completions), stepsPerChain)
		}
		for i := 1; i < len(h.completions); i++ {
			steps = append(steps, h.completions[i].Sub(h.completions[i-1]))
			decisions = append(decisions, h.schedules[i].Sub(h.completions[i-1]))
		}
		dispatches, runs = append(dispatches, h.pickups...), append(runs, h.runs...)
		taskWaits, tasks = append(taskWaits, h.taskWaits...), append(tasks, h.tasks...)
		for range stepsPerChain {
			start := time.Now()
			if _, err := host.Probe(ctx, stepInput); err != nil {
				b.Fatalf("probe run directly: %v", err)
			}
			commands = append(commands, time.Since(start))
		}
	}
	chain() // warm: the agent's and the worker's caches, the queues
	steps, commands, dispatches, decisions, runs, taskWaits, tasks = nil, nil, nil, nil, nil, nil, nil
	for b.Loop() {
		chain()
	}
	step, command := median(steps), median(commands)
	b.ReportMetric(ms(step), "step-ms")
	b.ReportMetric(ms(command), "command-ms")
	b.ReportMetric(ms(step-command), "engine-ms/step")
	b.ReportMetric(ms(median(dispatches)), "dispatch-ms")
	b.ReportMetric(ms(median(decisions)), "decide-ms")
	b.ReportMetric(ms(median(runs)), "on-agent-ms")
	b.ReportMetric(ms(median(taskWaits)), "task-wait-ms")
	b.ReportMetric(ms(median(tasks)), "task-ms")
}

// median is the middle of ds (the upper of the two middle ones).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
