package workflows

import "go.temporal.io/sdk/workflow"

// Changes to what a workflow commands are versioned, so that runs started
// by an older build, and every fixture in replaytests, still replay. Each
// change has an ID that is protocol (it is recorded in histories as a
// marker) and a one-line reason. See replaytests' README section on
// changing a workflow safely.
const (
	// surveyReported: a build whose hosts cannot be read after it is done
	// completes with the survey's error in its result, instead of failing.
	surveyReported = "survey-failure-reported"
	// overwriteOnlyNew: DRBDPair asks for the overwrite approval, and
	// overwrites, only when the pair was not already in sync.
	overwriteOnlyNew = "drbd-overwrite-only-new"
	// strictInputs: an input with an unknown field, a wrong type, a
	// duplicate or an oversized part fails as BadInput before anything.
	strictInputs = "strict-inputs"
	// undoSkipsGoneHosts: an undo that finds a host's agent gone reports
	// that host's other undos as pending instead of trying each.
	undoSkipsGoneHosts = "undo-skips-gone-hosts"
	// foreignGFS2Refused: GFS2 stops on a volume that holds a GFS2 of
	// another lock table instead of mounting it as its own.
	foreignGFS2Refused = "foreign-gfs2-refused"
	// labelApproved: PrepareDisk labels a disk with no partition table only
	// after a disk-label approval, instead of at once.
	labelApproved = "disk-label-approved"
	// inspectWindowed: a check reads at most inspectWindow hosts at once,
	// instead of every host at once.
	inspectWindowed = "inspect-window"
	// clientBatches: a data path of more than clientBatch import clients
	// brings them up in ClientBatch children, instead of two children a
	// client in its own history.
	clientBatches = "client-batches"
	// clusterChildren: FormClusters of more than clustersInline clusters
	// forms each in a FormClusters child of its own, instead of every
	// node's join in its own history.
	clusterChildren = "cluster-children"
	// batchUndo: a run that brings clients up in ClientBatch children keeps
	// each batch's undo log and runs it in an Undo child, and a build of
	// that many clients runs its data path itself, instead of every
	// client's undo steps travelling up in results.
	batchUndo = "batch-undo"
	// focusedRunbooks: a batched data path hands each ClientBatch and each
	// client's child a reference focused on its clients, instead of the
	// whole runbook recorded in every one of their histories.
	focusedRunbooks = "focused-runbooks"
	// surveyChildren: a build of more than surveyInline hosts reads their
	// end state in Survey children, instead of two steps a host in its own
	// history.
	surveyChildren = "survey-children"
	// clientWindow: a batched data path runs at most batchWindow
	// ClientBatch children at once, and starts no more once one failed,
	// instead of every batch at once.
	clientWindow = "client-window"
	// outlinedBuild: a build of more than surveyInline hosts loads its
	// runbook's outline, and its pairs', clvm's and gfs2's children a view
	// for their hosts, instead of the whole runbook recorded in each.
	outlinedBuild = "outlined-build"
	// checkChildren: a check of more than checkInline hosts reads them in
	// CheckHosts children and keeps the worst of many findings, instead
	// of every host in its own history and every finding in its result.
	checkChildren = "check-children"
	// outlinedCheck: a check of more than checkInline hosts loads its
	// runbook's outline, instead of the whole runbook recorded in its
	// history.
	outlinedCheck = "outlined-check"
)

// signedApprovals: a decision is recorded with how its approver is known,
// and an unsigned one is taken only where the runbook allows it.
const signedApprovals = "signed-approvals"

// since reports whether this run takes the change: new runs do, runs that
// started before it (and their replays) do not.
func since(ctx workflow.Context, change string) bool {
	return workflow.GetVersion(ctx, change, workflow.DefaultVersion, 1) >= 1
}
