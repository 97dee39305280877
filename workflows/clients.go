package workflows

import (
	"fmt"
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// clientBatch is how many import clients one ClientBatch brings up. The
// data path runs two children a client (the import, then multipath), each
// a few events in its parent's history: a thousand clients in one history
// would be 14,000 events, where a Temporal history should keep to a few
// thousand. In batches, a thousand clients are 84 children of the data
// path, each with 24 of its own. A batch's result carries its clients'
// undo, about 4 KiB a client: twelve stay under 64 KiB.
const clientBatch = 12

// ClientBatchInput is a batch of a runbook's import clients, as
// StorageLayer hands them to a ClientBatch child. In the Web UI:
//
//	{"runbook": "scalable-storage", "hosts": ["client0.example.org"]}
type ClientBatchInput struct {
	runbooks.Ref
	decoding
	Planning
	// Hosts are the clients, by FQDN, each an import client of the runbook.
	Hosts []string `json:"hosts"`
}

// ClientBatch has each of its clients import every export and then, if it
// is a multipath client, build its maps: each client on its own, all at
// once, as StorageLayer does when it has few. If one fails, the batch
// undoes what the others did, the last first, and fails with the cause;
// else it returns its undo log for its parent.
func ClientBatch(ctx workflow.Context, in ClientBatchInput) (StorageLayerResult, error) {
	loaded, err := loadRunbook(ctx, in.Ref, in.decoding)
	if err != nil {
		return StorageLayerResult{}, err
	}
	rb := loaded.Runbook
	if len(in.Hosts) == 0 {
		return StorageLayerResult{}, badRequest("hosts: at least one import client is required")
	}
	importers := rb.Stack().Importers
	for i, h := range in.Hosts {
		if !slices.Contains(importers, h) {
			return StorageLayerResult{}, badRequest("hosts[%d]: %q is not an import client of runbook %q (gnbd.imports.clients, by FQDN)", i, h, rb.Name)
		}
	}
	l := newLayer(ctx, loaded)
	if err := l.clientsOf(ctx, in.Hosts); err != nil {
		return l.res, l.fail(ctx, err)
	}
	l.res.Undo = l.undo.steps()
	return l.res, nil
}

// clients has every import client import every export and then, if it is
// a multipath client, build its maps; each client on its own, all at once.
// Past clientBatch clients, in ClientBatch children of clientBatch each.
func (l *layer) clients(ctx workflow.Context) error {
	importers := l.loaded.Importers()
	if len(importers) <= clientBatch || !since(ctx, clientBatches) {
		return l.clientsOf(ctx, importers)
	}
	batches := (len(importers) + clientBatch - 1) / clientBatch
	l.keepBatches = keepsBatches(ctx, "/layer")
	window := 0
	if since(ctx, clientWindow) {
		window = batchWindow
	}
	failed := false
	return joined(eachAtMost(ctx, batches, window, func(ctx workflow.Context, k int) error {
		if failed {
			return nil // a batch failed, so the run is undone: start no more
		}
		hosts := importers[k*clientBatch : min((k+1)*clientBatch, len(importers))]
		err := l.child(ctx, ClientBatchName, fmt.Sprintf("clients-%d", k), ClientBatchInput{Ref: l.focus(ctx, hosts...), Hosts: hosts})
		failed = failed || err != nil
		return err
	}))
}

// batchWindow is how many ClientBatch children run at once: 96 clients.
// A thousand clients all at once took 21 minutes here, where 100 took 54
// seconds: a thousand runs contending for two cores, and on real hosts
// every client logging in to the same GNBD servers at once. A window keeps
// the work that is in flight, and each step's wait for its agent, that of
// a hundred clients.
const batchWindow = 8

// clientsOf brings up the clients hosts, each on its own, all at once.
func (l *layer) clientsOf(ctx workflow.Context, hosts []string) error {
	multipath := l.loaded.MultipathClients()
	return joined(each(ctx, len(hosts), func(ctx workflow.Context, i int) error {
		host := hosts[i]
		if err := l.child(ctx, GNBDImportName, "import-"+host, HostInput{Ref: l.focus(ctx, host), Host: host}); err != nil {
			return err
		}
		if slices.Contains(multipath, host) {
			return l.child(ctx, MultipathName, "multipath-"+host, HostInput{Ref: l.focus(ctx, host), Host: host})
		}
		return nil
	}))
}

// keepsBatches reports whether a run keeps its batch children's undo logs
// (ClientBatch, or FormClusters of one cluster), to run each in an Undo
// child, rather than pass every host's undo on in its result. Every run
// does, but a child whose parent undoes it from its result: the data path
// ("/layer") or the clusters ("/clusters") of a build that started before
// builds ran them itself at this size, and the new clusters of an
// expansion.
func keepsBatches(ctx workflow.Context, asChild string) bool {
	info := workflow.GetInfo(ctx)
	if p := info.ParentWorkflowExecution; p != nil && info.WorkflowExecution.ID == p.ID+asChild {
		return false
	}
	return since(ctx, batchUndo)
}

// focus is the reference for a child about hosts alone: the run's own,
// focused on hosts when the data path is batched and the run takes
// focusedRunbooks, so that the child records their part of the runbook
// only. A batched data path has more than clientBatch import clients, or
// a focus of its own (a ClientBatch handed its clients): the blog-sized
// data path never asks, so its histories are unchanged.
func (l *layer) focus(ctx workflow.Context, hosts ...string) runbooks.Ref {
	ref := l.loaded.Ref
	batched := len(ref.Focus) > 0 || len(l.loaded.Importers()) > clientBatch
	if batched && since(ctx, focusedRunbooks) {
		ref.Focus = hosts
	}
	return ref
}
