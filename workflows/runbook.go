package workflows

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// loadRunbook refuses a start request that did not decode cleanly, then
// resolves the run's runbook as a local activity: it only reads
// the orchestrator's catalog, and its result is recorded for replay, so a
// replayed run never reads the catalog again.
func loadRunbook(ctx workflow.Context, ref runbooks.Ref, req decoding) (runbooks.Loaded, error) {
	if err := refuseBadInput(ctx, req); err != nil {
		return runbooks.Loaded{}, err
	}
	ctx = workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy:         commandRetry,
	})
	var out runbooks.Loaded
	err := workflow.ExecuteLocalActivity(ctx, activities.LoadRunbookName, ref).Get(ctx, &out)
	return out, err
}

// Loader is the orchestrator's runbook loader, which workflows run as a
// local activity.
type Loader struct {
	Catalog runbooks.Catalog
}

// LoadRunbook loads a runbook from the catalog; a runbook that does not
// load is a non-retryable InvalidRunbook error naming the file, line and
// field.
func (l *Loader) LoadRunbook(_ context.Context, ref runbooks.Ref) (runbooks.Loaded, error) {
	loaded, err := l.Catalog.Load(ref)
	if errors.Is(err, runbooks.ErrWidened) {
		return loaded, temporal.NewNonRetryableApplicationError(err.Error(), activities.ErrBadInput, nil)
	}
	if errors.Is(err, runbooks.ErrInvalid) {
		return loaded, temporal.NewNonRetryableApplicationError(err.Error(), activities.ErrInvalidRunbook, nil)
	}
	return loaded, err
}

// ActivityRegistry is the part of a Temporal worker that takes activities.
type ActivityRegistry interface {
	RegisterActivityWithOptions(a any, options activity.RegisterOptions)
}

// Register adds the loader under its protocol name.
func (l *Loader) Register(r ActivityRegistry) {
	r.RegisterActivityWithOptions(l.LoadRunbook, activity.RegisterOptions{Name: activities.LoadRunbookName})
}

func badRequest(format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), activities.ErrBadInput, nil)
}

// gated opens a procedure with destructive steps: its approval gate first,
// so that an approval sent as soon as the run starts is not lost, then its
// runbook.
func gated(ctx workflow.Context, ref runbooks.Ref, req decoding) (runbooks.Loaded, *gate, error) {
	g, err := newGate(ctx)
	if err != nil {
		return runbooks.Loaded{}, nil, err
	}
	loaded, err := loadRunbook(ctx, ref, req)
	if err == nil {
		g.ruled(ctx, loaded.Runbook.Approvals)
	}
	return loaded, g, err
}
