package workflows

import (
	"cmp"
	"encoding/hex"
	"fmt"
	"slices"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/names"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/sign"
)

// Approval names are protocol: the starter and the Web UI send them.
const (
	// ApproveUpdate is the Update that approves or rejects a pending
	// destructive step; ApproveSignal is the same as a Signal, which the
	// Web UI can send.
	ApproveUpdate = "approve"
	ApproveSignal = "approve"
	// ApprovalsQuery returns the steps waiting and the decisions made.
	ApprovalsQuery = "approvals"
	// AwaitingMemo is the memo field a waiting run sets, so that followers
	// of its history see what it waits for.
	AwaitingMemo = "awaiting_approval"
)

// ApprovalRequest decides a pending destructive step. In the Web UI, send
// the Signal "approve" to the waiting workflow with:
//
//	{"step": "drbd-overwrite:storage0/r0", "by": "alice", "approve": true}
//
// That is an unsigned decision, which only a runbook with
// approvals.unsigned takes. A signed one (`starter approve --key FILE`)
// carries the approver's public key and signature instead of a name: the
// run records the name the runbook gives that key.
type ApprovalRequest struct {
	decoding
	Step    string `json:"step"`
	By      string `json:"by,omitempty"`
	Approve bool   `json:"approve"`
	Reason  string `json:"reason,omitempty"`
	// Key is the hex of the approver's Ed25519 public key, Signature the
	// hex of its signature of the decision (sign.SignDecision).
	Key       string `json:"key,omitempty"`
	Signature string `json:"signature,omitempty"`
}

// Approval is a decision as the run records it.
type Approval struct {
	Step     string `json:"step"`
	By       string `json:"by"`
	Approved bool   `json:"approved"`
	Reason   string `json:"reason,omitempty"`
	// Auto is a step the runbook let through without a person.
	Auto bool `json:"auto,omitempty"`
	// How is how By is known: sign.ByKey (By is the runbook's name for
	// the key that signed), sign.Unsigned (By is what the decision said)
	// or sign.ByRunbook. Empty in runs from before keys.
	How string `json:"how,omitempty"`
	// Key is the ID of the key that signed the decision.
	Key string `json:"key,omitempty"`
}

// decision is the approval as the orchestrator signs it into the step's
// task for the agent.
func (a Approval) decision() sign.Decision {
	how := cmp.Or(a.How, sign.Unsigned)
	if a.Auto {
		how = sign.ByRunbook
	}
	return sign.Decision{Step: a.Step, By: a.By, How: how}
}

// ApprovalsState is what the approvals query answers.
type ApprovalsState struct {
	Pending   []string   `json:"pending"`
	Decisions []Approval `json:"decisions"`
}

// gate holds a run's approvals: which destructive steps wait, and who
// decided each. Decisions arrive by Update (validated, answered) or by
// Signal (for the Web UI; an invalid one is logged and dropped).
type gate struct {
	state ApprovalsState
	// workflowID is what a signed decision names.
	workflowID string
	// rules are the runbook's approvals, once it is loaded; keyed says
	// the run takes them (runs from before approver keys took any
	// decision with a name).
	rules runbooks.Approvals
	keyed bool
}

func newGate(ctx workflow.Context) (*gate, error) {
	g := &gate{workflowID: workflow.GetInfo(ctx).WorkflowExecution.ID}
	if planning(ctx) != nil {
		return g, nil // a plan waits for no one
	}
	if err := workflow.SetQueryHandler(ctx, ApprovalsQuery, func() (ApprovalsState, error) { return g.state, nil }); err != nil {
		return nil, err
	}
	err := workflow.SetUpdateHandlerWithOptions(ctx, ApproveUpdate, func(ctx workflow.Context, req ApprovalRequest) (Approval, error) {
		return g.decide(req), nil
	}, workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, req ApprovalRequest) error { return g.validate(req) }})
	if err != nil {
		return nil, err
	}
	signals := workflow.GetSignalChannel(ctx, ApproveSignal)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var req ApprovalRequest
			signals.Receive(ctx, &req)
			if req.problem != nil && !since(ctx, strictInputs) {
				req.problem = nil // a run from before approvals were checked strictly
			}
			if err := g.validate(req); err != nil {
				workflow.GetLogger(ctx).Warn("approval signal refused", "error", err)
				continue
			}
			g.decide(req)
		}
	})
	return g, nil
}

func (g *gate) validate(req ApprovalRequest) error {
	if req.problem != nil {
		return req.problem
	}
	if !slices.Contains(g.state.Pending, req.Step) {
		return fmt.Errorf("no step %q is waiting for approval (waiting: %v)", req.Step, g.state.Pending)
	}
	if req.Key != "" || req.Signature != "" {
		_, _, err := g.approver(req)
		return err
	}
	if err := names.Approver(req.By); err != nil {
		return fmt.Errorf("by %q: %v", req.By, err)
	}
	if g.keyed && !g.rules.Unsigned {
		return fmt.Errorf("an unsigned decision: this runbook takes decisions only signed by the key of one of its approvals.approvers (starter approve --key FILE)")
	}
	return nil
}

// approver is the runbook's approver who signed req, and the ID of the
// key, if the signature is good: of this workflow, step, answer and reason.
func (g *gate) approver(req ApprovalRequest) (ap runbooks.Approver, keyID string, err error) {
	pub, err := hex.DecodeString(req.Key)
	if err != nil {
		return ap, "", fmt.Errorf("key: not hex")
	}
	keyID = sign.KeyID(pub)
	ap, ok := g.rules.ApproverOf(pub)
	if !ok {
		return ap, keyID, fmt.Errorf("key %s: not the key of any of the runbook's approvals.approvers", keyID)
	}
	sig, err := hex.DecodeString(req.Signature)
	if err != nil || !sign.VerifyDecision(pub, sig, g.workflowID, req.Step, req.Approve, req.Reason) {
		return ap, keyID, fmt.Errorf("signature: not %s's signature of this decision on %s in %s", ap.Name, req.Step, g.workflowID)
	}
	return ap, keyID, nil
}

func (g *gate) decide(req ApprovalRequest) Approval {
	a := Approval{Step: req.Step, By: req.By, Approved: req.Approve, Reason: req.Reason}
	if g.keyed {
		a.How = sign.Unsigned
	}
	if ap, id, err := g.approver(req); req.Key != "" && err == nil {
		a.By, a.How, a.Key = ap.Name, sign.ByKey, id
	}
	g.state.Decisions = append(g.state.Decisions, a)
	g.state.Pending = slices.DeleteFunc(g.state.Pending, func(s string) bool { return s == req.Step })
	return a
}

// wait blocks until a person decides step, unless auto lets it through,
// and returns the decision; a rejection is a non-retryable Rejected error.
func (g *gate) wait(ctx workflow.Context, step string, auto bool) (Approval, error) {
	if w := planning(ctx); w != nil {
		w.Waits(step, auto)
		return Approval{Step: step, By: "the plan", Approved: true, Auto: auto}, nil
	}
	if auto {
		a := Approval{Step: step, By: "runbook", Approved: true, Auto: true}
		if g.keyed {
			a.How = sign.ByRunbook
		}
		g.state.Decisions = append(g.state.Decisions, a)
		return a, nil
	}
	g.state.Pending = append(g.state.Pending, step)
	_ = workflow.UpsertMemo(ctx, map[string]any{AwaitingMemo: step})
	workflow.GetLogger(ctx).Info("waiting for approval", "step", step)
	var decision Approval
	err := workflow.Await(ctx, func() bool {
		i := slices.IndexFunc(g.state.Decisions, func(a Approval) bool { return a.Step == step })
		if i >= 0 {
			decision = g.state.Decisions[i]
		}
		return i >= 0
	})
	_ = workflow.UpsertMemo(ctx, map[string]any{AwaitingMemo: ""})
	if err != nil {
		return decision, err
	}
	if !decision.Approved {
		return decision, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%s rejected by %s: %s", step, decision.By, decision.Reason), activities.ErrRejected, nil)
	}
	return decision, nil
}

// ruled gives the gate the loaded runbook's approvals. From
// signedApprovals on, they decide who may approve; before, anyone named.
func (g *gate) ruled(ctx workflow.Context, rules runbooks.Approvals) {
	g.rules = rules
	g.keyed = since(ctx, signedApprovals)
}
