package workflows

import (
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// StorageLayerInput builds the data path of a runbook. In the Web UI:
//
//	{"runbook": "scalable-storage"}
type StorageLayerInput struct {
	runbooks.Ref
	decoding
	Planning
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
	loaded, err := loadRunbook(ctx, in.Ref, in.decoding)
	if err != nil {
		return StorageLayerResult{}, err
	}
	rb := loaded.Runbook
	if len(rb.DRBD) == 0 || rb.GNBD == nil {
		return StorageLayerResult{}, badRequest("runbook %q has no drbd and gnbd sections to build", rb.Name)
	}
	l := newLayer(ctx, loaded)
	if err := l.pairs(ctx, rb.DRBD); err != nil {
		return l.res, l.fail(ctx, err)
	}
	if err := l.clients(ctx); err != nil {
		return l.res, l.fail(ctx, err)
	}
	l.res.Undo = l.undo.steps()
	return l.res, nil
}

// layer is the bookkeeping of a run whose children build the data path;
// its coroutines share it, which is safe because workflow coroutines never
// run at the same time.
type layer struct {
	loaded runbooks.Loaded
	id     string
	res    StorageLayerResult
	undo   undoLog
	// keepBatches: the ClientBatch children's undo logs stay here, each
	// an entry run by an Undo child, instead of their steps (version batch-undo).
	keepBatches bool
}

func newLayer(ctx workflow.Context, loaded runbooks.Loaded) *layer {
	return &layer{loaded: loaded, id: workflow.GetInfo(ctx).WorkflowExecution.ID, res: StorageLayerResult{Runbook: loaded.Runbook.Name}}
}

// pairs brings up DRBD pairs, each from its disks to its exports on its
// own, all at once.
func (l *layer) pairs(ctx workflow.Context, resources []runbooks.DRBDResource) error {
	return joined(each(ctx, len(resources), func(ctx workflow.Context, i int) error {
		return l.pair(ctx, resources[i])
	}))
}

func (l *layer) pair(ctx workflow.Context, r runbooks.DRBDResource) error {
	rb := l.loaded.Runbook
	hosts := rb.FQDNs(r.Hosts)
	err := joined(each(ctx, len(hosts), func(ctx workflow.Context, i int) error {
		return l.child(ctx, PrepareDiskName, "disk-"+hosts[i], HostInput{Ref: l.serverRef(hosts[i]), Host: hosts[i]})
	}))
	if err != nil {
		return err
	}
	cluster := rb.ClusterOfPair(r)
	if err := l.child(ctx, DRBDPairName, "drbd-"+cluster+"-"+r.Name, DRBDPairInput{Ref: l.serverRef(hosts...), Cluster: cluster, Resource: r.Name}); err != nil {
		return err
	}
	return joined(each(ctx, len(hosts), func(ctx workflow.Context, i int) error {
		return l.child(ctx, GNBDExportName, "export-"+hosts[i], HostInput{Ref: l.serverRef(hosts[i]), Host: hosts[i]})
	}))
}

// serverRef is the reference for a pair's child about its servers: in a
// build that loaded an outline, focused on them, which leaves the servers
// and their clusters and drops every client, so that the child records
// the servers' part of the runbook only. Else the run's own.
func (l *layer) serverRef(servers ...string) runbooks.Ref {
	ref := l.loaded.Ref
	if l.loaded.Roster != nil {
		ref.Focus = servers
	}
	return ref
}

// child runs one procedure and keeps its undo and what it reports.
func (l *layer) child(ctx workflow.Context, kind, name string, in any) error {
	var res StepResult
	if err := child(ctx, l.id+"/"+name, kind+" "+name, kind, in, &res); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if kind == ClientBatchName && l.keepBatches {
		l.undo.pushBatch(l.id+"/"+name, res.Undo)
	} else {
		l.undo.pushAll(res.Undo)
	}
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
