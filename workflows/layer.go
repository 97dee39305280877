package workflows

import (
	"errors"
	"fmt"
	"slices"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// StorageLayerInput builds the data path of a runbook. In the Web UI:
//
//	{"runbook": "scalable-storage"}
type StorageLayerInput struct {
	activities.RunbookRef
}

// StorageLayerResult lists what the run approved and what it did that no
// undo reverses.
type StorageLayerResult struct {
	Runbook      string     `json:"runbook"`
	Done         []string   `json:"done"`
	Approvals    []Approval `json:"approvals,omitempty"`
	Irreversible []string   `json:"irreversible,omitempty"`
	// Undo is the layer's undo log, for a parent that must undo it when a
	// later step fails.
	Undo []UndoStep `json:"undo,omitempty"`
}

// StorageLayer runs parts #2 to #4 for a runbook, as child workflows in
// dependency order with everything independent at once: each DRBD pair
// goes from its disks through the pair to its exports on its own; once
// every export is up, each client imports and then multipaths on its own.
// The clusters must be formed (FormClusters) first: GNBD runs on cman.
//
// If any step fails, every finished step is undone, the last first.
func StorageLayer(ctx workflow.Context, in StorageLayerInput) (StorageLayerResult, error) {
	loaded, err := loadRunbook(ctx, in.RunbookRef)
	if err != nil {
		return StorageLayerResult{}, err
	}
	rb := loaded.Runbook
	if len(rb.DRBD) == 0 || rb.GNBD == nil {
		return StorageLayerResult{}, badRequest("runbook %q has no drbd and gnbd sections to build", rb.Name)
	}
	l := &layer{ref: loaded.Ref, id: workflow.GetInfo(ctx).WorkflowExecution.ID, res: StorageLayerResult{Runbook: rb.Name}}

	if err := l.pairs(ctx, rb, rb.DRBD); err != nil {
		return l.res, l.fail(ctx, err)
	}
	if err := l.clients(ctx, rb); err != nil {
		return l.res, l.fail(ctx, err)
	}
	l.res.Undo = l.undo.steps
	return l.res, nil
}

// layer is one StorageLayer run's bookkeeping; its coroutines share it,
// which is safe because workflow coroutines never run at the same time.
type layer struct {
	ref  activities.RunbookRef
	id   string
	res  StorageLayerResult
	undo undoLog
}

// pairs brings up DRBD pairs, each from its disks to its exports on its
// own, all at once.
func (l *layer) pairs(ctx workflow.Context, rb *runbooks.Runbook, resources []runbooks.DRBDResource) error {
	errs := make([]error, len(resources))
	wg := workflow.NewWaitGroup(ctx)
	for i, r := range resources {
		wg.Add(1)
		workflow.Go(ctx, func(ctx workflow.Context) {
			defer wg.Done()
			errs[i] = l.pair(ctx, rb, r)
		})
	}
	wg.Wait(ctx)
	return errors.Join(errs...)
}

// clients has every import client import every export and then, if it is a
// multipath client, build its maps; each client on its own, all at once.
func (l *layer) clients(ctx workflow.Context, rb *runbooks.Runbook) error {
	clients := rb.GNBD.Imports.Clients
	errs := make([]error, len(clients))
	wg := workflow.NewWaitGroup(ctx)
	for i, c := range clients {
		wg.Add(1)
		workflow.Go(ctx, func(ctx workflow.Context) {
			defer wg.Done()
			host := rb.FQDN(c)
			if errs[i] = l.child(ctx, GNBDImportName, "import-"+host, HostInput{RunbookRef: l.ref, Host: host}); errs[i] != nil {
				return
			}
			if rb.Multipath != nil && slices.Contains(rb.Multipath.Clients, c) {
				errs[i] = l.child(ctx, MultipathName, "multipath-"+host, HostInput{RunbookRef: l.ref, Host: host})
			}
		})
	}
	wg.Wait(ctx)
	return errors.Join(errs...)
}

func (l *layer) pair(ctx workflow.Context, rb *runbooks.Runbook, r runbooks.DRBDResource) error {
	errs := make([]error, len(r.Hosts))
	wg := workflow.NewWaitGroup(ctx)
	for i, h := range r.Hosts {
		wg.Add(1)
		workflow.Go(ctx, func(ctx workflow.Context) {
			defer wg.Done()
			host := rb.FQDN(h)
			errs[i] = l.child(ctx, PrepareDiskName, "disk-"+host, HostInput{RunbookRef: l.ref, Host: host})
		})
	}
	wg.Wait(ctx)
	if err := errors.Join(errs...); err != nil {
		return err
	}
	cluster := clusterOfHosts(rb, r)
	if err := l.child(ctx, DRBDPairName, "drbd-"+cluster+"-"+r.Name, DRBDPairInput{RunbookRef: l.ref, Cluster: cluster, Resource: r.Name}); err != nil {
		return err
	}
	for i, h := range r.Hosts {
		wg.Add(1)
		workflow.Go(ctx, func(ctx workflow.Context) {
			defer wg.Done()
			host := rb.FQDN(h)
			errs[i] = l.child(ctx, GNBDExportName, "export-"+host, HostInput{RunbookRef: l.ref, Host: host})
		})
	}
	wg.Wait(ctx)
	return errors.Join(errs...)
}

// child runs one procedure and keeps its undo and what it reports.
func (l *layer) child(ctx workflow.Context, kind, name string, in any) error {
	ctx = workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:    l.id + "/" + name,
		StaticSummary: kind + " " + name,
	})
	var res StepResult
	if err := workflow.ExecuteChildWorkflow(ctx, kind, in).Get(ctx, &res); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	l.undo.addAll(res.Undo)
	l.res.Done = append(l.res.Done, name)
	l.res.Approvals = append(l.res.Approvals, res.Approvals...)
	l.res.Irreversible = append(l.res.Irreversible, res.Irreversible...)
	return nil
}

// fail undoes every finished step, the last first, and returns the cause;
// a rejected approval keeps its type so callers can tell it from a fault.
// The error's details carry the result so far: what was approved, and
// what no undo reverses.
func (l *layer) fail(ctx workflow.Context, cause error) error {
	if err := l.undo.run(ctx, nil); err != nil {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("%v; and %v", cause, err), ErrUndoFailed, cause, l.res)
	}
	return runFailure(cause, l.res)
}
