package bench

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// path is a run's critical path as its histories record it: the chain of
// steps, child workflows and timers, each waiting on the one before,
// that ends with the run. Walking back from the run's end, each workflow
// task is charged to the event that caused it (the one written just
// before it was scheduled: the step or child that finished last, which
// the run was waiting for), and that event to the workflow task that
// issued its command, down to the run's start; a child on the path is
// walked the same way. Every stretch of the run's time is thus on the
// path exactly once:
//
//   - commands: host steps running on their agents, from the start of
//     their last attempt to their completion (the commands, with the
//     agent's checks around them);
//   - retries: a host step's time before its last attempt started when
//     there was more than one (backoff, waiting for a cluster to settle);
//   - timers: durable sleeps;
//   - the rest is the engine: workflow tasks, dispatch to the agents,
//     child workflows starting and ending, the orchestrator's own
//     activities (loading the runbook).
type path struct {
	wall, commands, retries, timers time.Duration
	steps, children, tasks          int
}

func (p path) engine() time.Duration { return p.wall - p.commands - p.retries - p.timers }

// criticalPath walks the run id (its latest run) and the children on its
// critical path.
func criticalPath(b *testing.B, c client.Client, id string) path {
	b.Helper()
	events := historyEvents(b, c, id, "")
	var p path
	walk(b, c, events, &p)
	first, last := events[0], events[len(events)-1]
	p.wall = last.GetEventTime().AsTime().Sub(first.GetEventTime().AsTime())
	return p
}

func historyEvents(b *testing.B, c client.Client, id, runID string) []*historypb.HistoryEvent {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	it := c.GetWorkflowHistory(ctx, id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var events []*historypb.HistoryEvent
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			b.Fatal(err)
		}
		events = append(events, e)
	}
	if len(events) == 0 {
		b.Fatalf("%s: no history", id)
	}
	return events
}

// walk adds one run's critical path to p, its children's included.
func walk(b *testing.B, c client.Client, events []*historypb.HistoryEvent, p *path) {
	b.Helper()
	byID := func(id int64) *historypb.HistoryEvent { return events[id-1] } // event IDs count from 1
	at := func(e *historypb.HistoryEvent) time.Time { return e.GetEventTime().AsTime() }
	end := events[len(events)-1]
	issuedBy := closingTask(end)
	if issuedBy == 0 {
		b.Fatalf("history ends with %s, not with the run's end", end.GetEventType())
	}
	for issuedBy != 0 {
		p.tasks++
		task := byID(issuedBy).GetWorkflowTaskCompletedEventAttributes()
		cause := causeOf(events, task.GetScheduledEventId())
		issuedBy = 0
		switch cause.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED, enumspb.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
			scheduledID, startedID := activityIDs(cause)
			scheduled := byID(scheduledID)
			started := byID(startedID)
			if strings.HasPrefix(scheduled.GetActivityTaskScheduledEventAttributes().GetTaskQueue().GetName(), activities.HostQueuePrefix) {
				p.steps++
				p.commands += at(cause).Sub(at(started))
				if started.GetActivityTaskStartedEventAttributes().GetAttempt() > 1 {
					p.retries += at(started).Sub(at(scheduled))
				}
			}
			issuedBy = scheduled.GetActivityTaskScheduledEventAttributes().GetWorkflowTaskCompletedEventId()
		case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED, enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED:
			run, initiatedID := childOf(cause)
			p.children++
			walk(b, c, historyEvents(b, c, run.GetWorkflowId(), run.GetRunId()), p)
			issuedBy = byID(initiatedID).GetStartChildWorkflowExecutionInitiatedEventAttributes().GetWorkflowTaskCompletedEventId()
		case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
			initiated := byID(cause.GetChildWorkflowExecutionStartedEventAttributes().GetInitiatedEventId())
			issuedBy = initiated.GetStartChildWorkflowExecutionInitiatedEventAttributes().GetWorkflowTaskCompletedEventId()
		case enumspb.EVENT_TYPE_TIMER_FIRED:
			started := byID(cause.GetTimerFiredEventAttributes().GetStartedEventId())
			p.timers += at(cause).Sub(at(started))
			issuedBy = started.GetTimerStartedEventAttributes().GetWorkflowTaskCompletedEventId()
		default:
			// A signal or an update (an approval), which no engine
			// causes: the path stops there, and the time before it
			// counts as the engine's, against the goal.
			return
		}
	}
}

// causeOf is the event that made the server schedule the workflow task
// scheduledID: the latest before it that a workflow waits on. A task that
// failed or timed out was scheduled again for the same cause.
func causeOf(events []*historypb.HistoryEvent, scheduledID int64) *historypb.HistoryEvent {
	for id := scheduledID - 1; id >= 1; id-- {
		switch e := events[id-1]; e.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED,
			enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED, enumspb.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
		default:
			return e
		}
	}
	return events[0]
}

// closingTask is the workflow task that ended the run.
func closingTask(e *historypb.HistoryEvent) int64 {
	switch e.GetEventType() {
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
		return e.GetWorkflowExecutionCompletedEventAttributes().GetWorkflowTaskCompletedEventId()
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
		return e.GetWorkflowExecutionFailedEventAttributes().GetWorkflowTaskCompletedEventId()
	}
	return 0
}

func activityIDs(e *historypb.HistoryEvent) (scheduled, started int64) {
	switch e.GetEventType() {
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
		a := e.GetActivityTaskCompletedEventAttributes()
		return a.GetScheduledEventId(), a.GetStartedEventId()
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED:
		a := e.GetActivityTaskFailedEventAttributes()
		return a.GetScheduledEventId(), a.GetStartedEventId()
	default:
		a := e.GetActivityTaskTimedOutEventAttributes()
		return a.GetScheduledEventId(), a.GetStartedEventId()
	}
}

func childOf(e *historypb.HistoryEvent) (interface {
	GetWorkflowId() string
	GetRunId() string
}, int64) {
	if a := e.GetChildWorkflowExecutionCompletedEventAttributes(); a != nil {
		return a.GetWorkflowExecution(), a.GetInitiatedEventId()
	}
	a := e.GetChildWorkflowExecutionFailedEventAttributes()
	return a.GetWorkflowExecution(), a.GetInitiatedEventId()
}

// String is the path as the benchmark logs it.
func (p path) String() string {
	return fmt.Sprintf("%s: commands %s, retries %s, timers %s, engine %s over %d steps, %d children, %d workflow tasks",
		p.wall.Round(time.Millisecond), p.commands.Round(time.Millisecond), p.retries.Round(time.Millisecond),
		p.timers.Round(time.Millisecond), p.engine().Round(time.Millisecond), p.steps, p.children, p.tasks)
}
