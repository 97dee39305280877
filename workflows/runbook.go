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
	return load(ctx, activities.LoadRunbookName, ref, req)
}

// loadOutline is loadRunbook for a run that hands its hosts out to
// children past some number of them (a build, a check): a runbook of more
// hosts than past comes as its outline (runbooks.Catalog.Outline), which
// the run's history records instead of every host's part.
func loadOutline(ctx workflow.Context, ref runbooks.Ref, past int, req decoding) (runbooks.Loaded, error) {
	out, err := load(ctx, activities.LoadOutlineName, OutlineInput{Ref: ref, Past: past}, req)
	if err == nil && out.Roster != nil {
		if err := out.Roster.Check(); err != nil {
			return out, temporal.NewNonRetryableApplicationError(err.Error(), activities.ErrInvalidRunbook, nil)
		}
	}
	return out, err
}

// loadOutlineSince is loadOutline for a run that takes the change, else
// loadRunbook, as the run did before it.
func loadOutlineSince(ctx workflow.Context, change string, ref runbooks.Ref, past int, req decoding) (runbooks.Loaded, error) {
	if since(ctx, change) {
		return loadOutline(ctx, ref, past, req)
	}
	return loadRunbook(ctx, ref, req)
}

// OutlineInput asks the loader for the outline of a runbook of more than
// Past hosts.
type OutlineInput struct {
	Ref  runbooks.Ref `json:"ref"`
	Past int          `json:"past"`
}

func load(ctx workflow.Context, loader string, in any, req decoding) (runbooks.Loaded, error) {
	if err := refuseBadInput(ctx, req); err != nil {
		return runbooks.Loaded{}, err
	}
	ctx = workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy:         commandRetry,
	})
	var out runbooks.Loaded
	err := workflow.ExecuteLocalActivity(ctx, loader, in).Get(ctx, &out)
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
	return loadError(l.Catalog.Load(ref))
}

// LoadOutline loads a runbook's outline from the catalog, with the errors
// of LoadRunbook.
func (l *Loader) LoadOutline(_ context.Context, in OutlineInput) (runbooks.Loaded, error) {
	return loadError(l.Catalog.Outline(in.Ref, in.Past))
}

// loadError types a load's error for the workflow: one that no retry can
// fix is non-retryable.
func loadError(loaded runbooks.Loaded, err error) (runbooks.Loaded, error) {
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
	r.RegisterActivityWithOptions(l.LoadOutline, activity.RegisterOptions{Name: activities.LoadOutlineName})
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
