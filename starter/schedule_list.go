package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/names"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// scheduleList prints the namespace's schedules, one a line, with their
// last run's outcome: the schedule itself does not know it (the SDK drops
// it), so it is read from visibility.
func (m *Main) scheduleList(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("starter schedule list", flag.ContinueOnError)
	fs.SetOutput(m.Err)
	var conn connect.Options
	conn.Flags(fs)
	book := fs.String("runbook", "", "only the schedules of this runbook (its name)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var opts client.ScheduleListOptions
	if *book != "" {
		// Checked, so that the query says what it seems to.
		if err := names.Runbook(*book); err != nil {
			return fmt.Errorf("--runbook: %w", err)
		}
		opts.Query = runbookQuery(*book)
	}
	conn.Quiet = true
	c, closeClient, err := m.Dial(ctx, conn)
	if err != nil {
		return err
	}
	defer closeClient()

	it, err := c.ScheduleClient().List(ctx, opts)
	if err != nil {
		return fmt.Errorf("list schedules: %w", err)
	}
	var entries []*client.ScheduleListEntry
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return fmt.Errorf("list schedules: %w", err)
		}
		entries = append(entries, e)
	}
	if len(entries) == 0 {
		fmt.Fprintf(m.Out, "no schedules in namespace %s\n", conn.Namespace)
		return nil
	}
	slices.SortFunc(entries, func(a, b *client.ScheduleListEntry) int { return strings.Compare(a.ID, b.ID) })

	var last []string
	for _, e := range entries {
		if a, ok := lastAction(e.RecentActions); ok && a.StartWorkflowResult != nil {
			last = append(last, a.StartWorkflowResult.WorkflowID)
		}
	}
	runs, err := runStates(ctx, c, conn.Namespace, last)
	if err != nil {
		return err
	}

	tw := tabwriter.NewWriter(m.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPROCEDURE\tRUNBOOK\tSPEC\tPAUSED\tNEXT RUN\tLAST RUN")
	for _, e := range entries {
		paused, next := "no", "-"
		if e.Paused {
			paused = "yes"
		} else if len(e.NextActionTimes) > 0 {
			next = timeText(e.NextActionTimes[0])
		}
		lastRun := "-"
		if a, ok := lastAction(e.RecentActions); ok {
			lastRun = timeText(a.ActualTime) + " " + runText(a, runs, nil)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", plain(e.ID), procedureOf(e.WorkflowType.Name),
			orDash(plain(keyword(e.SearchAttributes, workflows.RunbookAttr.GetName()))), specText(e.Spec), paused, next, lastRun)
	}
	return tw.Flush()
}

// scheduleDescribe prints one schedule: what it runs, when, its policies
// and state, the runs it started lately and the times it will act next.
func (m *Main) scheduleDescribe(ctx context.Context, args []string) error {
	var ui *string
	s, err := m.openSchedule(ctx, "describe", args, func(fs *flag.FlagSet) func() error {
		ui = fs.String("ui", envOr("TEMPORAL_UI", "http://localhost:8233"), "the Web UI's address, for links ($TEMPORAL_UI)")
		return func() error { return nil }
	})
	if err != nil {
		return err
	}
	defer s.close()
	d, err := s.h.Describe(ctx)
	if err != nil {
		return scheduleError(err, "describe", s.id, s.conn.Namespace)
	}
	// The action's input is a payload as the workers see it: through the
	// codec, when it is on.
	dc, _, err := s.conn.Converters()
	if err != nil {
		return err
	}
	ids := []string{}
	for _, a := range d.Info.RecentActions {
		if a.StartWorkflowResult != nil {
			ids = append(ids, a.StartWorkflowResult.WorkflowID)
		}
	}
	runs, err := runStates(ctx, s.c, s.conn.Namespace, ids)
	if err != nil {
		return err
	}
	running := map[string]bool{}
	for _, w := range d.Info.RunningWorkflows {
		running[w.WorkflowID] = true
	}

	w := m.Out
	fmt.Fprintf(w, "schedule %s\n", plain(s.id))
	// The runbook the runs are found by: the action's search attribute,
	// else the schedule's.
	book, _ := d.TypedSearchAttributes.GetKeyword(workflows.RunbookAttr)
	if a, ok := d.Schedule.Action.(*client.ScheduleWorkflowAction); ok {
		typ, _ := a.Workflow.(string)
		fmt.Fprintf(w, "  procedure:  %s (workflow %s on task queue %s)\n", procedureOf(typ), plain(typ), plain(a.TaskQueue))
		if name, ok := a.TypedSearchAttributes.GetKeyword(workflows.RunbookAttr); ok {
			book = name
		}
		printInput(w, orDash(plain(book)), a.Args, dc)
	} else {
		fmt.Fprintf(w, "  runbook:    %s\n", orDash(plain(book)))
	}
	if d.Schedule.Spec != nil {
		fmt.Fprintf(w, "  spec:       %s\n", specText(d.Schedule.Spec))
	}
	if p := d.Schedule.Policy; p != nil {
		onFailure := "keep going on failure"
		if p.PauseOnFailure {
			onFailure = "pause on failure"
		}
		fmt.Fprintf(w, "  policy:     overlap %s, catch-up window %s, %s\n", p.Overlap, shortDuration(p.CatchupWindow), onFailure)
	}
	if st := d.Schedule.State; st != nil {
		state := "active"
		if st.Paused {
			state = "paused"
		}
		fmt.Fprintf(w, "  state:      %s\n", state)
		if st.Note != "" {
			fmt.Fprintf(w, "  note:       %q\n", st.Note)
		}
	}
	fmt.Fprintf(w, "  actions:    %d taken, %d skipped for overlap, %d missed the catch-up window\n",
		d.Info.NumActions, d.Info.NumActionsSkippedOverlap, d.Info.NumActionsMissedCatchupWindow)
	if len(d.Info.RecentActions) > 0 {
		fmt.Fprintln(w, "  recent runs:")
		for _, a := range slices.Backward(d.Info.RecentActions) {
			wid := "-"
			if a.StartWorkflowResult != nil {
				wid = plain(a.StartWorkflowResult.WorkflowID)
			}
			fmt.Fprintf(w, "    %s  %s  %s\n", timeText(a.ActualTime), wid, runText(a, runs, running))
		}
	}
	if next := d.Info.NextActionTimes; len(next) > 0 {
		if d.Schedule.State != nil && d.Schedule.State.Paused {
			fmt.Fprintln(w, "  next times (none is taken while paused):")
		} else {
			fmt.Fprintln(w, "  next times:")
		}
		for _, t := range next[:min(len(next), 5)] {
			fmt.Fprintf(w, "    %s\n", timeText(t))
		}
	}
	fmt.Fprintf(w, "  Web UI:     %s\n", scheduleLink(*ui, s.conn.Namespace, s.id))
	if names.Runbook(book) == nil {
		fmt.Fprintf(w, "  runs:       %s\n", runsLink(*ui, s.conn.Namespace, book))
	}
	return nil
}

// printInput says which runbook the schedule's runs get, and how: a name
// the catalog resolves at each run, or the file's text as it was when the
// schedule was made.
func printInput(w io.Writer, book string, args []any, dc converter.DataConverter) {
	var ref runbooks.Ref
	var err error
	switch p, ok := firstPayload(args); {
	case !ok:
		err = errors.New("no input")
	default:
		err = dc.FromPayload(p, &ref)
	}
	if err != nil {
		fmt.Fprintf(w, "  runbook:    %s (input not readable here: %v)\n", book, err)
		return
	}
	switch {
	case ref.YAML != "":
		fmt.Fprintf(w, "  runbook:    %s (file %s, as it was when the schedule was made)\n", book, orDash(plain(ref.Source)))
	default:
		fmt.Fprintf(w, "  runbook:    %s (the orchestrator's catalog, at each run)\n", book)
	}
	if len(ref.Overrides) > 0 {
		fmt.Fprintf(w, "  overrides:  %s\n", ref.Overrides)
	}
}

func firstPayload(args []any) (*commonpb.Payload, bool) {
	if len(args) != 1 {
		return nil, false
	}
	p, ok := args[0].(*commonpb.Payload)
	return p, ok
}

func lastAction(actions []client.ScheduleActionResult) (client.ScheduleActionResult, bool) {
	if len(actions) == 0 {
		return client.ScheduleActionResult{}, false
	}
	// The server lists them oldest first.
	return actions[len(actions)-1], true
}

// runText is how an action's run is doing, as far as visibility knows;
// a run it does not list yet is "started", or "Running" when the schedule
// itself says so.
func runText(a client.ScheduleActionResult, runs map[string]runState, running map[string]bool) string {
	if a.StartWorkflowResult == nil {
		return "-"
	}
	id := a.StartWorkflowResult.WorkflowID
	if st, ok := runs[id]; ok {
		return st.String()
	}
	if running[id] {
		return "Running"
	}
	return "started"
}

// runState is what visibility says of a run: its status, and for a check,
// what it found, from the search attributes the check sets.
type runState struct {
	status   enums.WorkflowExecutionStatus
	findings *int64
	worst    string
}

func (s runState) String() string {
	out := s.status.String()
	switch {
	case s.findings == nil:
	case *s.findings == 0:
		out += ", no findings"
	case s.worst != "":
		out += fmt.Sprintf(", %d findings, worst %s", *s.findings, plain(s.worst))
	default:
		out += fmt.Sprintf(", %d findings", *s.findings)
	}
	return out
}

// runStates looks runs up by workflow ID, a few dozen per query. An ID
// the query language cannot quote is left out, and shows as "started".
func runStates(ctx context.Context, c Client, namespace string, ids []string) (map[string]runState, error) {
	out := map[string]runState{}
	var quoted []string
	for _, id := range ids {
		if id != "" && !strings.ContainsAny(id, `"\`) && !strings.ContainsFunc(id, isControl) && !slices.Contains(quoted, `"`+id+`"`) {
			quoted = append(quoted, `"`+id+`"`)
		}
	}
	for batch := range slices.Chunk(quoted, 50) {
		var token []byte
		for {
			resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
				Namespace:     namespace,
				Query:         "WorkflowId IN (" + strings.Join(batch, ", ") + ")",
				NextPageToken: token,
			})
			if err != nil {
				return nil, fmt.Errorf("look up the schedules' runs: %w", err)
			}
			for _, e := range resp.Executions {
				// Running first, then the latest closed: the first run
				// listed of an ID is its current one.
				if id := e.GetExecution().GetWorkflowId(); out[id].status == enums.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED {
					out[id] = stateOf(e)
				}
			}
			if token = resp.NextPageToken; len(token) == 0 {
				break
			}
		}
	}
	return out, nil
}

func stateOf(e *workflow.WorkflowExecutionInfo) runState {
	s := runState{status: e.GetStatus()}
	sa := e.GetSearchAttributes()
	if p, ok := sa.GetIndexedFields()[workflows.FindingsAttr.GetName()]; ok {
		var n int64
		if converter.GetDefaultDataConverter().FromPayload(p, &n) == nil {
			s.findings = &n
		}
	}
	s.worst = keyword(sa, workflows.SeverityAttr.GetName())
	return s
}

// keyword reads a Keyword search attribute. Search attributes are never
// encrypted by the codec: the server indexes them.
func keyword(sa *commonpb.SearchAttributes, name string) string {
	p, ok := sa.GetIndexedFields()[name]
	if !ok {
		return ""
	}
	var v string
	if err := converter.GetDefaultDataConverter().FromPayload(p, &v); err != nil {
		// A Keyword list, as some servers store it.
		var vs []string
		if json.Unmarshal(p.GetData(), &vs) == nil && len(vs) > 0 {
			return vs[0]
		}
	}
	return v
}

// procedureOf is the name create takes for a workflow type; a schedule
// made elsewhere shows its workflow type.
func procedureOf(workflowType string) string {
	for _, p := range scheduled {
		if p.workflow == workflowType {
			return p.name
		}
	}
	return orDash(plain(workflowType))
}

// specText says when a schedule acts, in the words create takes: "every
// 5m", or a cron line rebuilt from the calendar the server keeps.
func specText(s *client.ScheduleSpec) string {
	if s == nil {
		return "-"
	}
	var parts []string
	for _, iv := range s.Intervals {
		t := "every " + shortDuration(iv.Every)
		if iv.Offset != 0 {
			t += " at +" + shortDuration(iv.Offset)
		}
		parts = append(parts, t)
	}
	for _, c := range s.Calendars {
		parts = append(parts, "cron "+cronText(c))
	}
	if len(parts) == 0 {
		return "-"
	}
	out := strings.Join(parts, "; ")
	if s.TimeZoneName != "" {
		out += " " + plain(s.TimeZoneName)
	}
	return out
}

// cronText is a calendar as five cron fields (minute hour day month
// weekday), or seven (second first, year last) when it needs them.
func cronText(c client.ScheduleCalendarSpec) string {
	fields := []string{
		rangesText(c.Minute, 0, 59), rangesText(c.Hour, 0, 23), rangesText(c.DayOfMonth, 1, 31),
		rangesText(c.Month, 1, 12), rangesText(c.DayOfWeek, 0, 6),
	}
	second := rangesText(c.Second, 0, 59)
	if second != "0" || len(c.Year) > 0 {
		year := "*"
		if len(c.Year) > 0 {
			year = rangesText(c.Year, 0, 0)
		}
		fields = append(append([]string{second}, fields...), year)
	}
	return strings.Join(fields, " ")
}

// rangesText is one cron field: "*" for the whole range, "*/5", "1-5",
// "0,30". The server keeps "*" of a weekday as 0-7.
func rangesText(rs []client.ScheduleRange, lo, hi int) string {
	if len(rs) == 0 {
		return "-"
	}
	var parts []string
	for _, r := range rs {
		end, step := max(r.End, r.Start), max(r.Step, 1)
		var t string
		switch {
		case hi > lo && r.Start == lo && end >= hi:
			t = "*"
		case end == r.Start:
			t = fmt.Sprint(r.Start)
		default:
			t = fmt.Sprintf("%d-%d", r.Start, end)
		}
		if step > 1 {
			t += fmt.Sprintf("/%d", step)
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, ",")
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// plain prints a name from the server as is when it is one word of
// printable characters, and quoted otherwise: a schedule made elsewhere
// may carry anything.
func plain(s string) string {
	if strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsGraphic(r) || unicode.IsSpace(r) }) {
		return fmt.Sprintf("%q", s)
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
