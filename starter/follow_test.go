package main

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/failure/v1"
	"go.temporal.io/api/history/v1"
	"go.temporal.io/api/sdk/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// TestFollow feeds the follower a run's history and its child's, and
// checks the story it prints: each step as scheduled, done, failed or
// timed out, the child started and closed, and the approval the child
// waits for, with the command that gives it.
func TestFollow(t *testing.T) {
	const run = "storage-layer-scalable-storage-1a2b3c4d"
	child := run + "/drbd-storage0-r0"
	f := &fakeClient{histories: map[string][]*history.HistoryEvent{
		run: {
			scheduledEvent(5, "partition /dev/sdb on storage0a", "Partition"),
			scheduledEvent(6, "", "ModprobeDRBD"), // no summary: the activity's name
			completedEvent(9, 5),
			failedEvent(10, 6, "modprobe: FATAL: Module drbd not found"),
			completedEvent(12, 6),
			childStartedEvent(14, child, "DRBDPair"),
			scheduledEvent(16, "gnbd_serv on storage0a", "StartGNBDServ"),
			timedOutEvent(18, 16, "activity ScheduleToStart timeout"),
			closedEvent(enums.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED),
			// Never read: the follower stops when the run closes.
			scheduledEvent(30, "after the end", "Nothing"),
		},
		child: {
			scheduledEvent(5, "drbdadm up r0 on storage0a", "DRBDUp"),
			completedEvent(7, 5),
			awaitingEvent(8, "drbd-overwrite:storage0/r0"),
			awaitingEvent(9, ""), // the wait is over: nothing to say
			scheduledEvent(11, "initial sync of r0 from storage0a", "DRBDOverwrite"),
			completedEvent(13, 11),
			closedEvent(enums.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED),
		},
	}}
	var out bytes.Buffer
	p := &printer{w: &out, now: func() time.Time { return clock }}
	if err := follow(context.Background(), f, p, run, "run-1", ""); err != nil {
		t.Fatalf("follow: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")

	// The run's lines and the child's interleave as they happen; each
	// follower's own lines are in order, and the child's come after the
	// run says it started.
	wantRun := []string{
		stamp + "  ... partition /dev/sdb on storage0a",
		stamp + "  ... ModprobeDRBD",
		stamp + "  ok  partition /dev/sdb on storage0a",
		stamp + "  !!  ModprobeDRBD: modprobe: FATAL: Module drbd not found",
		stamp + "  ok  ModprobeDRBD",
		stamp + "  >>  DRBDPair drbd-storage0-r0",
		stamp + "  ... gnbd_serv on storage0a",
		stamp + "  !!  gnbd_serv on storage0a: timed out (activity ScheduleToStart timeout)",
	}
	wantChild := []string{
		stamp + "drbd-storage0-r0  ... drbdadm up r0 on storage0a",
		stamp + "drbd-storage0-r0  ok  drbdadm up r0 on storage0a",
		stamp + "drbd-storage0-r0  ??  waiting for approval of drbd-overwrite:storage0/r0: starter approve --workflow-id " + child + " --step drbd-overwrite:storage0/r0 --by NAME [--reject]",
		stamp + "drbd-storage0-r0  ... initial sync of r0 from storage0a",
		stamp + "drbd-storage0-r0  ok  initial sync of r0 from storage0a",
		stamp + "drbd-storage0-r0  <<  completed",
	}
	gotRun := linesWithPrefix(lines, stamp+"  ")
	gotChild := linesWithPrefix(lines, stamp+"drbd-storage0-r0  ")
	if !slices.Equal(gotRun, wantRun) {
		t.Errorf("the run's lines:\n%s\nwant:\n%s", strings.Join(gotRun, "\n"), strings.Join(wantRun, "\n"))
	}
	if !slices.Equal(gotChild, wantChild) {
		t.Errorf("the child's lines:\n%s\nwant:\n%s", strings.Join(gotChild, "\n"), strings.Join(wantChild, "\n"))
	}
	if len(lines) != len(wantRun)+len(wantChild) {
		t.Errorf("%d lines, want %d:\n%s", len(lines), len(wantRun)+len(wantChild), out.String())
	}
	if started, first := slices.Index(lines, wantRun[5]), slices.Index(lines, wantChild[0]); started < 0 || first < started {
		t.Errorf("the child's first line (%d) comes before the run starts it (%d):\n%s", first, started, out.String())
	}
}

// TestFollowError checks that a history the server cannot give ends the
// follower with the error.
func TestFollowError(t *testing.T) {
	f := &failingHistory{err: errors.New("namespace default: not found")}
	var out bytes.Buffer
	err := follow(context.Background(), f, &printer{w: &out}, "x", "", "")
	if err == nil || err.Error() != "namespace default: not found" {
		t.Errorf("follow: %v, want the history's error", err)
	}
}

// failingHistory is a client whose histories fail to load.
type failingHistory struct {
	fakeClient
	err error
}

func (f *failingHistory) GetWorkflowHistory(context.Context, string, string, bool, enums.HistoryEventFilterType) client.HistoryEventIterator {
	return failingEvents{f.err}
}

// failingEvents is a history whose next page fails.
type failingEvents struct{ err error }

func (e failingEvents) HasNext() bool                        { return true }
func (e failingEvents) Next() (*history.HistoryEvent, error) { return nil, e.err }

func linesWithPrefix(lines []string, prefix string) []string {
	var got []string
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			got = append(got, l)
		}
	}
	return got
}

func payload(t string) *common.Payload {
	p, err := converter.GetDefaultDataConverter().ToPayload(t)
	if err != nil {
		panic(err)
	}
	return p
}

// scheduledEvent is a step scheduled with its one-line summary, as the
// workflows give each step.
func scheduledEvent(id int64, summary, activity string) *history.HistoryEvent {
	ev := &history.HistoryEvent{
		EventId:   id,
		EventType: enums.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
		Attributes: &history.HistoryEvent_ActivityTaskScheduledEventAttributes{ActivityTaskScheduledEventAttributes: &history.ActivityTaskScheduledEventAttributes{
			ActivityType: &common.ActivityType{Name: activity},
		}},
	}
	if summary != "" {
		ev.UserMetadata = &sdk.UserMetadata{Summary: payload(summary)}
	}
	return ev
}

func completedEvent(id, scheduled int64) *history.HistoryEvent {
	return &history.HistoryEvent{
		EventId:   id,
		EventType: enums.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
		Attributes: &history.HistoryEvent_ActivityTaskCompletedEventAttributes{ActivityTaskCompletedEventAttributes: &history.ActivityTaskCompletedEventAttributes{
			ScheduledEventId: scheduled,
		}},
	}
}

func failedEvent(id, scheduled int64, message string) *history.HistoryEvent {
	return &history.HistoryEvent{
		EventId:   id,
		EventType: enums.EVENT_TYPE_ACTIVITY_TASK_FAILED,
		Attributes: &history.HistoryEvent_ActivityTaskFailedEventAttributes{ActivityTaskFailedEventAttributes: &history.ActivityTaskFailedEventAttributes{
			ScheduledEventId: scheduled,
			Failure:          &failure.Failure{Message: message},
		}},
	}
}

func timedOutEvent(id, scheduled int64, message string) *history.HistoryEvent {
	return &history.HistoryEvent{
		EventId:   id,
		EventType: enums.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
		Attributes: &history.HistoryEvent_ActivityTaskTimedOutEventAttributes{ActivityTaskTimedOutEventAttributes: &history.ActivityTaskTimedOutEventAttributes{
			ScheduledEventId: scheduled,
			Failure:          &failure.Failure{Message: message},
		}},
	}
}

func childStartedEvent(id int64, workflowID, workflowType string) *history.HistoryEvent {
	return &history.HistoryEvent{
		EventId:   id,
		EventType: enums.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED,
		Attributes: &history.HistoryEvent_ChildWorkflowExecutionStartedEventAttributes{ChildWorkflowExecutionStartedEventAttributes: &history.ChildWorkflowExecutionStartedEventAttributes{
			WorkflowExecution: &common.WorkflowExecution{WorkflowId: workflowID, RunId: "child-run"},
			WorkflowType:      &common.WorkflowType{Name: workflowType},
		}},
	}
}

// awaitingEvent is the memo a workflow upserts when a step waits for a
// person ("" when none waits any more).
func awaitingEvent(id int64, step string) *history.HistoryEvent {
	return &history.HistoryEvent{
		EventId:   id,
		EventType: enums.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
		Attributes: &history.HistoryEvent_WorkflowPropertiesModifiedEventAttributes{WorkflowPropertiesModifiedEventAttributes: &history.WorkflowPropertiesModifiedEventAttributes{
			UpsertedMemo: &common.Memo{Fields: map[string]*common.Payload{workflows.AwaitingMemo: payload(step)}},
		}},
	}
}

// closedEvent is the last event of a workflow; its attributes are not read.
func closedEvent(kind enums.EventType) *history.HistoryEvent {
	return &history.HistoryEvent{EventType: kind}
}
