package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/names"
)

// UndoInput is a batch's undo log, as the run that keeps it hands it to an
// Undo child. It is never typed by a person: Undo refuses to run but as a
// child.
type UndoInput struct {
	decoding
	// Steps are the undos in the order their changes were made; they run
	// the last first.
	Steps []UndoStep `json:"steps"`
}

// maxUndoSteps bounds an Undo child's log: a batch of clientBatch clients
// records a few undos a client.
const maxUndoSteps = 256

func (in *UndoInput) UnmarshalJSON(b []byte) error {
	type plain UndoInput
	in.problem = firstOf(strict(b, (*plain)(in)), in.check())
	return nil
}

func (in UndoInput) check() error {
	if len(in.Steps) == 0 || len(in.Steps) > maxUndoSteps {
		return fmt.Errorf("steps: %d, want 1 to %d", len(in.Steps), maxUndoSteps)
	}
	for i, s := range in.Steps {
		if err := names.FQDN(s.Host); err != nil {
			return fmt.Errorf("steps[%d].host: %w", i, err)
		}
		if s.Activity == "" || len(s.Summary) > 512 {
			return fmt.Errorf("steps[%d]: an activity and a summary of at most 512 bytes are required", i)
		}
	}
	return nil
}

// Undo runs a batch's undo log, the last change first, as the batch's own
// run would have: every undo even when one fails, and a host whose agent is
// gone is reported pending. The run that keeps the log starts it when a
// later part of that run fails.
//
// It runs only as a child: each undo is signed as decided by "the run that
// made it", which a person starting Undo with steps of their choosing is
// not.
func Undo(ctx workflow.Context, in UndoInput) error {
	if err := refuseBadInput(ctx, in.decoding); err != nil {
		return err
	}
	if workflow.GetInfo(ctx).ParentWorkflowExecution == nil {
		return badRequest("Undo runs only as the child of the run whose changes it undoes")
	}
	var u undoLog
	u.pushAll(in.Steps)
	return u.run(ctx, nil)
}

// run has an Undo child run the batch's undo log.
func (b *batchLog) run(ctx workflow.Context) error {
	return child(ctx, b.id+"/undo", "undo: "+b.id, UndoName, UndoInput{Steps: b.steps}, nil)
}
