package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// StorageBuildResult is the whole build: what each part did, what was
// approved, what no undo reverses, and the check of part #5.
type StorageBuildResult struct {
	Runbook      string          `json:"runbook"`
	Clusters     []ClusterResult `json:"clusters"`
	Done         []string        `json:"done"`
	Approvals    []Approval      `json:"approvals,omitempty"`
	Irreversible []string        `json:"irreversible,omitempty"`
	Checks       []string        `json:"checks,omitempty"`
	// Hosts is each host's end state, read from the host after the build,
	// in the runbook's order; of a runbook of at most hostsInResult (100)
	// hosts only.
	Hosts []HostState `json:"hosts,omitempty"`
	// SurveyRuns are, past hostsInResult hosts, the workflow IDs of the
	// Survey children that read them, instead of Hosts: each child's
	// result holds its hosts' states, in the runbook's order, the children
	// in order too (<build ID>/survey-0, -1, ...).
	SurveyRuns []string `json:"survey_runs,omitempty"`
	// Surveyed is, with SurveyRuns, how many hosts they read: every host.
	Surveyed int `json:"surveyed,omitempty"`
	// SurveyError says why Hosts is missing: the build is done, but a host
	// could not be read afterwards. It does not fail the build.
	SurveyError string `json:"survey_error,omitempty"`
}

// StorageBuild is the whole series for a runbook as one run: the cman
// clusters (part #3), the data path (parts #2 to #4), the clustered volume
// and the GFS2 filesystem (part #5), each a child workflow, each starting
// when what it stands on is up. If one fails, the ones before it are
// undone, the last first; each failed one has undone itself. In the Web UI:
//
//	{"runbook": "scalable-storage"}
func StorageBuild(ctx workflow.Context, in RunbookInput) (StorageBuildResult, error) {
	loaded, err := loadOutlineSince(ctx, outlinedBuild, in.Ref, surveyInline, in.decoding)
	if err != nil {
		return StorageBuildResult{}, err
	}
	rb := loaded.Runbook
	res := StorageBuildResult{Runbook: rb.Name}
	id := workflow.GetInfo(ctx).WorkflowExecution.ID

	// One log: the clusters' nodes first, so they are undone last, after
	// everything that stands on them.
	var u undoLog
	if res.Clusters, err = buildClusters(ctx, loaded, &u); err != nil {
		return res, runFailure(fmt.Errorf("clusters: %w", err), res)
	}
	res.Done = append(res.Done, "clusters")
	fail := func(part string, err error) (StorageBuildResult, error) {
		cause := fmt.Errorf("%s: %w", part, err)
		if undoErr := u.run(ctx, nil); undoErr != nil {
			return res, undoFailed(cause, []error{undoErr})
		}
		return res, runFailure(cause, res)
	}

	if len(rb.DRBD) > 0 {
		if err := buildDataPath(ctx, loaded, &res, &u); err != nil {
			return fail("data path", err)
		}
		res.Done = append(res.Done, "layer")
	}
	for _, part := range []struct {
		name, summary, kind string
		wanted              bool
	}{
		{"clvm", "part #5: clustered volume", CLVMName, rb.CLVM != nil},
		{"gfs2", "part #5: GFS2 and the file check", GFS2Name, rb.GFS2 != nil},
	} {
		if !part.wanted {
			continue
		}
		var step StepResult
		if err := child(ctx, id+"/"+part.name, part.summary, part.kind, RunbookInput{Ref: volumeRef(loaded)}, &step); err != nil {
			return fail(part.name, err)
		}
		u.pushAll(step.Undo)
		res.Done = append(res.Done, part.name)
		res.Approvals = append(res.Approvals, step.Approvals...)
		res.Irreversible = append(res.Irreversible, step.Irreversible...)
		res.Checks = append(res.Checks, step.Checks...)
	}
	// The build is done; a host that cannot be read now is reported, not
	// undone, and does not make a built stack look like a failed build.
	if err = surveyHosts(ctx, loaded, &res); err != nil {
		if !since(ctx, surveyReported) {
			return res, fmt.Errorf("the build is done, but reading the hosts' end state failed: %w", err)
		}
		res.SurveyError = err.Error()
		workflow.GetLogger(ctx).Warn("the build is done, but reading the hosts' end state failed", "error", err)
	}
	return res, nil
}

// buildDataPath builds parts #2 to #4 and adds their undo to the build's
// log: in a StorageLayer child; or, past clientBatch import clients, in the
// build itself, whose ClientBatch children's undo logs then stay in the
// build's log, each run by an Undo child if a later part fails. A data path
// child would have to return them all, four kilobytes a client.
func buildDataPath(ctx workflow.Context, loaded runbooks.Loaded, res *StorageBuildResult, u *undoLog) error {
	rb := loaded.Runbook
	if len(loaded.Importers()) <= clientBatch || !since(ctx, batchUndo) {
		var layer StorageLayerResult
		id := workflow.GetInfo(ctx).WorkflowExecution.ID + "/layer"
		if err := child(ctx, id, "parts #2 to #4: disks, DRBD, GNBD, multipath", StorageLayerName, StorageLayerInput{Ref: loaded.Ref}, &layer); err != nil {
			return err
		}
		u.pushAll(layer.Undo)
		res.Approvals = append(res.Approvals, layer.Approvals...)
		res.Irreversible = append(res.Irreversible, layer.Irreversible...)
		return nil
	}
	l := newLayer(ctx, loaded)
	err := l.pairs(ctx, rb.DRBD)
	if err == nil {
		err = l.clients(ctx)
	}
	// What finished is undone with the rest of the build if this failed:
	// a failed child has undone itself.
	u.append(l.undo)
	res.Approvals = append(res.Approvals, l.res.Approvals...)
	res.Irreversible = append(res.Irreversible, l.res.Irreversible...)
	return err
}

// buildClusters forms the clusters (part #3) and adds their nodes' undo to
// the build's log: in a FormClusters child; or, past clustersInline
// clusters, in the build itself, each cluster in a FormClusters child
// whose node changes the log keeps as a batch, as the data path does its
// clients. A FormClusters child of a thousand nodes would return them all.
func buildClusters(ctx workflow.Context, loaded runbooks.Loaded, u *undoLog) ([]ClusterResult, error) {
	names := loaded.ClusterNames()
	if len(names) <= clustersInline || !since(ctx, batchUndo) {
		var clusters FormClustersResult
		id := workflow.GetInfo(ctx).WorkflowExecution.ID + "/clusters"
		if err := child(ctx, id, "part #3: cman clusters", FormClustersName, FormClustersInput{Ref: loaded.Ref}, &clusters); err != nil {
			return clusters.Clusters, err
		}
		u.pushNodes(clusters.Changes)
		return clusters.Clusters, nil
	}
	clusters, undos, err := formAll(ctx, loaded, names, true, true)
	if err != nil {
		return clusters, undoClusters(ctx, undos, err)
	}
	for i := range undos {
		u.append(undos[i])
	}
	return clusters, nil
}

// volumeRef is the reference for the build's clvm and gfs2 children: for a
// build that loaded an outline, focused on the volume's hosts, so that
// each records their part of the runbook only, as the outline's view does.
func volumeRef(loaded runbooks.Loaded) runbooks.Ref {
	ref := loaded.Ref
	if hosts := loaded.Runbook.VolumeHosts(); loaded.Roster != nil && len(hosts) <= runbooks.MaxFocus {
		ref.Focus = hosts
	}
	return ref
}
