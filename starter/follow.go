package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/failure/v1"
	"go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/converter"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// printer serializes lines from the followers of a run and its children.
type printer struct {
	mu sync.Mutex
	w  io.Writer
	// now stamps each line; nil means time.Now.
	now func() time.Time
	// dc reads the memos, summaries and failure messages of histories:
	// the client's, so they decrypt with its codec; nil means the SDK's
	// default.
	dc converter.DataConverter
}

func (p *printer) converter() converter.DataConverter {
	if p.dc == nil {
		return converter.GetDefaultDataConverter()
	}
	return p.dc
}

// message is a failure's message, decoded when the failure converter
// encoded it (with the codec on, the server stores only "Encoded failure").
// asks reports a step that refused only until a person approves what it
// would destroy (a blank disk's label), which the run then asks for.
func asks(f *failure.Failure) bool {
	return f.GetApplicationFailureInfo().GetType() == activities.ErrUnlabelled
}

func (p *printer) message(f *failure.Failure) string {
	if f.GetEncodedAttributes() != nil {
		var attrs struct {
			Message string `json:"message"`
		}
		if p.converter().FromPayload(f.GetEncodedAttributes(), &attrs) == nil {
			return attrs.Message
		}
	}
	return f.GetMessage()
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
			s := p.summary(ev)
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
			if asks(a.GetFailure()) {
				// Not a fault: the step stopped short to ask a person,
				// and the next line says what it waits for.
				p.line("%s  --  %s: %s", label, scheduled[a.ScheduledEventId], "stopped to ask before it destroys anything")
				break
			}
			p.line("%s  !!  %s: %s", label, scheduled[a.ScheduledEventId], p.message(a.GetFailure()))
		case enums.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
			a := ev.GetActivityTaskTimedOutEventAttributes()
			p.line("%s  !!  %s: timed out (%s)", label, scheduled[a.ScheduledEventId], p.message(a.GetFailure()))
		case enums.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:
			// A run waiting for a person says so in its memo.
			var step string
			if memo := ev.GetWorkflowPropertiesModifiedEventAttributes().GetUpsertedMemo().GetFields()[workflows.AwaitingMemo]; memo != nil {
				_ = p.converter().FromPayload(memo, &step)
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
func (p *printer) summary(ev *history.HistoryEvent) string {
	var s string
	if sum := ev.GetUserMetadata().GetSummary(); sum != nil {
		_ = p.converter().FromPayload(sum, &s)
	}
	return s
}
