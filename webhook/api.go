package webhook

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/tetsuzuki/tetsuzuki/plan"
	"github.com/tetsuzuki/tetsuzuki/procedures"
	"github.com/tetsuzuki/tetsuzuki/runs"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// Temporal is the part of a Temporal client the webhook uses.
type Temporal interface {
	runs.Client
	NewWithStartWorkflowOperation(options client.StartWorkflowOptions, workflow any, args ...any) client.WithStartWorkflowOperation
	UpdateWithStartWorkflow(ctx context.Context, options client.UpdateWithStartWorkflowOptions) (client.WorkflowUpdateHandle, error)
	DescribeWorkflowExecution(ctx context.Context, workflowID, runID string) (*workflowservice.DescribeWorkflowExecutionResponse, error)
}

// RunAnswer is what POST /v1/runs answers: the run, its status, and as
// soon as the run has it, its plan and the approvals it will wait for,
// each with the link that decides it. Every delivery of a request gets
// the same answer.
type RunAnswer struct {
	WorkflowID string `json:"workflow_id"`
	RunID      string `json:"run_id,omitempty"`
	Status     string `json:"status"`
	WebUI      string `json:"web_ui"`
	// Self is this run's GET /v1/runs/{id}.
	Self      string         `json:"self"`
	Plan      *plan.Plan     `json:"plan,omitempty"`
	Approvals []ApprovalLink `json:"approvals,omitempty"`
	Error     string         `json:"error,omitempty"`
}

// ApprovalLink is an approval a run will wait for: POST {"step": Step,
// "approve": true} to Link, signed, once the run waits for it (GET the run:
// waiting). Auto ones the runbook lets through.
type ApprovalLink struct {
	Step string `json:"step"`
	Auto bool   `json:"auto,omitempty"`
	Link string `json:"link,omitempty"`
}

// RunView is what GET /v1/runs/{id} answers: the answer, what the run
// waits for now, what was decided, and the change record once it ended.
type RunView struct {
	RunAnswer
	Ticket    workflows.TicketRef     `json:"ticket"`
	Procedure string                  `json:"procedure"`
	Runbook   string                  `json:"runbook"`
	Execution string                  `json:"execution"`
	Waiting   []runs.Waiting          `json:"waiting,omitempty"`
	Decisions []workflows.Approval    `json:"decisions,omitempty"`
	Record    *workflows.ChangeRecord `json:"change_record,omitempty"`
	request   string
}

// ApprovalBody is the body of POST /v1/runs/{id}/approvals. Who decides
// is the secret that signed it (or its approver key), never the body.
type ApprovalBody struct {
	Step    string `json:"step"`
	Approve bool   `json:"approve"`
	Reason  string `json:"reason,omitempty"`
}

// WorkflowID is the ID of the run of a request: one per ticket and
// procedure (and another for a plan only).
func (r RunRequest) WorkflowID() string {
	id := fmt.Sprintf("ticket-%s-%s-%s", r.Ticket.System, r.Ticket.Key, r.Procedure)
	if r.Plan {
		id += "-plan"
	}
	return id
}

// digest identifies what a request asks for (not who filed it or where
// the ticket lives): a second request for the same ticket and procedure
// must ask for the same, or it is refused.
func (r RunRequest) digest() string {
	what := struct {
		Ticket    string          `json:"ticket"`
		Procedure string          `json:"procedure"`
		Runbook   string          `json:"runbook"`
		Args      Args            `json:"args"`
		Overrides json.RawMessage `json:"overrides,omitempty"`
		Plan      bool            `json:"plan"`
	}{r.Ticket.System + "/" + r.Ticket.Key, r.Procedure, r.Runbook, r.Args, compact(r.Overrides), r.Plan}
	data, _ := json.Marshal(what)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16])
}

func (s *Server) postRun(ctx context.Context, r *http.Request, in entered) (int, any, *Error) {
	req, err := DecodeRunRequest(in.body)
	if e, ok := err.(*Error); ok {
		return 0, nil, e
	} else if err != nil {
		return 0, nil, badField("", "%v", err)
	}
	return s.start(ctx, req, in.secret)
}

// start starts, or joins, the run of a request by Update-with-Start: the
// start is used only if no run of the ticket and procedure exists, and
// the Update, with an ID of the request's digest, waits for the plan.
func (s *Server) start(ctx context.Context, req RunRequest, sender *Secret) (int, any, *Error) {
	if e := sender.Allows(req.Procedure, req.Runbook); e != nil {
		return 0, nil, e
	}
	p, err := procedures.Find(req.Procedure)
	if err != nil {
		return 0, nil, badField("procedure", "%v", err)
	}
	input, err := req.input()
	if err != nil {
		return 0, nil, badField("args", "%v", err)
	}
	raw, err := json.Marshal(input)
	if err != nil {
		return 0, nil, badField("args", "%v", err)
	}
	id, digest := req.WorkflowID(), req.digest()
	ticket := workflows.TicketRef{System: req.Ticket.System, Key: req.Ticket.Key, URL: req.Ticket.URL}
	tin := workflows.TicketInput{
		Ticket: ticket, Procedure: p.Name, Workflow: p.Workflow, Input: raw, Runbook: req.Runbook,
		PlanOnly: req.Plan, StartedBy: sender.ID, RequestedBy: req.RequestedBy, Request: digest,
		Report: s.config.Load().system(req.Ticket.System) != nil,
	}
	op := s.Temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:        id,
		TaskQueue: workflows.OrchestratorQueue,
		// A ticket runs a procedure once: every delivery while it runs
		// joins it, and one after it ended is answered with how it ended.
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		TypedSearchAttributes:    temporal.NewSearchAttributes(workflows.TicketAttr.ValueSet(ticket.Attr()), workflows.RunbookAttr.ValueSet(req.Runbook)),
		StaticSummary:            fmt.Sprintf("%s of %s for %s, by %s", p.Name, req.Runbook, ticket.Attr(), sender.ID),
	}, workflows.TicketName, tin)
	uctx, cancel := context.WithTimeout(ctx, answerWithin)
	defer cancel()
	h, err := s.Temporal.UpdateWithStartWorkflow(uctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: op,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateID:     "delivery-" + digest,
			UpdateName:   workflows.TicketUpdate,
			Args:         []any{digest},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	var st workflows.TicketState
	if err == nil {
		err = h.Get(uctx, &st)
	}
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	var refused *temporal.ApplicationError
	switch {
	case err == nil && st.Record == nil && s.running(ctx, id, h.RunID()):
		return http.StatusOK, s.answer(id, h.RunID(), st), nil
	case err == nil || errors.As(err, &started):
		// The ticket's run has ended (a delivery then gets the Update's
		// first outcome, or the start is refused): say how it ended, if
		// this request is the one that started it.
		v, e := s.view(ctx, id)
		if e != nil {
			return 0, nil, e
		}
		if v.request != digest {
			return 0, nil, refuse(http.StatusConflict, CodeConflict, "", "%s's %s run is of another request (runbook %s, its own args and overrides): a ticket runs a procedure once", ticket.Attr(), p.Name, v.Runbook)
		}
		return http.StatusOK, v.RunAnswer, nil
	case errors.As(err, &refused):
		// The Update's validator: another request for this ticket's run.
		return 0, nil, refuse(http.StatusConflict, CodeConflict, "", "%s", refused.Message())
	case uctx.Err() != nil && ctx.Err() == nil:
		// Started, but no plan yet: answer with the status; GET has
		// the plan when it comes.
		if v, e := s.view(ctx, id); e == nil {
			return http.StatusAccepted, v.RunAnswer, nil
		}
	}
	s.log().Error("start", "workflow_id", id, "error", err)
	return 0, nil, refuse(http.StatusServiceUnavailable, CodeUpstream, "", "the run could not be started or joined: try again")
}

// running says whether a ticket's run still runs.
func (s *Server) running(ctx context.Context, id, runID string) bool {
	d, err := s.Temporal.DescribeWorkflowExecution(ctx, id, runID)
	return err != nil || d.GetWorkflowExecutionInfo().GetStatus() == enums.WORKFLOW_EXECUTION_STATUS_RUNNING
}

// answer is a run's answer from its state.
func (s *Server) answer(id, runID string, st workflows.TicketState) RunAnswer {
	a := RunAnswer{WorkflowID: id, RunID: runID, Status: st.Status, Plan: st.Plan, Error: st.Error,
		WebUI: runs.Link(s.UI, s.Namespace, id, runID), Self: s.link(id, "")}
	if st.Plan != nil {
		for _, ap := range st.Plan.Approvals {
			l := ApprovalLink{Step: ap.Step, Auto: ap.Auto}
			if !ap.Auto {
				l.Link = s.link(id, "/approvals")
			}
			a.Approvals = append(a.Approvals, l)
		}
	}
	return a
}

func (s *Server) link(id, tail string) string {
	return strings.TrimRight(s.Public, "/") + "/v1/runs/" + url.PathEscape(id) + tail
}

func (s *Server) getRun(ctx context.Context, r *http.Request, in entered) (int, any, *Error) {
	v, e := s.view(ctx, r.PathValue("id"))
	if e != nil {
		return 0, nil, e
	}
	// A secret reads the runs it could have started, no others.
	if e := in.secret.Allows(v.Procedure, v.Runbook); e != nil {
		return 0, nil, e
	}
	return http.StatusOK, v, nil
}

// view reads a ticket's run: its state, what it waits for, what was
// decided. Only Ticket workflows are shown: a secret reads the runs
// tickets started, not every workflow of the namespace.
func (s *Server) view(ctx context.Context, id string) (RunView, *Error) {
	notFound := refuse(http.StatusNotFound, CodeNotFound, "id", "no ticket run %q", id)
	if !strings.HasPrefix(id, "ticket-") || len(id) > 300 {
		return RunView{}, notFound
	}
	d, err := s.Temporal.DescribeWorkflowExecution(ctx, id, "")
	var nf *serviceerror.NotFound
	switch {
	case errors.As(err, &nf):
		return RunView{}, notFound
	case err != nil:
		return RunView{}, refuse(http.StatusServiceUnavailable, CodeUpstream, "", "reading run %s: try again", id)
	case d.GetWorkflowExecutionInfo().GetType().GetName() != workflows.TicketName:
		return RunView{}, notFound
	}
	info := d.GetWorkflowExecutionInfo()
	runID := info.GetExecution().GetRunId()
	var st workflows.TicketState
	v, err := s.Temporal.QueryWorkflow(ctx, id, runID, workflows.TicketQuery)
	if err == nil {
		err = v.Get(&st)
	}
	if err != nil {
		return RunView{}, refuse(http.StatusServiceUnavailable, CodeUpstream, "", "asking run %s its state: try again", id)
	}
	view := RunView{RunAnswer: s.answer(id, runID, st), Ticket: st.Ticket, Procedure: st.Procedure, Runbook: st.Runbook,
		Execution: strings.TrimPrefix(info.GetStatus().String(), "WORKFLOW_EXECUTION_STATUS_"), Record: st.Record, request: st.Request}
	ids, err := runs.Tree(ctx, s.Temporal, s.Namespace, id, info.GetStatus() == enums.WORKFLOW_EXECUTION_STATUS_RUNNING)
	if err == nil {
		view.Waiting, view.Decisions = runs.Approvals(ctx, s.Temporal, ids)
	}
	if view.Record != nil {
		rec := *view.Record
		rec.Approvals, rec.Link = view.Decisions, view.WebUI
		view.Record = &rec
	}
	return view, nil
}

func (s *Server) postApproval(ctx context.Context, r *http.Request, in entered) (int, any, *Error) {
	var body ApprovalBody
	if e := decodeStrict(in.body, &body); e != nil {
		return 0, nil, e
	}
	if body.Step == "" || len(body.Step) > 256 {
		return 0, nil, badField("step", "the step to decide is required (GET the run: waiting)")
	}
	if len(body.Reason) > 1024 {
		return 0, nil, badField("reason", "at most 1024 bytes")
	}
	id := r.PathValue("id")
	v, e := s.view(ctx, id)
	if e != nil {
		return 0, nil, e
	}
	if e := in.secret.Allows(v.Procedure, v.Runbook); e != nil {
		return 0, nil, e
	}
	for _, w := range v.Waiting {
		if w.Step != body.Step {
			continue
		}
		a, err := runs.Decide(ctx, s.Temporal, w, runs.Decision(in.secret.approver, w.WorkflowID, w.Step, in.secret.ID, body.Approve, body.Reason))
		var refused *temporal.ApplicationError
		if errors.As(err, &refused) {
			return 0, nil, refuse(http.StatusForbidden, CodeNotAllowed, "", "%s", refused.Message())
		}
		if err != nil {
			return 0, nil, refuse(http.StatusServiceUnavailable, CodeUpstream, "", "deciding %s: try again", w.Step)
		}
		return http.StatusOK, a, nil
	}
	var steps []string
	for _, w := range v.Waiting {
		steps = append(steps, w.Step)
	}
	return 0, nil, refuse(http.StatusConflict, CodeNotWaiting, "step", "run %s does not wait for %q (it waits for %v)", id, body.Step, steps)
}
