package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflow/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	sdkworkflow "go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// TestScheduleCreate checks what create asks the server for: the spec, the
// fixed policies, and an action that starts the procedure's workflow on
// the orchestrator's queue with the runbook's input and search attribute.
func TestScheduleCreate(t *testing.T) {
	file := filepath.Join("..", "runbooks", "scalable-storage.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		workflow string
		spec     client.ScheduleSpec
		catchup  time.Duration
		pause    bool
		note     string
		input    string
		out      string
	}{
		{
			name:     "check every 5m",
			args:     []string{"--id", "check-storage", "--procedure", "check", "--runbook", "scalable-storage", "--every", "5m", "--note", "the lab's drift check"},
			workflow: "Check",
			spec:     client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: 5 * time.Minute}}},
			catchup:  time.Minute,
			pause:    true,
			note:     "the lab's drift check",
			input:    `{"runbook": "scalable-storage"}`,
			out: `created schedule check-storage: check of scalable-storage, every 5m
  runs:    check-storage-TIME, with TetsuzukiRunbook="scalable-storage"
  Web UI:  http://ui.example:8233/namespaces/default/schedules/check-storage
`,
		},
		{
			name: "repair by cron, of a file, with overrides",
			args: []string{"--id", "repair.storage_2", "--procedure", "repair", "--runbook", file, "--cron", "*/15 * * * *",
				"--catchup-window", "5m", "--pause-on-failure=false", "--overrides", `{"gfs2": {"journals": 6}}`},
			workflow: "Repair",
			spec:     client.ScheduleSpec{CronExpressions: []string{"*/15 * * * *"}},
			catchup:  5 * time.Minute,
			input:    fmt.Sprintf(`{"runbook": "scalable-storage", "runbook_yaml": %q, "source": %q, "overrides": {"gfs2": {"journals": 6}}}`, data, file),
			out: `created schedule repair.storage_2: repair of scalable-storage, cron */15 * * * *
  runs:    repair.storage_2-TIME, with TetsuzukiRunbook="scalable-storage"
  Web UI:  http://ui.example:8233/namespaces/default/schedules/repair.storage_2
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeClient{schedules: &fakeSchedules{}}
			h := newHarness(f)
			args := append([]string{"schedule", "create", "--ui", "http://ui.example:8233/"}, tt.args...)
			if err := h.m.Run(context.Background(), args); err != nil {
				t.Fatalf("create: %v", err)
			}
			if len(f.schedules.created) != 1 {
				t.Fatalf("%d schedules created, want 1", len(f.schedules.created))
			}
			o := f.schedules.created[0]
			id := tt.args[1]
			if o.ID != id {
				t.Errorf("schedule ID %q, want %q", o.ID, id)
			}
			if !reflect.DeepEqual(o.Spec, tt.spec) {
				t.Errorf("spec %+v, want %+v", o.Spec, tt.spec)
			}
			if o.Overlap != enums.SCHEDULE_OVERLAP_POLICY_SKIP {
				t.Errorf("overlap %v, want skip: never two checks or repairs of one stack at once", o.Overlap)
			}
			if o.CatchupWindow != tt.catchup {
				t.Errorf("catch-up window %v, want %v", o.CatchupWindow, tt.catchup)
			}
			if o.PauseOnFailure != tt.pause {
				t.Errorf("pause on failure %v, want %v", o.PauseOnFailure, tt.pause)
			}
			if o.Note != tt.note {
				t.Errorf("note %q, want %q", o.Note, tt.note)
			}
			if o.Paused || o.TriggerImmediately || o.RemainingActions != 0 || len(o.ScheduleBackfill) != 0 {
				t.Errorf("schedule starts paused %v, triggered %v, limited to %d, backfilled %v: want none of them", o.Paused, o.TriggerImmediately, o.RemainingActions, o.ScheduleBackfill)
			}
			if got, _ := o.TypedSearchAttributes.GetKeyword(workflows.RunbookAttr); got != "scalable-storage" || o.TypedSearchAttributes.Size() != 1 {
				t.Errorf("schedule's search attributes %v, want only TetsuzukiRunbook=scalable-storage", o.TypedSearchAttributes.GetUntypedValues())
			}
			a, ok := o.Action.(*client.ScheduleWorkflowAction)
			if !ok {
				t.Fatalf("action %T, want a workflow", o.Action)
			}
			if a.ID != id {
				t.Errorf("action's workflow ID %q, want the schedule's, to which the server appends the time", a.ID)
			}
			if a.Workflow != tt.workflow {
				t.Errorf("action's workflow %v, want %s", a.Workflow, tt.workflow)
			}
			if a.TaskQueue != "runbooks" {
				t.Errorf("action's task queue %q, want runbooks", a.TaskQueue)
			}
			if len(a.Args) != 1 {
				t.Fatalf("action has %d arguments, want 1 input", len(a.Args))
			}
			sameJSON(t, a.Args[0], tt.input)
			if got, _ := a.TypedSearchAttributes.GetKeyword(workflows.RunbookAttr); got != "scalable-storage" || a.TypedSearchAttributes.Size() != 1 {
				t.Errorf("runs' search attributes %v, want only TetsuzukiRunbook=scalable-storage", a.TypedSearchAttributes.GetUntypedValues())
			}
			if want := fmt.Sprintf("%s of scalable-storage, by schedule %s", tt.args[3], id); a.StaticSummary != want {
				t.Errorf("runs' summary %q, want %q", a.StaticSummary, want)
			}
			if a.WorkflowExecutionTimeout != 0 || a.WorkflowRunTimeout != 0 || a.RetryPolicy != nil {
				t.Errorf("action has timeouts %v/%v and retry %v, want none: a repair cut short undoes nothing", a.WorkflowExecutionTimeout, a.WorkflowRunTimeout, a.RetryPolicy)
			}
			if got := h.out.String(); got != tt.out {
				t.Errorf("output:\n%s\nwant:\n%s", got, tt.out)
			}
			if h.closed != 1 {
				t.Errorf("closed the client %d times, want 1", h.closed)
			}
		})
	}
}

// TestScheduleCreateRefusesBadFlags checks that a request create cannot
// carry out fails with a message naming what is wrong, before it dials the
// server: nothing is created.
func TestScheduleCreateRefusesBadFlags(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: scalable-storage\nhostz: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join("..", "runbooks", "scalable-storage.yaml")
	ok := []string{"--id", "check-storage", "--procedure", "check", "--runbook", "scalable-storage", "--every", "5m"}
	// with is ok with one flag's value replaced, or the flag dropped when
	// value is "".
	with := func(flag, value string, more ...string) []string {
		var args []string
		for i := 0; i < len(ok); i += 2 {
			switch {
			case ok[i] != flag:
				args = append(args, ok[i], ok[i+1])
			case value != "":
				args = append(args, flag, value)
			}
		}
		return append(args, more...)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no id", with("--id", ""), "--id is required"},
		{"id with a slash", with("--id", "../x"), `--id "../x": letters, digits`},
		{"id with a space", with("--id", "check storage"), `--id "check storage"`},
		{"id like a flag", with("--id", "-x"), `--id "-x"`},
		{"id too long", with("--id", strings.Repeat("a", 65)), "at most 64"},
		{"no procedure", with("--procedure", ""), "--procedure is required: check or repair"},
		{"a procedure that is not scheduled", with("--procedure", "teardown"), `--procedure "teardown": a schedule runs check or repair`},
		{"no runbook", with("--runbook", ""), "--runbook is required"},
		{"a name no catalog has", with("--runbook", "Scalable_Storage"), `--runbook: "Scalable_Storage" is not a runbook name`},
		{"missing runbook file", with("--runbook", "runbooks/nope.yaml"), "runbooks/nope.yaml"},
		{"invalid runbook file", with("--runbook", bad), bad + ":2: hostz: unknown key"},
		{"neither every nor cron", with("--every", ""), "--every (e.g. 5m) or --cron"},
		{"both every and cron", with("--every", "5m", "--cron", "*/5 * * * *"), "--every and --cron: give one of them"},
		{"every under a second", with("--every", "500ms"), "--every 500ms: a whole number of seconds"},
		{"every in part seconds", with("--every", "1500ms"), "--every 1.5s: a whole number of seconds"},
		{"negative every", with("--every", "-5m"), "--every -5m0s"},
		{"not a duration", with("--every", "often"), `invalid value "often" for flag -every`},
		{"cron of two lines", with("--every", "", "--cron", "*/5 * * * *\n0 * * * *"), "--cron"},
		{"cron too long", with("--every", "", "--cron", strings.Repeat("1,", 100)+"2 * * * *"), "at most 128 bytes"},
		{"catch-up under the server's least", with("--id", "x", "--catchup-window", "5s"), "--catchup-window 5s: at least 10s"},
		{"note too long", with("--id", "x", "--note", strings.Repeat("n", 513)), "--note: UTF-8 text of at most 512 bytes"},
		{"note not UTF-8", with("--id", "x", "--note", "\xff"), "--note: UTF-8 text"},
		{"overrides not JSON", with("--id", "x", "--overrides", "journals=6"), "--overrides: a JSON object is required"},
		{"overrides not an object", with("--id", "x", "--overrides", "[1]"), "--overrides: a JSON object is required"},
		{"overrides null", with("--id", "x", "--overrides", "null"), "--overrides: a JSON object is required"},
		{"overrides too large", with("--id", "x", "--overrides", `{"x": "`+strings.Repeat("a", 64<<10)+`"}`), "--overrides: 65544 bytes, at most 65536"},
		{"overrides the file refuses", with("--runbook", file, "--overrides", `{"gfs2": {"journals": 1000}}`), "--overrides: "},
		{"overrides that widen approvals", with("--runbook", file, "--overrides", `{"approvals": {"unsigned": false, "approvers": [{"name": "mallory", "key": "`+strings.Repeat("ab", 32)+`"}]}}`), "may not widen approvals"},
		{"pause-on-failure given a word", with("--id", "x", "--pause-on-failure", "false"), `unexpected arguments ["false"]`},
		{"unknown flag", with("--id", "x", "--auto-safe"), "flag provided but not defined: -auto-safe"},
		{"extra argument", with("--id", "x", "now"), `unexpected arguments ["now"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeClient{schedules: &fakeSchedules{}}
			h := newHarness(f)
			err := h.m.Run(context.Background(), append([]string{"schedule", "create"}, tt.args...))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
			if len(h.dialed) != 0 || len(f.schedules.created) != 0 {
				t.Errorf("dialed %d times and created %d schedules, want nothing created", len(h.dialed), len(f.schedules.created))
			}
			if strings.HasPrefix(tt.want, "flag provided") && !strings.Contains(h.err.String(), "-catchup-window duration") {
				t.Errorf("a bad flag printed %q, want the usage of create's flags", h.err)
			}
		})
	}
}

// TestScheduleCreateTakenID checks that an ID in use is reported as such,
// and the schedule that has it is left alone.
func TestScheduleCreateTakenID(t *testing.T) {
	f := &fakeClient{schedules: &fakeSchedules{exists: true}}
	h := newHarness(f)
	err := h.m.Run(context.Background(), []string{"schedule", "create", "--id", "check-storage", "--procedure", "check", "--runbook", "scalable-storage", "--every", "5m"})
	want := "schedule check-storage already exists in namespace default: starter schedule describe --id check-storage"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
	if h.out.Len() != 0 {
		t.Errorf("printed %q, want nothing", h.out)
	}
}

// at is a time of the tests' schedules, minutes after clock.
func at(minutes int) time.Time { return clock.Add(time.Duration(minutes) * time.Minute) }

// keywordAttr is a Keyword search attribute as the server lists it.
func keywordAttr(t *testing.T, name, value string) *commonpb.SearchAttributes {
	t.Helper()
	p, err := converter.GetDefaultDataConverter().ToPayload(value)
	if err != nil {
		t.Fatal(err)
	}
	return &commonpb.SearchAttributes{IndexedFields: map[string]*commonpb.Payload{name: p}}
}

// checked is a run as visibility lists it, with what a check found.
func checked(t *testing.T, id string, status enums.WorkflowExecutionStatus, findings int64, worst string) *workflow.WorkflowExecutionInfo {
	t.Helper()
	e := execution(id, status)
	e.SearchAttributes = keywordAttr(t, "TetsuzukiWorstSeverity", worst)
	p, err := converter.GetDefaultDataConverter().ToPayload(findings)
	if err != nil {
		t.Fatal(err)
	}
	e.SearchAttributes.IndexedFields["TetsuzukiFindings"] = p
	return e
}

func action(id string, minutes int) client.ScheduleActionResult {
	return client.ScheduleActionResult{ScheduleTime: at(minutes), ActualTime: at(minutes).Add(time.Second),
		StartWorkflowResult: &client.ScheduleWorkflowExecution{WorkflowID: id, FirstExecutionRunID: "r"}}
}

// TestScheduleList checks the table: the procedure by its name, the
// runbook from the schedule's search attribute, the spec as create takes
// it (a cron rebuilt from the server's calendar), no next run while
// paused, and the last run's outcome as visibility has it.
func TestScheduleList(t *testing.T) {
	f := &fakeClient{
		schedules: &fakeSchedules{entries: []*client.ScheduleListEntry{
			{
				ID:           "repair-storage",
				Spec:         &client.ScheduleSpec{Calendars: []client.ScheduleCalendarSpec{{Second: []client.ScheduleRange{{}}, Minute: []client.ScheduleRange{{Start: 0, End: 59, Step: 15}}, Hour: []client.ScheduleRange{{Start: 0, End: 23, Step: 1}}, DayOfMonth: []client.ScheduleRange{{Start: 1, End: 31, Step: 1}}, Month: []client.ScheduleRange{{Start: 1, End: 12, Step: 1}}, DayOfWeek: []client.ScheduleRange{{Start: 0, End: 7, Step: 1}}}}},
				Paused:       true,
				WorkflowType: sdkworkflow.Type{Name: "Repair"},
				RecentActions: []client.ScheduleActionResult{
					action("repair-storage-2026-11-29T21:10:00Z", 0),
					action("repair-storage-2026-11-29T21:25:00Z", 15),
				},
				NextActionTimes:  []time.Time{at(30)},
				SearchAttributes: keywordAttr(t, "TetsuzukiRunbook", "scalable-storage"),
			},
			{
				ID:               "check-storage",
				Spec:             &client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: 5 * time.Minute}}},
				WorkflowType:     sdkworkflow.Type{Name: "Check"},
				RecentActions:    []client.ScheduleActionResult{action("check-storage-2026-11-29T21:15:00Z", 5)},
				NextActionTimes:  []time.Time{at(10), at(15)},
				SearchAttributes: keywordAttr(t, "TetsuzukiRunbook", "scalable-storage"),
			},
			{
				ID:              "someone else's",
				Spec:            &client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: time.Hour, Offset: 90 * time.Second}}},
				WorkflowType:    sdkworkflow.Type{Name: "Tidy"},
				RecentActions:   []client.ScheduleActionResult{action("tidy-1", 1)},
				NextActionTimes: []time.Time{at(61)},
			},
		}},
		runs: []*workflow.WorkflowExecutionInfo{
			checked(t, "check-storage-2026-11-29T21:15:00Z", enums.WORKFLOW_EXECUTION_STATUS_COMPLETED, 2, "warning"),
			execution("repair-storage-2026-11-29T21:25:00Z", enums.WORKFLOW_EXECUTION_STATUS_FAILED),
			execution("repair-storage-2026-11-29T21:10:00Z", enums.WORKFLOW_EXECUTION_STATUS_COMPLETED),
		},
	}
	h := newHarness(f)
	if err := h.m.Run(context.Background(), []string{"schedule", "list"}); err != nil {
		t.Fatal(err)
	}
	want := `ID                PROCEDURE  RUNBOOK           SPEC                PAUSED  NEXT RUN              LAST RUN
check-storage     check      scalable-storage  every 5m            no      2026-11-29T21:20:47Z  2026-11-29T21:15:48Z Completed, 2 findings, worst warning
repair-storage    repair     scalable-storage  cron */15 * * * *   yes     -                     2026-11-29T21:25:48Z Failed
"someone else's"  Tidy       -                 every 1h at +1m30s  no      2026-11-29T22:11:47Z  2026-11-29T21:11:48Z started
`
	if got := h.out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
	if len(f.schedules.listed) != 1 || f.schedules.listed[0].Query != "" {
		t.Errorf("listed %+v, want every schedule once", f.schedules.listed)
	}
	// One query for the last runs of all: the older repair is not asked.
	if len(f.lists) != 1 {
		t.Fatalf("%d visibility queries, want 1", len(f.lists))
	}
	if q, want := f.lists[0].Query, `WorkflowId IN ("check-storage-2026-11-29T21:15:00Z", "repair-storage-2026-11-29T21:25:00Z", "tidy-1")`; q != want {
		t.Errorf("query %s, want %s", q, want)
	}
}

// TestScheduleListOfRunbook checks --runbook: the server is asked only for
// the runbook's schedules, by the search attribute create sets.
func TestScheduleListOfRunbook(t *testing.T) {
	f := &fakeClient{schedules: &fakeSchedules{}}
	h := newHarness(f)
	if err := h.m.Run(context.Background(), []string{"schedule", "list", "--runbook", "scalable-storage"}); err != nil {
		t.Fatal(err)
	}
	if len(f.schedules.listed) != 1 || f.schedules.listed[0].Query != `TetsuzukiRunbook="scalable-storage"` {
		t.Errorf("listed %+v, want the query TetsuzukiRunbook=\"scalable-storage\"", f.schedules.listed)
	}
	if got, want := h.out.String(), "no schedules in namespace default\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	for _, args := range [][]string{{"--runbook", `x" OR true OR "`}, {"extra"}, {"--id", "x"}} {
		f := &fakeClient{schedules: &fakeSchedules{}}
		h := newHarness(f)
		if err := h.m.Run(context.Background(), append([]string{"schedule", "list"}, args...)); err == nil || len(h.dialed) != 0 {
			t.Errorf("list %q: error %v after %d dials, want an error and no dial", args, err, len(h.dialed))
		}
	}
}

// described is a schedule of scalable-storage as the server describes it,
// its input encoded as the workers see it.
func described(t *testing.T, paused bool, note string) *client.ScheduleDescription {
	t.Helper()
	input, err := converter.GetDefaultDataConverter().ToPayload(workflows.RunbookInput{})
	if err != nil {
		t.Fatal(err)
	}
	input.Data = []byte(`{"runbook":"scalable-storage","overrides":{"gfs2":{"journals":6}}}`)
	return &client.ScheduleDescription{
		Schedule: client.Schedule{
			Action: &client.ScheduleWorkflowAction{
				ID: "check-storage", Workflow: "Check", TaskQueue: "runbooks", Args: []any{input},
				TypedSearchAttributes: temporal.NewSearchAttributes(workflows.RunbookAttr.ValueSet("scalable-storage")),
			},
			Spec:   &client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: 5 * time.Minute}}},
			Policy: &client.SchedulePolicies{Overlap: enums.SCHEDULE_OVERLAP_POLICY_SKIP, CatchupWindow: time.Minute, PauseOnFailure: true},
			State:  &client.ScheduleState{Paused: paused, Note: note},
		},
		Info: client.ScheduleInfo{
			NumActions: 3, NumActionsSkippedOverlap: 1, NumActionsMissedCatchupWindow: 0,
			RunningWorkflows: []client.ScheduleWorkflowExecution{{WorkflowID: "check-storage-2026-11-29T21:20:00Z"}},
			RecentActions: []client.ScheduleActionResult{
				action("check-storage-2026-11-29T21:10:00Z", 0),
				action("check-storage-2026-11-29T21:15:00Z", 5),
				action("check-storage-2026-11-29T21:20:00Z", 10),
			},
			NextActionTimes: []time.Time{at(15), at(20), at(25), at(30), at(35), at(40)},
		},
	}
}

// TestScheduleDescribe checks describe's account of a schedule: what it
// runs and with which input, spec, policies, state and note (quoted: free
// text), its recent runs newest first, and its next times.
func TestScheduleDescribe(t *testing.T) {
	f := &fakeClient{
		schedules: &fakeSchedules{described: map[string]*client.ScheduleDescription{
			"check-storage": described(t, true, "paused: \"disk swap\"\nback at 6"),
		}},
		runs: []*workflow.WorkflowExecutionInfo{
			checked(t, "check-storage-2026-11-29T21:10:00Z", enums.WORKFLOW_EXECUTION_STATUS_COMPLETED, 0, ""),
			execution("check-storage-2026-11-29T21:15:00Z", enums.WORKFLOW_EXECUTION_STATUS_FAILED),
		},
	}
	h := newHarness(f)
	if err := h.m.Run(context.Background(), []string{"schedule", "describe", "--id", "check-storage", "--ui", "http://ui"}); err != nil {
		t.Fatal(err)
	}
	want := `schedule check-storage
  procedure:  check (workflow Check on task queue runbooks)
  runbook:    scalable-storage (the orchestrator's catalog, at each run)
  overrides:  {"gfs2":{"journals":6}}
  spec:       every 5m
  policy:     overlap Skip, catch-up window 1m, pause on failure
  state:      paused
  note:       "paused: \"disk swap\"\nback at 6"
  actions:    3 taken, 1 skipped for overlap, 0 missed the catch-up window
  recent runs:
    2026-11-29T21:20:48Z  check-storage-2026-11-29T21:20:00Z  Running
    2026-11-29T21:15:48Z  check-storage-2026-11-29T21:15:00Z  Failed
    2026-11-29T21:10:48Z  check-storage-2026-11-29T21:10:00Z  Completed, no findings
  next times (none is taken while paused):
    2026-11-29T21:25:47Z
    2026-11-29T21:30:47Z
    2026-11-29T21:35:47Z
    2026-11-29T21:40:47Z
    2026-11-29T21:45:47Z
  Web UI:     http://ui/namespaces/default/schedules/check-storage
  runs:       http://ui/namespaces/default/workflows?query=TetsuzukiRunbook%3D%22scalable-storage%22
`
	if got := h.out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

// TestScheduleCommandsOnOne checks pause, unpause, trigger and delete:
// each asks the server once, for the schedule named, with the note given
// or one that says who; trigger keeps the schedule's overlap policy.
func TestScheduleCommandsOnOne(t *testing.T) {
	tests := []struct {
		args []string
		call string
		out  string
	}{
		{[]string{"pause", "--id", "check-storage", "--note", "disk swap on storage0a"}, "pause check-storage: disk swap on storage0a", `paused schedule check-storage: "disk swap on storage0a"`},
		{[]string{"pause", "--id", "check-storage"}, "pause check-storage: paused by " + defaultApprover() + " with starter", "paused schedule check-storage: "},
		{[]string{"unpause", "--id", "check-storage", "--note", "swapped"}, "unpause check-storage: swapped", `unpaused schedule check-storage: "swapped"`},
		{[]string{"unpause", "--id", "check-storage"}, "unpause check-storage: unpaused by " + defaultApprover() + " with starter", "unpaused schedule check-storage: "},
		{[]string{"trigger", "--id", "check-storage"}, "trigger check-storage", "triggered schedule check-storage: a run starts now, unless one of its runs still runs and its overlap policy skips"},
		{[]string{"delete", "--id", "check-storage"}, "delete check-storage", "deleted schedule check-storage; the runs it started are not stopped"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f := &fakeClient{schedules: &fakeSchedules{described: map[string]*client.ScheduleDescription{"check-storage": {}}}}
			h := newHarness(f)
			if err := h.m.Run(context.Background(), append([]string{"schedule"}, tt.args...)); err != nil {
				t.Fatal(err)
			}
			if len(f.schedules.calls) != 1 || f.schedules.calls[0] != tt.call {
				t.Errorf("calls %q, want [%q]", f.schedules.calls, tt.call)
			}
			if !strings.HasPrefix(h.out.String(), tt.out) {
				t.Errorf("output %q, want it to start with %q", h.out, tt.out)
			}
			if h.closed != 1 {
				t.Errorf("closed the client %d times, want 1", h.closed)
			}
		})
	}
}

// TestScheduleCommandsRefuse checks the commands on one schedule: a
// schedule that does not exist is said so; bad flags dial nothing.
func TestScheduleCommandsRefuse(t *testing.T) {
	for _, cmd := range []string{"describe", "pause", "unpause", "trigger", "delete"} {
		tests := []struct {
			args   []string
			want   string
			dialed bool
		}{
			{[]string{"--id", "nope"}, "no schedule nope in namespace default", true},
			{nil, "--id is required", false},
			{[]string{"--id", "a\nb"}, `--id "a\nb": not a schedule ID`, false},
			{[]string{"--id", strings.Repeat("a", 256)}, "not a schedule ID", false},
			{[]string{"--id", "check-storage", "now"}, `unexpected arguments ["now"]`, false},
			{[]string{"--id", "check-storage", "--force"}, "flag provided but not defined: -force", false},
		}
		if cmd == "pause" || cmd == "unpause" {
			tests = append(tests, struct {
				args   []string
				want   string
				dialed bool
			}{[]string{"--id", "check-storage", "--note", strings.Repeat("n", 513)}, "--note: UTF-8 text of at most 512 bytes", false})
		}
		for _, tt := range tests {
			t.Run(cmd+" "+strings.Join(tt.args, " "), func(t *testing.T) {
				f := &fakeClient{schedules: &fakeSchedules{described: map[string]*client.ScheduleDescription{"check-storage": described(t, false, "")}}}
				h := newHarness(f)
				err := h.m.Run(context.Background(), append([]string{"schedule", cmd}, tt.args...))
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error %v, want one containing %q", err, tt.want)
				}
				if dialed := len(h.dialed) > 0; dialed != tt.dialed {
					t.Errorf("dialed %v, want %v", dialed, tt.dialed)
				}
				if len(f.schedules.calls) != 0 {
					t.Errorf("calls %q, want none", f.schedules.calls)
				}
			})
		}
	}
}

// TestScheduleCommands checks the command line of schedule itself.
func TestScheduleCommands(t *testing.T) {
	h := newHarness(&fakeClient{})
	if err := h.m.Run(context.Background(), []string{"schedule"}); err == nil || !strings.Contains(err.Error(), "usage: starter schedule <command>") {
		t.Errorf("schedule alone: %v, want the usage", err)
	}
	if err := h.m.Run(context.Background(), []string{"schedule", "update"}); err == nil || !strings.Contains(err.Error(), `unknown schedule command "update"`) {
		t.Errorf("schedule update: %v, want unknown command", err)
	}
	if err := h.m.Run(context.Background(), []string{"schedule", "help"}); err != nil || !strings.Contains(h.out.String(), "trigger") {
		t.Errorf("schedule help: %v, printed %q", err, h.out)
	}
	if len(h.dialed) != 0 {
		t.Errorf("dialed %d times, want none", len(h.dialed))
	}
}

// TestSpecText checks how the server's calendars read: as the cron line
// that made them.
func TestSpecText(t *testing.T) {
	all := func(lo, hi int) []client.ScheduleRange { return []client.ScheduleRange{{Start: lo, End: hi, Step: 1}} }
	one := func(v int) []client.ScheduleRange { return []client.ScheduleRange{{Start: v, End: v, Step: 1}} }
	tests := []struct {
		spec client.ScheduleSpec
		want string
	}{
		{client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: 90 * time.Minute}}}, "every 1h30m"},
		{client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: 24 * time.Hour}}}, "every 24h"},
		{client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: 90 * time.Second}}}, "every 1m30s"},
		// "30 2 * * 1-5"
		{client.ScheduleSpec{Calendars: []client.ScheduleCalendarSpec{{Second: one(0), Minute: one(30), Hour: one(2), DayOfMonth: all(1, 31), Month: all(1, 12), DayOfWeek: []client.ScheduleRange{{Start: 1, End: 5, Step: 1}}}}}, "cron 30 2 * * 1-5"},
		// "0,30 * 1 */3 0" in TZ
		{client.ScheduleSpec{TimeZoneName: "Europe/Paris", Calendars: []client.ScheduleCalendarSpec{{Second: one(0), Minute: []client.ScheduleRange{{Start: 0}, {Start: 30}}, Hour: all(0, 23), DayOfMonth: one(1), Month: []client.ScheduleRange{{Start: 1, End: 12, Step: 3}}, DayOfWeek: all(0, 7)}}}, "cron 0,30 * 1 */3 * Europe/Paris"},
		// seconds and a year need seven fields
		{client.ScheduleSpec{Calendars: []client.ScheduleCalendarSpec{{Second: []client.ScheduleRange{{Start: 0, End: 59, Step: 10}}, Minute: all(0, 59), Hour: all(0, 23), DayOfMonth: all(1, 31), Month: all(1, 12), DayOfWeek: all(0, 7), Year: one(2027)}}}, "cron */10 * * * * * 2027"},
		{client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: time.Hour}}, CronExpressions: nil, Calendars: []client.ScheduleCalendarSpec{{Second: one(0), Minute: one(0), Hour: one(3), DayOfMonth: all(1, 31), Month: all(1, 12), DayOfWeek: all(0, 6)}}}, "every 1h; cron 0 3 * * *"},
		{client.ScheduleSpec{}, "-"},
	}
	for _, tt := range tests {
		if got := specText(&tt.spec); got != tt.want {
			t.Errorf("specText(%+v) = %q, want %q", tt.spec, got, tt.want)
		}
	}
}
