package workflows

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/names"
	"github.com/tetsuzuki/tetsuzuki/plan"
)

// A ticket's run: the webhook starts one Ticket workflow per ticket and
// procedure, by Update-with-Start, so that every delivery of the same
// request joins the one run. The Ticket plans the procedure in a child
// (changing nothing), then applies that plan in a second child held to it,
// and when the run ends hands its change record to the webhook's worker,
// which posts it back to the ticketing system.
const (
	TicketName = "Ticket"
	// TicketUpdate is the Update a delivery sends with the start: it is
	// answered once the run has its plan, or has ended, or has no plan to
	// make (a check).
	TicketUpdate = "ticket"
	// TicketQuery answers the same, now.
	TicketQuery = "ticket"
	// WebhookQueue is the webhook's own task queue: the change record is
	// delivered by the process that holds the callbacks' secrets.
	WebhookQueue = "tetsuzuki-webhook"
	// DeliverChangeRecordName is the activity that posts a change record.
	DeliverChangeRecordName = "DeliverChangeRecord"
)

// TicketAttr is the ticket a run is for, "system/key", as in
// TetsuzukiTicket = "jira/OPS-123": set on the Ticket workflow and its
// plan and apply children.
var TicketAttr = temporal.NewSearchAttributeKeyKeyword("TetsuzukiTicket")

// TicketRef names a ticket.
type TicketRef struct {
	System string `json:"system"`
	Key    string `json:"key"`
	URL    string `json:"url,omitempty"`
}

// Attr is the ticket as TicketAttr holds it.
func (t TicketRef) Attr() string { return t.System + "/" + t.Key }

// The statuses of a ticket's run.
const (
	TicketPlanning  = "planning"
	TicketPlanned   = "planned"
	TicketRunning   = "running"
	TicketCompleted = "completed"
	TicketFailed    = "failed"
)

// TicketInput is what the webhook starts a ticket's run with.
type TicketInput struct {
	decoding
	Ticket TicketRef `json:"ticket"`
	// Procedure is the name people type; Workflow its workflow type and
	// Input that workflow's input (without plan or apply_plan).
	Procedure string          `json:"procedure"`
	Workflow  string          `json:"workflow"`
	Input     json.RawMessage `json:"input"`
	Runbook   string          `json:"runbook"`
	// PlanOnly stops the run at its plan.
	PlanOnly bool `json:"plan_only,omitempty"`
	// StartedBy is the webhook secret's ID; RequestedBy what the ticket
	// said, for the record only.
	StartedBy   string `json:"started_by"`
	RequestedBy string `json:"requested_by,omitempty"`
	// Request is a digest of the request: a delivery for the same ticket
	// and procedure that asks for something else is refused, not joined.
	Request string `json:"request"`
	// Report says the ticketing system takes change records back.
	Report bool `json:"report,omitempty"`
}

func (in *TicketInput) UnmarshalJSON(b []byte) error {
	type plain TicketInput
	in.problem = strict(b, (*plain)(in))
	if in.problem == nil {
		in.problem = in.check()
	}
	return nil
}

func (in TicketInput) check() error {
	switch {
	case names.TicketSystem(in.Ticket.System) != nil:
		return fmt.Errorf("ticket.system: %v", names.TicketSystem(in.Ticket.System))
	case names.TicketKey(in.Ticket.Key) != nil:
		return fmt.Errorf("ticket.key: %v", names.TicketKey(in.Ticket.Key))
	case !slices.Contains(ticketable, in.Workflow):
		return fmt.Errorf("workflow: %q is not a procedure a ticket can run", in.Workflow)
	case !bytes.HasPrefix(bytes.TrimSpace(in.Input), []byte("{")):
		return errors.New("input: a JSON object is required")
	case in.Request == "":
		return errors.New("request: the request's digest is required")
	case in.PlanOnly && !plannedProcedure(in.Workflow):
		return fmt.Errorf("plan_only: %s has no plan", in.Workflow)
	}
	return nil
}

// ticketable are the workflows a ticket may run: every procedure.
var ticketable = []string{
	FormClustersName, CheckName, RepairName, ClusterBootstrapName, NodeJoinName, PrepareDiskName,
	DRBDPairName, GNBDExportName, GNBDImportName, MultipathName, StorageLayerName, CLVMName, GFS2Name,
	StorageBuildName, ShutdownName, StartupName, ExpandName, TeardownName,
}

func plannedProcedure(workflow string) bool { return workflow != CheckName }

// TicketState is what TicketUpdate and TicketQuery answer.
type TicketState struct {
	Ticket    TicketRef `json:"ticket"`
	Procedure string    `json:"procedure"`
	Runbook   string    `json:"runbook"`
	Status    string    `json:"status"`
	// Request is the digest of the request that started the run.
	Request string     `json:"request"`
	Plan    *plan.Plan `json:"plan,omitempty"`
	// PlanID and ApplyID are the children's workflow IDs.
	PlanID  string `json:"plan_id,omitempty"`
	ApplyID string `json:"apply_id,omitempty"`
	Error   string `json:"error,omitempty"`
	// Record is the change record, once the run has ended.
	Record *ChangeRecord `json:"record,omitempty"`
}

func (s TicketState) answered(planned bool) bool {
	return s.Plan != nil || s.Status == TicketCompleted || s.Status == TicketFailed || (!planned && s.Status == TicketRunning)
}

// ChangeRecord is what a ticket's run reports back to the ticket when it
// ends: what was asked, who started it, what ran where, what cannot be
// undone. The webhook adds who approved what and the Web UI link.
type ChangeRecord struct {
	Ticket      TicketRef `json:"ticket"`
	WorkflowID  string    `json:"workflow_id"`
	RunID       string    `json:"run_id"`
	Procedure   string    `json:"procedure"`
	Runbook     string    `json:"runbook"`
	Status      string    `json:"status"`
	Error       string    `json:"error,omitempty"`
	StartedBy   string    `json:"started_by"`
	RequestedBy string    `json:"requested_by,omitempty"`
	// Changed says the hosts were changed: false for a plan, a check,
	// and a run that stopped before its first change.
	Changed bool `json:"changed"`
	// Hosts summarise the commands per host: the plan's, which the run
	// was held to.
	Hosts []HostChanges `json:"hosts,omitempty"`
	// Irreversible are the steps that destroyed data: they cannot be
	// undone.
	Irreversible []plan.Destructive `json:"irreversible,omitempty"`
	Approvals    []Approval         `json:"approvals,omitempty"`
	Link         string             `json:"link,omitempty"`
	Finished     time.Time          `json:"finished"`
}

// HostChanges is one host's part of a change record.
type HostChanges struct {
	Host     string   `json:"host"`
	Commands int      `json:"commands"`
	Steps    []string `json:"steps"`
	Files    []string `json:"files,omitempty"`
}

// Ticket runs a ticket's procedure: its plan, then the plan applied.
func Ticket(ctx workflow.Context, in TicketInput) (ChangeRecord, error) {
	if in.problem != nil {
		return ChangeRecord{}, badRequest("%v", in.problem)
	}
	info := workflow.GetInfo(ctx)
	planned := plannedProcedure(in.Workflow)
	st := TicketState{Ticket: in.Ticket, Procedure: in.Procedure, Runbook: in.Runbook, Status: TicketRunning, Request: in.Request}
	if planned {
		st.Status = TicketPlanning
	}
	if err := workflow.SetQueryHandler(ctx, TicketQuery, func() (TicketState, error) { return st, nil }); err != nil {
		return ChangeRecord{}, err
	}
	err := workflow.SetUpdateHandlerWithOptions(ctx, TicketUpdate, func(ctx workflow.Context, request string) (TicketState, error) {
		err := workflow.Await(ctx, func() bool { return st.answered(planned) })
		return st, err
	}, workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, request string) error {
		if request != in.Request {
			return fmt.Errorf("%s's %s run is of another request (runbook %s, its own args and overrides): a ticket runs a procedure once", in.Ticket.Attr(), in.Procedure, in.Runbook)
		}
		return nil
	}})
	if err != nil {
		return ChangeRecord{}, err
	}

	attrs := temporal.NewSearchAttributes(TicketAttr.ValueSet(in.Ticket.Attr()), RunbookAttr.ValueSet(in.Runbook))
	runChild := func(suffix string, input json.RawMessage, out any) error {
		id := info.WorkflowExecution.ID + "-" + suffix
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            id,
			StaticSummary:         fmt.Sprintf("%s of %s for %s (%s)", in.Procedure, in.Runbook, in.Ticket.Attr(), suffix),
			TypedSearchAttributes: attrs,
		})
		return workflow.ExecuteChildWorkflow(cctx, in.Workflow, input).Get(cctx, out)
	}

	var runErr error
	switch {
	case !planned:
		var result json.RawMessage
		st.ApplyID = info.WorkflowExecution.ID + "-run"
		runErr = runChild("run", in.Input, &result)
	default:
		var p plan.Plan
		st.PlanID = info.WorkflowExecution.ID + "-plan"
		input, err := WithPlanning(in.Input, Planning{Plan: true})
		if err == nil {
			err = runChild("plan", input, &p)
		}
		if err != nil {
			runErr = err
			break
		}
		st.Plan, st.Status = &p, TicketPlanned
		if in.PlanOnly || p.Empty {
			break
		}
		apply := ApplyingOf(st.PlanID, p)
		if input, err = WithPlanning(in.Input, Planning{ApplyPlan: &apply}); err != nil {
			runErr = err
			break
		}
		st.ApplyID, st.Status = info.WorkflowExecution.ID+"-apply", TicketRunning
		runErr = runChild("apply", input, nil)
	}
	switch {
	case runErr != nil:
		st.Status, st.Error = TicketFailed, runErr.Error()
	case st.Status != TicketPlanned || !in.PlanOnly:
		st.Status = TicketCompleted
	}

	var appErr *temporal.ApplicationError
	stale := errors.As(runErr, &appErr) && appErr.Type() == ErrPlanStale
	record := changeRecord(ctx, in, st, stale)
	st.Record = &record
	if in.Report {
		actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
			TaskQueue: WebhookQueue,
			// The receiver may be down for a while: keep trying for a
			// week, at most every five minutes; a delivery itself is
			// one HTTP request.
			ScheduleToCloseTimeout: 7 * 24 * time.Hour,
			StartToCloseTimeout:    time.Minute,
			RetryPolicy: &temporal.RetryPolicy{
				InitialInterval:    time.Second,
				BackoffCoefficient: 2,
				MaximumInterval:    5 * time.Minute,
			},
		})
		if err := workflow.ExecuteActivity(actx, DeliverChangeRecordName, record).Get(actx, nil); err != nil {
			workflow.GetLogger(ctx).Error("change record not delivered", "error", err)
		}
	}
	// Deliveries waiting on the answer get it before the run closes.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return record, err
	}
	return record, runErr
}

// changeRecord is the record of a run that has ended.
func changeRecord(ctx workflow.Context, in TicketInput, st TicketState, stale bool) ChangeRecord {
	info := workflow.GetInfo(ctx)
	r := ChangeRecord{
		Ticket: in.Ticket, WorkflowID: info.WorkflowExecution.ID, RunID: info.WorkflowExecution.RunID,
		Procedure: in.Procedure, Runbook: in.Runbook, Status: st.Status, Error: st.Error,
		StartedBy: in.StartedBy, RequestedBy: in.RequestedBy, Finished: workflow.Now(ctx).UTC(),
	}
	if st.Plan == nil || st.ApplyID == "" {
		return r
	}
	// The apply child stops before its first change when a host changed
	// since the plan; any other end may have changed hosts (a failed run
	// ran a prefix of its plan and undid what its undo covers).
	r.Changed = !stale
	for _, h := range st.Plan.Hosts {
		if len(h.Commands) == 0 && len(h.Files) == 0 {
			continue
		}
		hc := HostChanges{Host: h.Host, Commands: len(h.Commands)}
		for _, c := range h.Commands {
			if !slices.Contains(hc.Steps, c.Step) {
				hc.Steps = append(hc.Steps, c.Step)
			}
		}
		for _, f := range h.Files {
			hc.Files = append(hc.Files, f.Path)
		}
		r.Hosts = append(r.Hosts, hc)
	}
	r.Irreversible = st.Plan.Destructive
	return r
}
