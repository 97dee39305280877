package workflows

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// UndoStep is one recorded undo: an idempotent host activity and its input,
// kept as JSON so that a parent can run the undos of its children without
// knowing their types.
type UndoStep struct {
	Host     string          `json:"host"`
	Summary  string          `json:"summary"`
	Activity string          `json:"activity"`
	Input    json.RawMessage `json:"input"`
}

// undoLog collects a procedure's undos in the order their changes were made.
type undoLog struct {
	steps []UndoStep
}

// add records an undo. It is pushed before the change it undoes is made:
// every undo is idempotent, so running one for a change that never
// happened is harmless, while missing one for a change that did is not.
func (u *undoLog) add(host, summary, activity string, in any) {
	// json.Marshal is deterministic for these inputs (structs; it sorts
	// map keys); workflowcheck only sees its reflection caches.
	data, err := json.Marshal(in) //workflowcheck:ignore
	if err != nil {
		panic(fmt.Sprintf("undo input for %s is not JSON: %v", activity, err)) // a programming error
	}
	u.steps = append(u.steps, UndoStep{Host: host, Summary: summary, Activity: activity, Input: data})
}

func (u *undoLog) addAll(steps []UndoStep) { u.steps = append(u.steps, steps...) }

// run undoes everything in reverse on a disconnected context, so that a
// cancelled run still cleans up, and returns the cause as undoFailed does.
func (u *undoLog) run(ctx workflow.Context, cause error) error {
	ctx, cancel := workflow.NewDisconnectedContext(ctx)
	defer cancel()
	var errs []error
	for i := len(u.steps) - 1; i >= 0; i-- {
		st := u.steps[i]
		err := workflow.ExecuteActivity(onHost(ctx, st.Host, 5*time.Minute, "undo: "+st.Summary), st.Activity, st.Input).Get(ctx, nil)
		if err != nil {
			errs = append(errs, fmt.Errorf("undo %s on %s: %w", st.Summary, st.Host, err))
		}
	}
	return undoFailed(cause, errs)
}

// undoFailed returns the failure that caused an undo, unchanged when every
// undo worked, so callers can still branch on its type; when an undo failed
// too, an UndoFailed error names them all and wraps the cause: the first
// error is never lost.
func undoFailed(cause error, errs []error) error {
	if len(errs) == 0 {
		return cause
	}
	msg := fmt.Sprintf("undo incomplete, hosts need a person: %v", errors.Join(errs...))
	if cause != nil {
		msg = fmt.Sprintf("%v; and %s", cause, msg)
	}
	return temporal.NewNonRetryableApplicationError(msg, ErrUndoFailed, cause)
}

// runFailure is the error a composite run ends with once its undo is done:
// RunFailedAndUndone, unless the cause was a rejection (not a fault) or a
// step whose own undo failed (a host is left changed, which the run must
// not hide). details carry what the caller wants reported with it.
func runFailure(cause error, details ...any) error {
	kind := ErrRunFailed
	var appErr *temporal.ApplicationError
	if errors.As(cause, &appErr) && (appErr.Type() == activities.ErrRejected || appErr.Type() == ErrUndoFailed) {
		kind = appErr.Type()
	}
	return temporal.NewNonRetryableApplicationError(cause.Error(), kind, cause, details...)
}
