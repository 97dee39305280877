package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// Timeouts of host steps, chosen for what each waits on.
const (
	// hostPickup bounds how long a step waits for its host's agent to take
	// it: a dead host is reported instead of waited on forever.
	hostPickup = 2 * time.Minute
	// heartbeat notices a killed agent in the middle of a step; agents
	// heartbeat every command and every two seconds while one runs.
	heartbeat = 10 * time.Second
	// settle bounds how long a membership check keeps asking before the
	// run gives up on the cluster forming.
	settle = 3 * time.Minute
)

// commandRetry retries what a cluster throws while it settles (a peer not yet
// up, a config push racing another) and stops at once on what no retry fixes.
var commandRetry = &temporal.RetryPolicy{
	InitialInterval:        time.Second,
	BackoffCoefficient:     2,
	MaximumInterval:        30 * time.Second,
	MaximumAttempts:        8,
	NonRetryableErrorTypes: activities.NonRetryable,
}

// onHost pins the next activities to one host's agent, with a summary the
// Web UI and the starter show as the step's name.
func onHost(ctx workflow.Context, fqdn string, work time.Duration, summary string) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:              activities.HostQueue(fqdn),
		ScheduleToStartTimeout: hostPickup,
		StartToCloseTimeout:    work,
		HeartbeatTimeout:       heartbeat,
		RetryPolicy:            commandRetry,
		Summary:                fqdn + ": " + summary,
	})
}

// waitOnHost is onHost for a check that is expected to fail until the
// cluster settles: it asks often, and gives up after settle.
func waitOnHost(ctx workflow.Context, fqdn, summary string) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:              activities.HostQueue(fqdn),
		ScheduleToStartTimeout: hostPickup,
		ScheduleToCloseTimeout: settle,
		StartToCloseTimeout:    time.Minute,
		HeartbeatTimeout:       heartbeat,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        200 * time.Millisecond,
			BackoffCoefficient:     1.5,
			MaximumInterval:        5 * time.Second,
			NonRetryableErrorTypes: activities.NonRetryable,
		},
		Summary: fqdn + ": " + summary,
	})
}

// loadRunbook resolves the run's runbook as a local activity: it only reads
// the orchestrator's catalog, and its result is recorded for replay.
func loadRunbook(ctx workflow.Context, ref activities.RunbookRef) (activities.LoadedRunbook, error) {
	ctx = workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy:         commandRetry,
	})
	var out activities.LoadedRunbook
	err := workflow.ExecuteLocalActivity(ctx, activities.LoadRunbookName, ref).Get(ctx, &out)
	return out, err
}
