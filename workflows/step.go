package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// Step is one host activity of a procedure, declared once as a value: the
// host it runs on, what people see it called (the Web UI and the starter
// show Summary as the step's name), the activity and its input, how long
// it may take, and what it means for the rest of the run: the undo pushed
// before it runs, the approval it waits for, and the sentence the result
// reports when it changes something no undo reverses. The build, Startup
// and the lifecycle procedures call the same constructors, so a step is
// spelled in one place; the same values can be listed without running them.
type Step struct {
	Host     string  `json:"host"`
	Summary  string  `json:"summary"`
	Activity string  `json:"activity"`
	Input    any     `json:"input"`
	Timeout  Timeout `json:"timeout"`
	// Undo is pushed on the run's undo log before the step runs: every
	// undo is idempotent, so one for a change that never happened is
	// harmless, while a missing one for a change that did is not. Nil when
	// the step changes nothing a later failure must reverse, or when what
	// it makes was there before the run.
	Undo *UndoStep `json:"undo,omitempty"`
	// Approval, when set, names the approval the step waits for (a
	// destructive step); AutoApproved lets it through without a person.
	Approval     string `json:"approval,omitempty"`
	AutoApproved bool   `json:"auto_approved,omitempty"`
	// Irreversible is the sentence reported, naming the host, once the step
	// has run and changed something (a result whose "changed" is false
	// reports nothing).
	Irreversible string `json:"irreversible,omitempty"`
}

// undoing returns the step with its undo set: the activity that reverses
// it on the same host.
func (s Step) undoing(summary, activity string, in any) Step {
	u := newUndo(s.Host, summary, activity, in)
	s.Undo = &u
	return s
}

// Timeout is a class of step duration, chosen for what the step waits on;
// each class has its own timeouts and retry policy.
type Timeout int

const (
	// Quick is a read or a small edit of one file.
	Quick Timeout = iota
	// Command is one cluster command that may wait on a peer.
	Command
	// Daemon starts or stops a service, or a command that waits on one.
	Daemon
	// Slow starts cman, mounts, grows, or undoes a step.
	Slow
	// Install runs yum or mkfs.
	Install
	// UntilSettled is a check expected to fail until the cluster settles:
	// it asks often, and gives up after settle.
	UntilSettled
	// UntilSynced waits for DRBD, for as long as a sync of a real disk
	// takes, resuming after a killed agent from the kernel's state.
	UntilSynced
	// Look reads a host for a check: an agent that does not take it soon
	// is a finding, not something to wait for.
	Look
)

// Timeouts of host steps, chosen for what each waits on.
const (
	// hostPickup bounds how long a step waits for its host's agent to take
	// it: a dead host is reported instead of waited on forever.
	hostPickup = 2 * time.Minute
	// heartbeat notices a killed agent in the middle of a step; agents
	// heartbeat every command and every two seconds while one runs.
	heartbeat = 10 * time.Second
	// lookPickup bounds how long a check waits for a host's agent before it
	// reports the agent unreachable: a check runs every few minutes, and
	// one host down must not hold the report of the others.
	lookPickup = 30 * time.Second
	// settle bounds how long a membership check keeps asking before the
	// run gives up on the cluster forming.
	settle = 3 * time.Minute
	// syncWait bounds the initial sync: a 1 GiB disk at 10M takes under
	// two minutes, a real disk hours.
	syncWait = 48 * time.Hour
)

// work is the time each plain class gives the work itself.
var work = map[Timeout]time.Duration{
	Quick:   time.Minute,
	Command: 2 * time.Minute,
	Daemon:  3 * time.Minute,
	Slow:    5 * time.Minute,
	Install: 10 * time.Minute,
}

// commandRetry retries what a cluster throws while it settles (a peer not yet
// up, a config push racing another) and stops at once on what no retry fixes.
var commandRetry = &temporal.RetryPolicy{
	InitialInterval:        time.Second,
	BackoffCoefficient:     2,
	MaximumInterval:        30 * time.Second,
	MaximumAttempts:        8,
	NonRetryableErrorTypes: activities.NonRetryable,
}

// options pins a step to its host's agent, with the timeouts and retries of
// its class and its summary as the name the Web UI shows.
func (s Step) options() workflow.ActivityOptions {
	o := workflow.ActivityOptions{
		TaskQueue:              activities.HostQueue(s.Host),
		ScheduleToStartTimeout: hostPickup,
		StartToCloseTimeout:    work[s.Timeout],
		HeartbeatTimeout:       heartbeat,
		RetryPolicy:            commandRetry,
		Summary:                s.Host + ": " + s.Summary,
	}
	switch s.Timeout {
	case UntilSettled:
		o.ScheduleToCloseTimeout = settle
		o.StartToCloseTimeout = time.Minute
		o.RetryPolicy = &temporal.RetryPolicy{
			InitialInterval:        200 * time.Millisecond,
			BackoffCoefficient:     1.5,
			MaximumInterval:        5 * time.Second,
			NonRetryableErrorTypes: activities.NonRetryable,
		}
	case Look:
		o.ScheduleToStartTimeout = lookPickup
		o.StartToCloseTimeout = time.Minute
		o.RetryPolicy = &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumAttempts:        3,
			NonRetryableErrorTypes: activities.NonRetryable,
		}
	case UntilSynced:
		// Retried on any failure but a permanent one until syncWait, so a
		// killed agent's wait resumes on the restarted agent.
		o.ScheduleToCloseTimeout = syncWait
		o.StartToCloseTimeout = syncWait
		o.RetryPolicy = &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        10 * time.Second,
			NonRetryableErrorTypes: activities.NonRetryable,
		}
	}
	return o
}

// exec schedules the step's activity on its host. It knows nothing of undo
// or approvals: see proc.run.
func (s Step) exec(ctx workflow.Context) workflow.Future {
	if w := planning(ctx); w != nil {
		return planExec(ctx, w, s)
	}
	return workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, s.options()), s.Activity, s.Input)
}
