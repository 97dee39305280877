package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// clock is the time every progress line is stamped with in these tests.
var clock = time.Date(2026, 11, 29, 21, 10, 47, 0, time.UTC)

// stamp is how a progress line starts at clock.
const stamp = "21:10:47  "

// fakeClient is a Temporal client without a server: canned histories, run
// results and approvals in, a record of what the starter asked out.
type fakeClient struct {
	// histories are the events of each workflow ID's history.
	histories map[string][]*history.HistoryEvent
	// result is what the started run returns; runErr fails it instead.
	result any
	runErr error
	// pages answer ListWorkflow for the workflows whose root is root, by
	// the request's page token; any other root has no workflows.
	root  string
	pages map[string]*workflowservice.ListWorkflowExecutionsResponse
	// approvals answer the approvals query; a workflow not in it has no
	// such query, as a closed or approval-less workflow.
	approvals map[string]workflows.ApprovalsState
	// updateErr refuses every Update, as a workflow's validator would.
	updateErr error
	// existing is the run ID of a run that already has the started ID:
	// a start is refused as the server refuses it, and GetWorkflow finds it.
	existing string
	// runs answer ListWorkflow's "WorkflowId IN (...)": the runs of the
	// IDs it names, as visibility lists them.
	runs []*workflow.WorkflowExecutionInfo
	// schedules is the namespace's schedules.
	schedules *fakeSchedules

	mu      sync.Mutex
	started []started
	lists   []*workflowservice.ListWorkflowExecutionsRequest
	queried []string
	updates []client.UpdateWorkflowOptions
}

// started is one ExecuteWorkflow call.
type started struct {
	opts     client.StartWorkflowOptions
	workflow any
	args     []any
}

func (f *fakeClient) ExecuteWorkflow(_ context.Context, opts client.StartWorkflowOptions, workflow any, args ...any) (client.WorkflowRun, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started = append(f.started, started{opts, workflow, args})
	if f.existing != "" {
		return nil, serviceerror.NewWorkflowExecutionAlreadyStarted("workflow execution already started", "", f.existing)
	}
	return &fakeRun{id: opts.ID, runID: "run-1", result: f.result, err: f.runErr}, nil
}

func (f *fakeClient) GetWorkflow(_ context.Context, id, runID string) client.WorkflowRun {
	return &fakeRun{id: id, runID: runID, result: f.result, err: f.runErr}
}

func (f *fakeClient) GetWorkflowHistory(_ context.Context, id, _ string, _ bool, _ enums.HistoryEventFilterType) client.HistoryEventIterator {
	f.mu.Lock()
	defer f.mu.Unlock()
	return &events{list: f.histories[id]}
}

func (f *fakeClient) ListWorkflow(_ context.Context, req *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists = append(f.lists, req)
	if ids, ok := strings.CutPrefix(req.Query, "WorkflowId IN ("); ok {
		var resp workflowservice.ListWorkflowExecutionsResponse
		for _, r := range f.runs {
			if strings.Contains(ids, fmt.Sprintf("%q", r.GetExecution().GetWorkflowId())) {
				resp.Executions = append(resp.Executions, r)
			}
		}
		return &resp, nil
	}
	if !strings.Contains(req.Query, fmt.Sprintf("RootWorkflowId = %q", f.root)) {
		return &workflowservice.ListWorkflowExecutionsResponse{}, nil
	}
	page, ok := f.pages[string(req.NextPageToken)]
	if !ok {
		return nil, fmt.Errorf("no page %q", req.NextPageToken)
	}
	return page, nil
}

func (f *fakeClient) QueryWorkflow(_ context.Context, id, _, query string, _ ...any) (converter.EncodedValue, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queried = append(f.queried, id)
	state, ok := f.approvals[id]
	if !ok || query != workflows.ApprovalsQuery {
		return nil, fmt.Errorf("workflow %s has no query %q", id, query)
	}
	return jsonValue{state}, nil
}

func (f *fakeClient) UpdateWorkflow(_ context.Context, opts client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, opts)
	if f.updateErr != nil {
		return nil, f.updateErr
	}
	var req workflows.ApprovalRequest
	ok := len(opts.Args) == 1
	if ok {
		req, ok = opts.Args[0].(workflows.ApprovalRequest)
	}
	if !ok {
		return nil, fmt.Errorf("update args %#v, want one ApprovalRequest", opts.Args)
	}
	// The workflow records the decision as asked.
	return decided{workflows.Approval{Step: req.Step, By: req.By, Approved: req.Approve, Reason: req.Reason}}, nil
}

// fakeRun is a started run that ends as soon as it is asked.
type fakeRun struct {
	id, runID string
	result    any
	err       error
}

func (r *fakeRun) GetID() string                  { return r.id }
func (r *fakeRun) GetRunID() string               { return r.runID }
func (r *fakeRun) GetFirstExecutionRunID() string { return r.runID }
func (r *fakeRun) Get(_ context.Context, ptr any) error {
	if r.err != nil {
		return r.err
	}
	return jsonValue{r.result}.Get(ptr)
}
func (r *fakeRun) GetWithOptions(ctx context.Context, ptr any, _ client.WorkflowRunGetOptions) error {
	return r.Get(ctx, ptr)
}

// events iterates over a history, all of it already there.
type events struct {
	list []*history.HistoryEvent
	next int
}

func (e *events) HasNext() bool { return e.next < len(e.list) }
func (e *events) Next() (*history.HistoryEvent, error) {
	if !e.HasNext() {
		return nil, errors.New("no more events")
	}
	e.next++
	return e.list[e.next-1], nil
}

// jsonValue is a query answer or result, decoded the way the SDK's default
// converter decodes JSON.
type jsonValue struct{ v any }

func (j jsonValue) HasValue() bool { return j.v != nil }
func (j jsonValue) Get(ptr any) error {
	b, err := json.Marshal(j.v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, ptr)
}

// decided is the answer to an approve Update.
type decided struct{ a workflows.Approval }

func (d decided) WorkflowID() string { return "" }
func (d decided) RunID() string      { return "" }
func (d decided) UpdateID() string   { return "" }
func (d decided) Get(_ context.Context, ptr any) error {
	return jsonValue{d.a}.Get(ptr)
}

// harness is a Main wired to a fake client, and what it did.
type harness struct {
	m      *Main
	out    *bytes.Buffer
	err    *bytes.Buffer
	dialed []connect.Options
	closed int
}

func newHarness(f *fakeClient) *harness {
	h := &harness{out: &bytes.Buffer{}, err: &bytes.Buffer{}}
	h.m = &Main{
		Out: h.out,
		Err: h.err,
		Dial: func(_ context.Context, o connect.Options) (Client, func(), error) {
			h.dialed = append(h.dialed, o)
			return f, func() { h.closed++ }, nil
		},
		Now: func() time.Time { return clock },
	}
	return h
}

// sameJSON fails the test unless got marshals to the JSON document want
// (key order and spacing aside). Inputs are compared as JSON, which is
// what the workflow receives, not as Go types.
func sameJSON(t *testing.T, got any, want string) {
	t.Helper()
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("marshal %#v: %v", got, err)
	}
	var g, w any
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want is not JSON: %v: %s", err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("input is %s, want %s", b, want)
	}
}

func (f *fakeClient) ScheduleClient() client.ScheduleClient { return f.schedules }

// fakeSchedules is a namespace's schedules without a server: canned
// descriptions and list entries in, a record of what the starter asked out.
type fakeSchedules struct {
	// entries answer List, in the server's order.
	entries []*client.ScheduleListEntry
	// described answer Describe by schedule ID; an ID not in it is not
	// found, by Describe and by every other call on its handle.
	described map[string]*client.ScheduleDescription
	// exists refuses every Create, as the server refuses a schedule ID
	// that is taken.
	exists bool

	mu      sync.Mutex
	created []client.ScheduleOptions
	listed  []client.ScheduleListOptions
	// calls are the handles' calls: "pause ID: note", "unpause ID: note",
	// "trigger ID", "delete ID".
	calls []string
}

func (f *fakeSchedules) Create(_ context.Context, opts client.ScheduleOptions) (client.ScheduleHandle, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.created = append(f.created, opts)
	if f.exists {
		return nil, temporal.ErrScheduleAlreadyRunning
	}
	return &fakeSchedule{f: f, id: opts.ID}, nil
}

func (f *fakeSchedules) List(_ context.Context, opts client.ScheduleListOptions) (client.ScheduleListIterator, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listed = append(f.listed, opts)
	return &scheduleList{list: f.entries}, nil
}

func (f *fakeSchedules) GetHandle(_ context.Context, id string) client.ScheduleHandle {
	return &fakeSchedule{f: f, id: id}
}

// fakeSchedule is a handle on one schedule of fakeSchedules.
type fakeSchedule struct {
	f  *fakeSchedules
	id string
}

func (h *fakeSchedule) GetID() string { return h.id }

// call records a call on the schedule, if it exists.
func (h *fakeSchedule) call(what string) error {
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	if _, ok := h.f.described[h.id]; !ok {
		return serviceerror.NewNotFound("schedule not found")
	}
	h.f.calls = append(h.f.calls, what)
	return nil
}

func (h *fakeSchedule) Describe(context.Context) (*client.ScheduleDescription, error) {
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	d, ok := h.f.described[h.id]
	if !ok {
		return nil, serviceerror.NewNotFound("schedule not found")
	}
	return d, nil
}

func (h *fakeSchedule) Pause(_ context.Context, o client.SchedulePauseOptions) error {
	return h.call("pause " + h.id + ": " + o.Note)
}

func (h *fakeSchedule) Unpause(_ context.Context, o client.ScheduleUnpauseOptions) error {
	return h.call("unpause " + h.id + ": " + o.Note)
}

func (h *fakeSchedule) Trigger(_ context.Context, o client.ScheduleTriggerOptions) error {
	if o.Overlap != enums.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED {
		return fmt.Errorf("trigger overrides the overlap policy with %v", o.Overlap)
	}
	return h.call("trigger " + h.id)
}

func (h *fakeSchedule) Delete(context.Context) error { return h.call("delete " + h.id) }

func (h *fakeSchedule) Backfill(context.Context, client.ScheduleBackfillOptions) error {
	return errors.New("the starter does not backfill")
}

func (h *fakeSchedule) Update(context.Context, client.ScheduleUpdateOptions) error {
	return errors.New("the starter does not update schedules")
}

// scheduleList iterates over list entries, all of them already there.
type scheduleList struct {
	list []*client.ScheduleListEntry
	next int
}

func (l *scheduleList) HasNext() bool { return l.next < len(l.list) }
func (l *scheduleList) Next() (*client.ScheduleListEntry, error) {
	if !l.HasNext() {
		return nil, errors.New("no more schedules")
	}
	l.next++
	return l.list[l.next-1], nil
}
