package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"
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
	// Hosts is each host's end state, read from the host after the build.
	Hosts []HostState `json:"hosts,omitempty"`
}

// StorageBuild is the whole series for a runbook as one run: the cman
// clusters (part #3), the data path (parts #2 to #4), the clustered volume
// and the GFS2 filesystem (part #5), each a child workflow, each starting
// when what it stands on is up. If one fails, the ones before it are
// undone, the last first; each failed one has undone itself. In the Web UI:
//
//	{"runbook": "scalable-storage"}
func StorageBuild(ctx workflow.Context, in RunbookInput) (StorageBuildResult, error) {
	loaded, err := loadRunbook(ctx, in.RunbookRef)
	if err != nil {
		return StorageBuildResult{}, err
	}
	rb := loaded.Runbook
	res := StorageBuildResult{Runbook: rb.Name}
	id := workflow.GetInfo(ctx).WorkflowExecution.ID
	ref := RunbookInput{RunbookRef: loaded.Ref}
	child := func(name, summary string) workflow.Context {
		return workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: id + "/" + name, StaticSummary: summary})
	}

	var clusters FormClustersResult
	if err := workflow.ExecuteChildWorkflow(child("clusters", "part #3: cman clusters"), FormClustersName, FormClustersInput{RunbookRef: loaded.Ref}).Get(ctx, &clusters); err != nil {
		return res, runFailure(fmt.Errorf("clusters: %w", err), res)
	}
	res.Clusters, res.Done = clusters.Clusters, append(res.Done, "clusters")
	undoClusters := func() error {
		s := saga{}
		for i := range clusters.Changes {
			s.add(&clusters.Changes[i])
		}
		return s.compensate(ctx, nil)
	}
	var u undoLog
	fail := func(step string, err error) (StorageBuildResult, error) {
		cause := fmt.Errorf("%s: %w", step, err)
		undoErr := u.run(ctx, nil)
		if e := undoClusters(); e != nil && undoErr == nil {
			undoErr = e
		}
		if undoErr != nil {
			return res, undoFailed(cause, []error{undoErr})
		}
		return res, runFailure(cause, res)
	}

	if len(rb.DRBD) > 0 {
		var layer StorageLayerResult
		if err := workflow.ExecuteChildWorkflow(child("layer", "parts #2 to #4: disks, DRBD, GNBD, multipath"), StorageLayerName, StorageLayerInput{RunbookRef: loaded.Ref}).Get(ctx, &layer); err != nil {
			return fail("data path", err)
		}
		u.addAll(layer.Undo)
		res.Done = append(res.Done, "layer")
		res.Approvals = append(res.Approvals, layer.Approvals...)
		res.Irreversible = append(res.Irreversible, layer.Irreversible...)
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
		if err := workflow.ExecuteChildWorkflow(child(part.name, part.summary), part.kind, ref).Get(ctx, &step); err != nil {
			return fail(part.name, err)
		}
		u.addAll(step.Undo)
		res.Done = append(res.Done, part.name)
		res.Approvals = append(res.Approvals, step.Approvals...)
		res.Irreversible = append(res.Irreversible, step.Irreversible...)
		res.Checks = append(res.Checks, step.Checks...)
	}
	hosts, err := surveyHosts(ctx, topologyOf(rb))
	if err != nil {
		// The build is done; a host that cannot be read now is reported,
		// not undone.
		return res, fmt.Errorf("the build is done, but reading the hosts' end state failed: %w", err)
	}
	res.Hosts = hosts
	return res, nil
}
