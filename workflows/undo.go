package workflows

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"go.temporal.io/api/enums/v1"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/sign"
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

func newUndo(host, summary, activity string, in any) UndoStep {
	// json.Marshal is deterministic for these inputs (structs; it sorts
	// map keys); workflowcheck only sees its reflection caches.
	data, err := json.Marshal(in) //workflowcheck:ignore
	if err != nil {
		panic(fmt.Sprintf("undo input for %s is not JSON: %v", activity, err)) // a programming error
	}
	return UndoStep{Host: host, Summary: summary, Activity: activity, Input: data}
}

// step is the undo as a step to run: on its host, with the time an undo
// may take.
func (u UndoStep) step() Step {
	return Step{Host: u.Host, Summary: "undo: " + u.Summary, Activity: u.Activity, Input: u.Input, Timeout: Slow}
}

// undo is one entry of an undo log: a host step; or a node brought into a
// cluster, whose undo is several steps in a fixed safe order and can still
// grow (packages yum pulled in) after it was pushed; or a batch's whole
// undo log, run in a child of its own.
type undo struct {
	step  *UndoStep
	node  *NodeChange
	batch *batchLog
}

// batchLog is the undo log a batch child (a ClientBatch) returned, kept by
// the run that started it rather than passed on: a thousand clients' undo
// steps are megabytes, more than one payload may carry, and thousands of
// events in the history of the run that undoes them. So each batch's log is
// run by an Undo child of its own, as the batch's own run would have.
type batchLog struct {
	id    string // the batch's workflow ID; its undo runs as <id>/undo
	steps []UndoStep
}

// undoLog is a run's undos in the order their changes were made. Each
// undo is pushed before the change it undoes, so the log is right however
// far the run got.
type undoLog struct {
	entries []undo
}

func (u *undoLog) push(s UndoStep) { u.entries = append(u.entries, undo{step: &s}) }

// pushNode takes a pointer so that a procedure can still add to the
// record (packages a step pulled in) after pushing it.
func (u *undoLog) pushNode(c *NodeChange) { u.entries = append(u.entries, undo{node: c}) }

// pushAll adds the undos a child reported, in their order.
func (u *undoLog) pushAll(steps []UndoStep) {
	for _, s := range steps {
		u.push(s)
	}
}

// pushBatch adds the undo log of the batch child id, to be run by an Undo
// child.
func (u *undoLog) pushBatch(id string, steps []UndoStep) {
	if len(steps) > 0 {
		u.entries = append(u.entries, undo{batch: &batchLog{id: id, steps: steps}})
	}
}

// pushNodeBatch adds the node changes a batch child (a FormClusters of one
// cluster) reported, as one log run by an Undo child: each change's undos
// in their safe order, the last change first, as pushNodes would run them.
func (u *undoLog) pushNodeBatch(id string, changes []NodeChange) {
	var steps []UndoStep // run last first, so each change's undos reversed
	for _, c := range changes {
		undos := c.undos()
		slices.Reverse(undos)
		steps = append(steps, undos...)
	}
	u.pushBatch(id, steps)
}

// pushNodes adds the node changes a child reported, in their order.
func (u *undoLog) pushNodes(changes []NodeChange) {
	for i := range changes {
		u.pushNode(&changes[i])
	}
}

func (u *undoLog) append(o undoLog) { u.entries = append(u.entries, o.entries...) }

// steps returns the host-step undos, for a parent that runs them if a
// later procedure fails. A batch's log is not among them: it stays with
// the run that keeps it, which runs it if it fails itself.
func (u *undoLog) steps() []UndoStep {
	var out []UndoStep
	for _, e := range u.entries {
		if e.step != nil {
			out = append(out, *e.step)
		}
	}
	return out
}

// nodes returns the node changes, for a parent that undoes them.
func (u *undoLog) nodes() []NodeChange {
	var out []NodeChange
	for _, e := range u.entries {
		if e.node != nil {
			out = append(out, *e.node)
		}
	}
	return out
}

// run undoes everything in reverse on a disconnected context, so that a
// cancelled run still cleans up. It runs every undo even when one fails,
// but for a host whose agent did not take one: that host's other undos are
// reported pending at once, for a person, instead of each waiting out the
// pickup bound. It returns the cause as undoFailed does.
func (u *undoLog) run(ctx workflow.Context, cause error) error {
	if planning(ctx) != nil {
		return cause // a plan changed nothing to undo
	}
	ctx, cancel := workflow.NewDisconnectedContext(ctx)
	defer cancel()
	var errs []error
	var gone []string // hosts whose agent did not take an undo
	for i := len(u.entries) - 1; i >= 0; i-- {
		if b := u.entries[i].batch; b != nil {
			if err := b.run(ctx); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", b.id, err))
			}
			continue
		}
		for _, s := range u.entries[i].steps() {
			if slices.Contains(gone, s.Host) && since(ctx, undoSkipsGoneHosts) {
				errs = append(errs, fmt.Errorf("%s on %s: pending, its agent is gone", s.Summary, s.Host))
				continue
			}
			// An undo destroys only what this run made (the volume it
			// created, say): the run is its own approval, and says so.
			undoCtx := sign.WithDecision(ctx, sign.Decision{Step: "undo: " + s.Summary, By: "the run that made it", How: sign.ByUndo})
			err := s.exec(undoCtx).Get(undoCtx, nil)
			if err == nil {
				continue
			}
			errs = append(errs, fmt.Errorf("%s on %s: %w", s.Summary, s.Host, err))
			if notPickedUp(err) {
				gone = append(gone, s.Host)
			}
		}
	}
	return undoFailed(cause, errs)
}

// notPickedUp reports a step that no agent of its host took within the
// pickup bound: the host's agent is gone, and its other undos would each
// wait out the same bound.
func notPickedUp(err error) bool {
	var timeout *temporal.TimeoutError
	return errors.As(err, &timeout) && timeout.TimeoutType() == enums.TIMEOUT_TYPE_SCHEDULE_TO_START
}

func (e undo) steps() []Step {
	if e.step != nil {
		return []Step{e.step.step()}
	}
	return e.node.undoSteps()
}

// ErrUndoFailed is a run whose undo did not complete: some host is left
// changed, and the message says which.
const ErrUndoFailed = "UndoFailed"

// ErrRunFailed is a run that failed and was undone: the hosts are as it
// found them, and the message says what failed.
const ErrRunFailed = "RunFailedAndUndone"

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
