package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/names"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// The workflow types a schedule runs.
const (
	checkWorkflow  = workflows.CheckName
	repairWorkflow = workflows.RepairName
)

// scheduled are the procedures a schedule may run, by the name people
// type. Both take a workflows.RunbookInput. One with a refusal is known
// by name but not made.
var scheduled = []struct{ name, workflow, refusal string }{
	{"check", checkWorkflow, ""},
	{"repair", repairWorkflow, ""},
}

const scheduleUsage = `usage: starter schedule <command> [flags]

commands:
  create    a schedule that runs a check or a repair of a runbook (--id, --procedure, --runbook, --every or --cron)
  list      the schedules of the namespace, their last and next runs
  describe  one schedule: spec, state, recent runs, next times (--id)
  pause     take no more actions until unpaused (--id, --note)
  unpause   take actions again (--id, --note)
  trigger   take the action now, as the schedule's overlap policy allows (--id)
  delete    remove a schedule; the runs it started go on (--id)

run "starter schedule create -h" for its flags`

// Limits of what create takes. The schedule ID becomes part of every run's
// workflow ID (the server appends the action's time), and of Web UI links.
const (
	maxScheduleID = 64
	// maxNote bounds free text a person writes, as an approval's reason is.
	maxNote = 512
	maxCron = 128
	// minCatchup is the server's own floor: a shorter catch-up window is
	// silently taken as 10s, so it is refused here instead.
	minCatchup = 10 * time.Second
)

var scheduleIDRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// schedule manages the Temporal Schedules that run a check or a repair of
// a runbook on a clock. The server keeps the schedule and starts the runs;
// the starter only says what and when.
func (m *Main) schedule(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New(scheduleUsage)
	}
	switch args[0] {
	case "create":
		return m.scheduleCreate(ctx, args[1:])
	case "list":
		return m.scheduleList(ctx, args[1:])
	case "describe":
		return m.scheduleDescribe(ctx, args[1:])
	case "pause":
		return m.schedulePause(ctx, args[1:], true)
	case "unpause":
		return m.schedulePause(ctx, args[1:], false)
	case "trigger":
		return m.scheduleTrigger(ctx, args[1:])
	case "delete":
		return m.scheduleDelete(ctx, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(m.Out, scheduleUsage)
		return nil
	}
	return fmt.Errorf("unknown schedule command %q\n%s", args[0], scheduleUsage)
}

// scheduleRequest is what create's flags say, checked.
type scheduleRequest struct {
	id        string
	procedure string
	workflow  string
	ref       runbooks.Ref
	spec      client.ScheduleSpec
	specText  string
	catchup   time.Duration
	pause     bool
	note      string
}

func (m *Main) scheduleCreate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("starter schedule create", flag.ContinueOnError)
	fs.SetOutput(m.Err)
	var conn connect.Options
	conn.Flags(fs)
	id := fs.String("id", "", fmt.Sprintf("the schedule's ID: letters, digits, '.', '_' and '-', at most %d; its runs are ID-TIME", maxScheduleID))
	procName := fs.String("procedure", "", "what each run does: check or repair")
	book := fs.String("runbook", "", "a name in the orchestrator's catalog, or a runbook file: checked now and sent whole, so the schedule keeps this version")
	overrides := fs.String("overrides", "", `a JSON merge patch of the runbook for every run, e.g. '{"gfs2": {"journals": 6}}'`)
	every := fs.Duration("every", 0, "run at this interval, e.g. 5m (whole seconds)")
	cron := fs.String("cron", "", `run at the times of this cron expression, in UTC, e.g. "*/5 * * * *"`)
	// A check missed while the server was down is not worth taking late,
	// in a burst with the others missed: the next one comes within an
	// interval. A minute still covers a server restart.
	catchup := fs.Duration("catchup-window", time.Minute, "how late a run missed while the server was down may still start")
	// On by default: a run that fails (a check that could not look, a
	// repair that did not finish) will most likely fail again the same way,
	// and a person should look before the next repair touches the hosts.
	pause := fs.Bool("pause-on-failure", true, "pause the schedule when a run fails, until someone unpauses it (=false: keep going)")
	note := fs.String("note", "", "why the schedule exists, shown with it (pause and unpause replace it with theirs)")
	ui := fs.String("ui", envOr("TEMPORAL_UI", "http://localhost:8233"), "the Web UI's address, for links ($TEMPORAL_UI)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	// Everything is checked before the dial: a bad request creates
	// nothing, and says what is wrong without a server.
	r, err := checkSchedule(*id, *procName, *book, *overrides, *every, *cron, *catchup, *note)
	if err != nil {
		return err
	}
	r.pause = *pause

	conn.Quiet = true
	c, closeClient, err := m.Dial(ctx, conn)
	if err != nil {
		return err
	}
	defer closeClient()

	runbook := temporal.NewSearchAttributes(workflows.RunbookAttr.ValueSet(r.ref.Runbook))
	_, err = c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:   r.id,
		Spec: r.spec,
		Action: &client.ScheduleWorkflowAction{
			// The server appends each action's time: check-storage-2026-12-06T03:50:00Z.
			ID:        r.id,
			Workflow:  r.workflow,
			Args:      []any{workflows.RunbookInput{Ref: r.ref}},
			TaskQueue: workflows.OrchestratorQueue,
			// So that a schedule's runs are found by runbook, in the Web
			// UI and with temporal workflow list --query, whatever their IDs.
			TypedSearchAttributes: runbook,
			StaticSummary:         fmt.Sprintf("%s of %s, by schedule %s", r.procedure, r.ref.Runbook, r.id),
		},
		// Skip, never buffer or overlap: two checks or repairs of one
		// stack at once would race on the same hosts, and a run still
		// going is doing the next one's work. A run that outlasts the
		// interval (one waiting for an approval) holds the next ones off.
		Overlap:        enums.SCHEDULE_OVERLAP_POLICY_SKIP,
		CatchupWindow:  r.catchup,
		PauseOnFailure: r.pause,
		Note:           r.note,
		// The schedule carries the runbook too, for list and for
		// temporal schedule list --query.
		TypedSearchAttributes: runbook,
	})
	if errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return fmt.Errorf("schedule %s already exists in namespace %s: starter schedule describe --id %s (delete it to make it anew)", r.id, conn.Namespace, r.id)
	}
	if err != nil {
		return fmt.Errorf("create schedule %s: %w", r.id, err)
	}
	fmt.Fprintf(m.Out, "created schedule %s: %s of %s, %s\n  runs:    %s-TIME, with TetsuzukiRunbook=%q\n  Web UI:  %s\n",
		r.id, r.procedure, r.ref.Runbook, r.specText, r.id, r.ref.Runbook, scheduleLink(*ui, conn.Namespace, r.id))
	return nil
}

// checkSchedule turns create's flags into a request, or says which flag is
// wrong.
func checkSchedule(id, procName, book, overrides string, every time.Duration, cron string, catchup time.Duration, note string) (scheduleRequest, error) {
	r := scheduleRequest{id: id, catchup: catchup, note: note}
	if err := checkScheduleID(id); err != nil {
		return r, err
	}
	for _, p := range scheduled {
		if p.name == procName {
			if p.refusal != "" {
				return r, fmt.Errorf("--procedure %s: %s", procName, p.refusal)
			}
			r.procedure, r.workflow = p.name, p.workflow
		}
	}
	switch {
	case procName == "":
		return r, errors.New("--procedure is required: check or repair")
	case r.workflow == "":
		return r, fmt.Errorf("--procedure %q: a schedule runs check or repair", procName)
	}

	var err error
	if r.ref, err = runbookRef(book); err != nil {
		return r, err
	}
	// A name is left to the orchestrator's catalog, as run does; but a
	// name no catalog can have would fail every run, so it is refused now.
	if r.ref.YAML == "" {
		if err := names.Runbook(r.ref.Runbook); err != nil {
			return r, fmt.Errorf("--runbook: %w", err)
		}
	}
	if overrides != "" {
		if r.ref.Overrides, err = checkOverrides(r.ref, overrides); err != nil {
			return r, err
		}
	}
	if err := r.ref.Check(); err != nil {
		return r, fmt.Errorf("--runbook: %w", err)
	}

	switch {
	case every != 0 && cron != "":
		return r, errors.New("--every and --cron: give one of them")
	case every != 0:
		if every < time.Second || every%time.Second != 0 {
			return r, fmt.Errorf("--every %s: a whole number of seconds, at least 1s", every)
		}
		r.spec.Intervals = []client.ScheduleIntervalSpec{{Every: every}}
		r.specText = "every " + shortDuration(every)
	case cron != "":
		if len(cron) > maxCron || strings.ContainsFunc(cron, isControl) {
			return r, fmt.Errorf("--cron %q: one line of at most %d bytes", cron, maxCron)
		}
		// The server parses it, and refuses a bad one before anything is
		// created.
		r.spec.CronExpressions = []string{cron}
		r.specText = "cron " + cron
	default:
		return r, errors.New(`--every (e.g. 5m) or --cron (e.g. "*/5 * * * *") is required`)
	}

	if catchup < minCatchup {
		return r, fmt.Errorf("--catchup-window %s: at least %s, the server's least", catchup, minCatchup)
	}
	if err := checkNote(note); err != nil {
		return r, err
	}
	return r, nil
}

// checkScheduleID keeps an ID to what is safe in a workflow ID, a URL and
// a shell line, and short enough that the runs' IDs stay readable.
func checkScheduleID(id string) error {
	switch {
	case id == "":
		return errors.New("--id is required: the schedule's name, e.g. check-storage")
	case len(id) > maxScheduleID || !scheduleIDRE.MatchString(id):
		return fmt.Errorf("--id %q: letters, digits, '.', '_' and '-', starting with a letter or digit, at most %d", id, maxScheduleID)
	}
	return nil
}

// checkOverrides checks a patch as far as the starter can: a JSON object
// of bounded size, and, for a runbook file, that the patched runbook
// validates and widens no approval. A catalog name's runbook is only known
// to the orchestrator, which checks the rest at each run.
func checkOverrides(ref runbooks.Ref, overrides string) (json.RawMessage, error) {
	var patch map[string]any
	if err := json.Unmarshal([]byte(overrides), &patch); err != nil || patch == nil {
		return nil, fmt.Errorf("--overrides: a JSON object is required (a merge patch of the runbook)")
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(overrides)); err != nil {
		return nil, fmt.Errorf("--overrides: %w", err)
	}
	if compact.Len() > runbooks.MaxOverrides {
		return nil, fmt.Errorf("--overrides: %d bytes, at most %d", compact.Len(), runbooks.MaxOverrides)
	}
	if ref.YAML != "" {
		rb, err := runbooks.Parse(ref.Source, []byte(ref.YAML))
		if err != nil {
			return nil, err
		}
		if _, err := rb.Override(compact.Bytes()); err != nil {
			return nil, fmt.Errorf("--overrides: %w", err)
		}
	}
	return compact.Bytes(), nil
}

func checkNote(note string) error {
	if len(note) > maxNote || !utf8.ValidString(note) {
		return fmt.Errorf("--note: UTF-8 text of at most %d bytes", maxNote)
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// checkExistingID takes any ID that can be sent (a schedule made in the
// Web UI may have one create would refuse), but not an unbounded or
// multi-line one.
func checkExistingID(id string) error {
	switch {
	case id == "":
		return errors.New("--id is required: the schedule's ID (starter schedule list shows them)")
	case len(id) > 255 || strings.ContainsFunc(id, isControl) || !utf8.ValidString(id):
		return fmt.Errorf("--id %q: not a schedule ID", id)
	}
	return nil
}

// scheduleError says plainly that a schedule does not exist; other errors
// are the server's.
func scheduleError(err error, verb, id, namespace string) error {
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return fmt.Errorf("no schedule %s in namespace %s (starter schedule list shows them)", plain(id), namespace)
	}
	return fmt.Errorf("%s schedule %s: %w", verb, plain(id), err)
}

// scheduleLink is the schedule's page in the Web UI.
func scheduleLink(ui, namespace, id string) string {
	return fmt.Sprintf("%s/namespaces/%s/schedules/%s", strings.TrimRight(ui, "/"), url.PathEscape(namespace), url.PathEscape(id))
}

// runsLink is the Web UI's list of the runs of a runbook, found by the
// search attribute every scheduled run carries.
func runsLink(ui, namespace, runbook string) string {
	return fmt.Sprintf("%s/namespaces/%s/workflows?query=%s", strings.TrimRight(ui, "/"), url.PathEscape(namespace),
		url.QueryEscape(runbookQuery(runbook)))
}

func runbookQuery(runbook string) string {
	return fmt.Sprintf("%s=%q", workflows.RunbookAttr.GetName(), runbook)
}

// shortDuration prints 5m, 1h and 1h30m rather than 5m0s, 1h0m0s and
// 1h30m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
