package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/user"
	"slices"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/sign"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// approve decides the destructive steps a run waits for. The step waits
// in whichever workflow of the run does it (a child, usually), so the
// command looks through the run and its running descendants, asks each
// what it waits for, and sends the decision as an Update to the one that
// waits: the Update is validated by the workflow, and answered only once it
// is recorded.
func (m *Main) approve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("starter approve", flag.ContinueOnError)
	fs.SetOutput(m.Err)
	var conn connect.Options
	conn.Flags(fs)
	id := fs.String("workflow-id", "", "the run (or any workflow of it) that waits")
	step := fs.String("step", "", "the step to decide (default: every step waiting)")
	by := fs.String("by", defaultApprover(), "who decides, as the history will record it")
	reject := fs.Bool("reject", false, "reject instead of approving: the run stops and undoes what it did")
	reason := fs.String("reason", "", "why, for the history")
	keyFile := fs.String("key", "", "your approver key file (starter signkey --out FILE; the runbook lists FILE.pub): signs the decision, and the run records the runbook's name for the key instead of --by")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *id == "" || fs.NArg() > 0 {
		return errors.New("starter approve needs --workflow-id and nothing else")
	}
	var key *sign.Signer
	if *keyFile != "" {
		var err error
		if key, err = sign.LoadSigner(*keyFile); err != nil {
			return err
		}
	}
	conn.Quiet = true
	c, closeClient, err := m.Dial(ctx, conn)
	if err != nil {
		return err
	}
	defer closeClient()

	ids, err := runTree(ctx, c, conn.Namespace, *id)
	if err != nil {
		return err
	}
	decided := 0
	for _, wid := range ids {
		var state workflows.ApprovalsState
		v, err := c.QueryWorkflow(ctx, wid, "", workflows.ApprovalsQuery)
		if err != nil || v.Get(&state) != nil {
			continue // not a workflow with approvals, or already closed
		}
		for _, s := range state.Pending {
			if *step != "" && s != *step {
				continue
			}
			h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
				WorkflowID:   wid,
				UpdateName:   workflows.ApproveUpdate,
				Args:         []any{decision(key, wid, s, *by, !*reject, *reason)},
				WaitForStage: client.WorkflowUpdateStageCompleted,
			})
			if err != nil {
				return fmt.Errorf("decide %s in %s: %w", s, wid, err)
			}
			var a workflows.Approval
			if err := h.Get(ctx, &a); err != nil {
				return fmt.Errorf("decide %s in %s: %w", s, wid, err)
			}
			verb := "approved"
			if !a.Approved {
				verb = "rejected"
			}
			fmt.Fprintf(m.Out, "%s %s in %s (by %s)\n", verb, s, wid, a.By)
			decided++
		}
	}
	if decided == 0 {
		if *step != "" {
			return fmt.Errorf("no workflow of run %s waits for step %q", *id, *step)
		}
		return fmt.Errorf("no workflow of run %s waits for an approval", *id)
	}
	return nil
}

// decision is the request that decides step in the workflow wid: signed
// with key when there is one (the runbook then knows who decides by the
// key, and by is not sent), else in the name of by.
func decision(key *sign.Signer, wid, step, by string, approve bool, reason string) workflows.ApprovalRequest {
	if key == nil {
		return workflows.ApprovalRequest{Step: step, By: by, Approve: approve, Reason: reason}
	}
	return workflows.ApprovalRequest{Step: step, Approve: approve, Reason: reason,
		Key: hex.EncodeToString(key.Public()), Signature: hex.EncodeToString(key.SignDecision(wid, step, approve, reason))}
}

// runTree lists a run and its running descendants, the run first.
func runTree(ctx context.Context, c Client, namespace, id string) ([]string, error) {
	ids := []string{id}
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace:     namespace,
			Query:         fmt.Sprintf("RootWorkflowId = %q AND ExecutionStatus = 'Running'", id),
			NextPageToken: token,
		})
		if err != nil {
			return nil, fmt.Errorf("list the workflows of run %s: %w", id, err)
		}
		for _, e := range resp.Executions {
			if wid := e.GetExecution().GetWorkflowId(); !slices.Contains(ids, wid) && e.GetStatus() == enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
				ids = append(ids, wid)
			}
		}
		if token = resp.NextPageToken; len(token) == 0 {
			return ids, nil
		}
	}
}

func defaultApprover() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return os.Getenv("USER")
}
