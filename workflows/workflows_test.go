package workflows

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// recorder notes every host activity a workflow ran, as "host activity".
type recorder struct {
	mu    sync.Mutex
	calls []string
	runs  []string // the workflow ID of each call
}

func (r *recorder) note(ctx context.Context, name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	info := activity.GetInfo(ctx)
	host := info.TaskQueue[len(activities.HostQueuePrefix):]
	r.calls = append(r.calls, host+" "+name)
	r.runs = append(r.runs, info.WorkflowExecution.ID)
}

// ranIn returns the workflow IDs of the runs that made call.
func (r *recorder) ranIn(call string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for i, c := range r.calls {
		if c == call {
			ids = append(ids, r.runs[i])
		}
	}
	return ids
}

func (r *recorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// newEnv returns a fresh test environment with every workflow, the real
// runbook catalog, and host activities that succeed as on a fresh host
// (nothing installed, no cluster.conf, cman stopped) unless override says
// otherwise: its env.OnActivity calls come first, and the first matching
// expectation wins.
func newEnv(t *testing.T, override func(*testsuite.TestWorkflowEnvironment, *recorder)) (*testsuite.TestWorkflowEnvironment, *recorder) {
	t.Helper()
	return newEnvOf(t, runbooks.Catalog{}, override)
}

// newEnvOf is newEnv with the orchestrator's catalog.
func newEnvOf(t *testing.T, catalog runbooks.Catalog, override func(*testsuite.TestWorkflowEnvironment, *recorder)) (*testsuite.TestWorkflowEnvironment, *recorder) {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	s.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := s.NewTestWorkflowEnvironment()
	Register(env)
	(&Loader{Catalog: catalog}).Register(env)
	activities.NewHost("unused", t.TempDir()).Register(env)
	rec := &recorder{}
	if override != nil {
		override(env, rec)
	}
	stub(env, rec, activities.ProbeName, activities.ProbeInput{}, activities.ProbeResult{ClusterConf: activities.FileState{Path: activities.ClusterConfPath}})
	stub(env, rec, activities.EnsurePackagesName, activities.PackagesInput{}, activities.PackagesResult{})
	stub(env, rec, activities.RemovePackagesName, activities.PackagesInput{}, activities.PackagesResult{})
	stub(env, rec, activities.CreateClusterConfName, activities.ClusterInput{}, activities.Change{Changed: true})
	stub(env, rec, activities.WriteBootstrapName, activities.NodeInput{}, activities.ConfResult{Version: 1, Changed: true})
	stub(env, rec, activities.AddNodeName, activities.NodeInput{}, activities.ConfResult{Version: 2, Changed: true})
	stub(env, rec, activities.RemoveNodeName, activities.NodeInput{}, activities.ConfResult{Version: 3, Changed: true})
	stub(env, rec, activities.StartCmanName, activities.ClusterInput{}, activities.Change{Changed: true})
	stub(env, rec, activities.StopCmanName, activities.ClusterInput{}, activities.Change{Changed: true})
	stub(env, rec, activities.RestoreFileName, activities.RestoreFileInput{}, activities.Change{Changed: true})
	stub(env, rec, activities.MembershipName, activities.MembershipInput{}, activities.MembershipResult{Status: activities.ClusterStatus{ConfigVersion: 2, Quorate: true}})
	// The data path, on hosts where none of it exists yet.
	stub(env, rec, activities.ProbeStorageName, activities.StorageProbeInput{}, activities.StorageProbeResult{
		DRBD:          []activities.DRBDStatus{{Connection: "Unconfigured"}},
		DRBDConf:      activities.FileState{Path: activities.DRBDConfPath},
		MultipathConf: activities.FileState{Path: activities.MultipathConfPath, Exists: true, Content: "blacklist {\n devnode \"*\"\n}\n"},
	})
	stub(env, rec, activities.PrepareDiskName, activities.DiskInput{}, activities.Change{Changed: true})
	stub(env, rec, activities.LoadModuleName, activities.ModuleInput{}, activities.Change{Changed: true})
	stub(env, rec, activities.UnloadModuleName, activities.ModuleInput{}, activities.Change{Changed: true})
	stub(env, rec, activities.WriteDRBDConfName, activities.DRBDConfInput{}, activities.Change{Changed: true})
	for _, name := range []string{activities.CreateMetadataName, activities.DRBDUpName, activities.DRBDDownName, activities.DRBDOverwritePeerName, activities.DRBDPrimaryName} {
		stub(env, rec, name, activities.DRBDInput{}, activities.Change{Changed: true})
	}
	stub(env, rec, activities.DRBDWaitName, activities.DRBDWaitInput{}, activities.DRBDWaitResult{})
	stub(env, rec, activities.GNBDServeName, activities.ServerInput{}, activities.Change{Changed: true})
	stub(env, rec, activities.GNBDStopServeName, activities.ServerInput{}, activities.Change{Changed: true})
	stub(env, rec, activities.GNBDExportName, activities.ExportInput{}, activities.Change{Changed: true})
	stub(env, rec, activities.GNBDUnexportName, activities.UnexportInput{}, activities.Change{Changed: true})
	stub(env, rec, activities.GNBDImportName, activities.ImportInput{}, activities.Change{Changed: true})
	stub(env, rec, activities.GNBDUnimportName, activities.UnimportInput{}, activities.Change{Changed: true})
	stub(env, rec, activities.ConfigureMultipathName, activities.MultipathInput{}, activities.MultipathResult{Changed: true})
	stub(env, rec, activities.MultipathMapsName, activities.MultipathInput{}, activities.MultipathResult{})
	stub(env, rec, activities.UndoMultipathName, activities.UndoMultipathInput{}, activities.Change{Changed: true})
	stub(env, rec, activities.StopMultipathName, activities.MultipathInput{}, activities.Change{Changed: true})
	// Part #5, on blank devices.
	for _, name := range []string{activities.StartServiceName, activities.StopServiceName} {
		stub(env, rec, name, activities.ServiceInput{}, activities.Change{Changed: true})
	}
	stub(env, rec, activities.EnableClusterLockingName, activities.LVMLockingInput{}, activities.Change{Changed: true})
	env.OnActivity(activities.SignaturesName, mock.Anything, mock.Anything).Return(func(ctx context.Context, in activities.SignatureInput) (activities.SignatureResult, error) {
		rec.note(ctx, activities.SignaturesName)
		return activities.SignatureResult{Signatures: make([]string, len(in.Devices))}, nil
	}).Maybe()
	stub(env, rec, activities.PVCreateName, activities.PVInput{}, activities.Change{Changed: true})
	for _, name := range []string{activities.VGCreateName, activities.LVCreateName, activities.RemoveVolumeName, activities.ExtendVolumeName} {
		stub(env, rec, name, activities.VolumeInput{}, activities.Change{Changed: true})
	}
	stub(env, rec, activities.LogicalVolumeName, activities.VolumeInput{}, activities.LVStatus{UUID: "s1RcrS", Status: "available", Extents: 510})
	for _, name := range []string{activities.MakeFilesystemName, activities.MountFilesystemName, activities.UnmountFilesystemName, activities.GrowFilesystemName} {
		stub(env, rec, name, activities.FilesystemInput{}, activities.Change{Changed: true})
	}
	for _, name := range []string{activities.TouchFileName, activities.ListFilesName} {
		stub(env, rec, name, activities.FileCheckInput{}, activities.FileCheckResult{Files: []string{"ieiri"}})
	}
	return env, rec
}

// stub makes an activity succeed with out, noting the call.
func stub[In, Out any](env *testsuite.TestWorkflowEnvironment, rec *recorder, name string, _ In, out Out) {
	env.OnActivity(name, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ In) (Out, error) {
		rec.note(ctx, name)
		return out, nil
	}).Maybe()
}

var storage = runbooks.Ref{Runbook: "scalable-storage"}

func TestClusterBootstrapRunsPartThreeOnTheFirstNode(t *testing.T) {
	env, rec := newEnv(t, nil)
	env.ExecuteWorkflow(ClusterBootstrapName, ClusterBootstrapInput{Ref: storage, Cluster: "storage0"})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"storage0a.example.org Probe",
		"storage0a.example.org EnsurePackages",
		"storage0a.example.org CreateClusterConf",
		"storage0a.example.org WriteBootstrapConf",
		"storage0a.example.org StartCman",
		"storage0a.example.org Membership",
	}
	if got := rec.list(); !slices.Equal(got, want) {
		t.Errorf("steps:\n got %q\nwant %q", got, want)
	}
}

func TestNodeJoinRetriesAConfigVersionRace(t *testing.T) {
	attempts := 0
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		env.OnActivity(activities.AddNodeName, mock.Anything, mock.Anything).Return(func(ctx context.Context, in activities.NodeInput) (activities.ConfResult, error) {
			rec.note(ctx, activities.AddNodeName)
			attempts++
			if attempts <= 2 {
				// Another join pushed first: ccs_tool refused our version.
				return activities.ConfResult{}, temporal.NewApplicationError("another change landed first", activities.ErrVersionConflict)
			}
			return activities.ConfResult{Version: 3, Changed: true}, nil
		})
	})
	env.ExecuteWorkflow(NodeJoinName, NodeJoinInput{Ref: storage, Cluster: "storage0", Node: "storage0b"})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if attempts != 3 {
		t.Errorf("AddNode attempts = %d, want 3", attempts)
	}
	for _, c := range rec.list() {
		if c == "storage0b.example.org StopCman" || c == "storage0a.example.org RemoveNode" {
			t.Errorf("a successful join ran an undo: %q", c)
		}
	}
	if got := rec.list()[2]; got != "storage0a.example.org AddNode" {
		t.Errorf("the node is added on %q, want on the member storage0a", got)
	}
}

func TestNodeJoinUndoesInReverseWhenALaterStepFails(t *testing.T) {
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		env.OnActivity(activities.StartCmanName, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.ClusterInput) (activities.Change, error) {
			rec.note(ctx, activities.StartCmanName)
			return activities.Change{}, temporal.NewNonRetryableApplicationError("cman not started", activities.ErrBadConfig, nil)
		})
		env.OnActivity(activities.ProbeName, mock.Anything, mock.Anything).Return(func(ctx context.Context, in activities.ProbeInput) (activities.ProbeResult, error) {
			rec.note(ctx, activities.ProbeName)
			// The member lists only itself: the join is what adds storage0b.
			return activities.ProbeResult{
				ClusterConf: activities.FileState{Path: activities.ClusterConfPath},
				Conf:        &activities.ClusterConf{Name: "storage0", Version: 1, Nodes: []activities.ConfNode{{Name: "storage0a.example.org", NodeID: 1, Votes: 1}}},
			}, nil
		})
	})
	env.ExecuteWorkflow(NodeJoinName, NodeJoinInput{Ref: storage, Cluster: "storage0", Node: "storage0b"})
	err := env.GetWorkflowError()
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != activities.ErrBadConfig {
		t.Fatalf("error = %v, want the failed step's %s", err, activities.ErrBadConfig)
	}
	calls := rec.list()
	undo := calls[slices.Index(calls, "storage0b.example.org StartCman")+1:]
	want := []string{
		"storage0b.example.org StopCman",
		"storage0a.example.org RemoveNode",
		"storage0b.example.org RestoreFile",
		"storage0b.example.org RemovePackages",
	}
	if !slices.Equal(undo, want) {
		t.Errorf("undo:\n got %q\nwant %q", undo, want)
	}
}

func TestNodeJoinStopsAtOnceOnAPermanentError(t *testing.T) {
	attempts := 0
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		env.OnActivity(activities.EnsurePackagesName, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.PackagesInput) (activities.PackagesResult, error) {
			rec.note(ctx, activities.EnsurePackagesName)
			attempts++
			return activities.PackagesResult{}, temporal.NewNonRetryableApplicationError("no repository carries cman", activities.ErrPackageMissing, nil)
		})
	})
	env.ExecuteWorkflow(NodeJoinName, NodeJoinInput{Ref: storage, Cluster: "storage0", Node: "storage0b"})
	if err := env.GetWorkflowError(); err == nil {
		t.Fatal("join succeeded without its package")
	}
	if attempts != 1 {
		t.Errorf("EnsurePackages attempts = %d, want 1 (PackageMissing is not retryable)", attempts)
	}
	if calls := rec.list(); !slices.Contains(calls, "storage0b.example.org StopCman") {
		t.Errorf("the failed join was not undone: %q", calls)
	}
}

func TestBadStartRequestsChangeNothing(t *testing.T) {
	for name, in := range map[string]struct {
		workflow string
		input    any
	}{
		"unknown runbook":  {NodeJoinName, NodeJoinInput{Ref: runbooks.Ref{Runbook: "nope"}, Cluster: "storage0", Node: "storage0b"}},
		"hostile runbook":  {FormClustersName, FormClustersInput{Ref: runbooks.Ref{Runbook: "../etc/passwd"}}},
		"no runbook":       {FormClustersName, FormClustersInput{}},
		"unknown cluster":  {ClusterBootstrapName, ClusterBootstrapInput{Ref: storage, Cluster: "storage9"}},
		"node elsewhere":   {NodeJoinName, NodeJoinInput{Ref: storage, Cluster: "storage0", Node: "client0"}},
		"via itself":       {NodeJoinName, NodeJoinInput{Ref: storage, Cluster: "storage0", Node: "storage0b", Via: "storage0b"}},
		"invalid yaml":     {FormClustersName, FormClustersInput{Ref: runbooks.Ref{YAML: "name: x\nhosts: [\n"}}},
		"filter not there": {FormClustersName, FormClustersInput{Ref: storage, Clusters: []string{"storage0", "bogus"}}},
	} {
		t.Run(name, func(t *testing.T) {
			env, rec := newEnv(t, nil)
			env.ExecuteWorkflow(in.workflow, in.input)
			err := env.GetWorkflowError()
			var appErr *temporal.ApplicationError
			if !errors.As(err, &appErr) || (appErr.Type() != activities.ErrBadInput && appErr.Type() != activities.ErrInvalidRunbook) {
				t.Fatalf("error = %v, want a non-retryable bad input", err)
			}
			if calls := rec.list(); len(calls) > 0 {
				t.Errorf("a bad request reached hosts: %q", calls)
			}
		})
	}
}

func TestFormClustersUndoesEveryClusterWhenOneFails(t *testing.T) {
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		env.OnActivity(activities.StartCmanName, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.ClusterInput) (activities.Change, error) {
			rec.note(ctx, activities.StartCmanName)
			if activity.GetInfo(ctx).TaskQueue == activities.HostQueue("client1.example.org") {
				return activities.Change{}, temporal.NewNonRetryableApplicationError("cman not started", activities.ErrBadConfig, nil)
			}
			return activities.Change{Changed: true}, nil
		})
	})
	env.ExecuteWorkflow(FormClustersName, FormClustersInput{Ref: storage})
	if err := env.GetWorkflowError(); err == nil {
		t.Fatal("the run succeeded with a failed join")
	}
	calls := rec.list()
	for _, host := range []string{"storage0a", "storage0b", "storage1a", "storage1b", "client0", "client1"} {
		if !slices.Contains(calls, host+".example.org StopCman") {
			t.Errorf("%s: cman was not stopped by the undo", host)
		}
	}
}
