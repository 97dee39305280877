// Package runs reads and decides what a run waits for, through a Temporal
// client: the workflows of a run (a procedure and its children), the
// approvals each waits for, and the decisions made. The starter's approve
// command and the webhook's approvals endpoint both use it.
package runs

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/tetsuzuki/tetsuzuki/sign"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// Client is the part of a Temporal client this package uses.
type Client interface {
	ListWorkflow(ctx context.Context, request *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error)
	QueryWorkflow(ctx context.Context, workflowID, runID, queryType string, args ...any) (converter.EncodedValue, error)
	UpdateWorkflow(ctx context.Context, options client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error)
}

// Tree lists a run and its descendants, the run first: the running ones,
// or all of them.
func Tree(ctx context.Context, c Client, namespace, id string, running bool) ([]string, error) {
	ids := []string{id}
	query := fmt.Sprintf("RootWorkflowId = %q", id)
	if running {
		query += " AND ExecutionStatus = 'Running'"
	}
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: namespace, Query: query, NextPageToken: token,
		})
		if err != nil {
			return nil, fmt.Errorf("list the workflows of run %s: %w", id, err)
		}
		for _, e := range resp.Executions {
			wid := e.GetExecution().GetWorkflowId()
			if slices.Contains(ids, wid) || (running && e.GetStatus() != enums.WORKFLOW_EXECUTION_STATUS_RUNNING) {
				continue
			}
			ids = append(ids, wid)
		}
		if token = resp.NextPageToken; len(token) == 0 {
			return ids, nil
		}
	}
}

// Waiting is a step a workflow of a run waits to have decided.
type Waiting struct {
	WorkflowID string `json:"workflow_id"`
	Step       string `json:"step"`
}

// Approvals asks each workflow of ids what it waits for and what was
// decided. A workflow without approvals, or one that cannot answer, is
// skipped.
func Approvals(ctx context.Context, c Client, ids []string) (waiting []Waiting, decided []workflows.Approval) {
	for _, wid := range ids {
		var state workflows.ApprovalsState
		v, err := c.QueryWorkflow(ctx, wid, "", workflows.ApprovalsQuery)
		if err != nil || v.Get(&state) != nil {
			continue
		}
		for _, s := range state.Pending {
			waiting = append(waiting, Waiting{WorkflowID: wid, Step: s})
		}
		decided = append(decided, state.Decisions...)
	}
	return waiting, decided
}

// Decide sends a decision on a waiting step as an Update, which the
// workflow validates and answers once it is recorded.
func Decide(ctx context.Context, c Client, w Waiting, req workflows.ApprovalRequest) (workflows.Approval, error) {
	var a workflows.Approval
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   w.WorkflowID,
		UpdateName:   workflows.ApproveUpdate,
		Args:         []any{req},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, &a)
	}
	if err != nil {
		return a, fmt.Errorf("decide %s in %s: %w", w.Step, w.WorkflowID, err)
	}
	return a, nil
}

// Decision is the request that decides step in the workflow wid: signed
// with key when there is one (the runbook then knows who decides by the
// key, and by is not sent), else in the name of by.
func Decision(key *sign.Signer, wid, step, by string, approve bool, reason string) workflows.ApprovalRequest {
	if key == nil {
		return workflows.ApprovalRequest{Step: step, By: by, Approve: approve, Reason: reason}
	}
	return workflows.ApprovalRequest{Step: step, Approve: approve, Reason: reason,
		Key: hex.EncodeToString(key.Public()), Signature: hex.EncodeToString(key.SignDecision(wid, step, approve, reason))}
}

// Link is a run's page in the Web UI at ui.
func Link(ui, namespace, id, runID string) string {
	return fmt.Sprintf("%s/namespaces/%s/workflows/%s/%s/history", strings.TrimRight(ui, "/"),
		url.PathEscape(namespace), url.PathEscape(id), url.PathEscape(runID))
}
