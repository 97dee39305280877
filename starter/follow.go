package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/converter"

	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// printer serializes lines from the followers of a run and its children.
type printer struct {
	mu sync.Mutex
	w  io.Writer
	// now stamps each line; nil means time.Now.
	now func() time.Time
}

func (p *printer) line(format string, args ...any) {
	now := time.Now
	if p.now != nil {
		now = p.now
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, now().Format("15:04:05")+"  "+format+"\n", args...)
}

// follow prints a workflow's steps as its history grows, by long-polling
// the history rather than asking the workflow: it shows what the server
// recorded, retries included, and needs nothing from the workers. Child
// workflows are followed as they start, so a run's progress reads as one
// story. It returns when the workflow closes.
func follow(ctx context.Context, c Client, p *printer, id, runID, label string) error {
	iter := c.GetWorkflowHistory(ctx, id, runID, true, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	scheduled := map[int64]string{}
	var children sync.WaitGroup
	defer children.Wait()
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			return err
		}
		switch ev.EventType {
		case enums.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			s := summary(ev)
			if s == "" {
				s = ev.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName()
			}
			scheduled[ev.EventId] = s
			p.line("%s  ... %s", label, s)
		case enums.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
			a := ev.GetActivityTaskCompletedEventAttributes()
			p.line("%s  ok  %s", label, scheduled[a.ScheduledEventId])
		case enums.EVENT_TYPE_ACTIVITY_TASK_FAILED:
			a := ev.GetActivityTaskFailedEventAttributes()
			p.line("%s  !!  %s: %s", label, scheduled[a.ScheduledEventId], a.GetFailure().GetMessage())
		case enums.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
			a := ev.GetActivityTaskTimedOutEventAttributes()
			p.line("%s  !!  %s: timed out (%s)", label, scheduled[a.ScheduledEventId], a.GetFailure().GetMessage())
		case enums.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:
			// A run waiting for a person says so in its memo.
			var step string
			if memo := ev.GetWorkflowPropertiesModifiedEventAttributes().GetUpsertedMemo().GetFields()[workflows.AwaitingMemo]; memo != nil {
				_ = converter.GetDefaultDataConverter().FromPayload(memo, &step)
			}
			if step != "" {
				p.line("%s  ??  waiting for approval of %s: starter approve --workflow-id %s --step %s --by NAME [--reject]", label, step, id, step)
			}
		case enums.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
			a := ev.GetChildWorkflowExecutionStartedEventAttributes()
			child := a.GetWorkflowExecution()
			childLabel := strings.TrimPrefix(child.GetWorkflowId(), id+"/")
			p.line("%s  >>  %s %s", label, a.GetWorkflowType().GetName(), childLabel)
			children.Add(1)
			go func() {
				defer children.Done()
				_ = follow(ctx, c, p, child.GetWorkflowId(), child.GetRunId(), childLabel)
			}()
		case enums.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, enums.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
			enums.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, enums.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
			enums.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, enums.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
			if label != "" {
				p.line("%s  <<  %s", label, strings.ToLower(strings.TrimPrefix(ev.EventType.String(), "WorkflowExecution")))
			}
			return nil
		}
	}
	return nil
}

// summary reads the one-line summary a workflow gave a step.
func summary(ev *history.HistoryEvent) string {
	var s string
	if p := ev.GetUserMetadata().GetSummary(); p != nil {
		_ = converter.GetDefaultDataConverter().FromPayload(p, &s)
	}
	return s
}
