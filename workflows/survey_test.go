package workflows

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// surveyRun is a build as its survey sees it: what the build returned, the
// Survey children it started, and whether it asked for the survey's
// version.
type surveyRun struct {
	res      StorageBuildResult
	children []string
	asked    bool
	inputs   []SurveyInput
	// results are the Survey children's, by workflow ID.
	results map[string]SurveyResult
}

// buildSurveyed runs StorageBuild of ref. A storage probe that leaves the
// files out answers with an export named for its host, which no other
// probe has, so each host's state shows that the survey read it, and
// read it lean. version is what GetVersion(surveyChildren) answers.
func buildSurveyed(t *testing.T, ref runbooks.Ref, version workflow.Version, setup func(*testsuite.TestWorkflowEnvironment)) surveyRun {
	t.Helper()
	run := surveyRun{results: map[string]SurveyResult{}}
	env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		on(env, rec, activities.ProbeStorageName, func(host string, in activities.StorageProbeInput) (activities.StorageProbeResult, error) {
			if in.NoFiles {
				return activities.StorageProbeResult{Host: host, Exports: []activities.GNBDExport{{Name: "surveyed-" + host}}}, nil
			}
			return activities.StorageProbeResult{
				DRBD:          []activities.DRBDStatus{{Connection: "Unconfigured"}},
				DRBDConf:      activities.FileState{Path: activities.DRBDConfPath},
				MultipathConf: activities.FileState{Path: activities.MultipathConfPath, Exists: true, Content: "blacklist {\n devnode \"*\"\n}\n"},
			}, nil
		})
	})
	env.OnGetVersion(surveyChildren, workflow.DefaultVersion, 1).Run(func(mock.Arguments) { run.asked = true }).Return(version).Maybe()
	env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, args converter.EncodedValues) {
		if info.WorkflowType.Name == SurveyName {
			run.children = append(run.children, info.WorkflowExecution.ID)
			var in SurveyInput
			if err := args.Get(&in); err != nil {
				t.Error(err)
			}
			run.inputs = append(run.inputs, in)
		}
	})
	env.SetOnChildWorkflowCompletedListener(func(info *workflow.Info, result converter.EncodedValue, err error) {
		if info.WorkflowType.Name == SurveyName && err == nil {
			var r SurveyResult
			if err := result.Get(&r); err != nil {
				t.Error(err)
			}
			run.results[info.WorkflowExecution.ID] = r
		}
	})
	if setup != nil {
		setup(env)
	}
	env.ExecuteWorkflow(StorageBuildName, RunbookInput{Ref: ref})
	if err := env.GetWorkflowResult(&run.res); err != nil {
		t.Fatal(err)
	}
	if run.res.SurveyError != "" {
		t.Fatalf("survey error: %s", run.res.SurveyError)
	}
	return run
}

// hostsOf are the FQDNs of ref's hosts, in the runbook's order.
func hostsOf(t *testing.T, ref runbooks.Ref) []string {
	t.Helper()
	rb, err := runbooks.Parse("test", []byte(ref.YAML))
	if err != nil {
		t.Fatal(err)
	}
	var hosts []string
	for _, h := range rb.Hosts {
		hosts = append(hosts, h.FQDN)
	}
	return hosts
}

// checkStates checks that states are each host's, in order, read lean.
func checkStates(t *testing.T, states []HostState, hosts []string) {
	t.Helper()
	if len(states) != len(hosts) {
		t.Fatalf("%d hosts' states, want %d", len(states), len(hosts))
	}
	for i, s := range states {
		if s.Host != hosts[i] || !slices.Equal(s.Exports, []string{"surveyed-" + hosts[i]}) {
			t.Errorf("state %d: %+v, want %s's as its lean storage probe read it", i, s, hosts[i])
		}
	}
}

// Past surveyInline hosts, the build reads them in Survey children of
// surveyBatch hosts each, and every host's state reaches the result, in
// the runbook's order.
func TestABuildOfManyHostsSurveysInChildren(t *testing.T) {
	ref := manyClients(t, 30) // and four storage hosts: 34
	hosts := hostsOf(t, ref)
	run := buildSurveyed(t, ref, 1, nil)
	if !run.asked {
		t.Error("the build did not ask for the version of its survey in children")
	}
	want := []string{"default-test-workflow-id/survey-0", "default-test-workflow-id/survey-1", "default-test-workflow-id/survey-2"}
	if slices.Sort(run.children); !slices.Equal(run.children, want) {
		t.Errorf("Survey children %q, want %q", run.children, want)
	}
	var surveyed []string
	for _, in := range run.inputs {
		if len(in.Hosts) > surveyBatch {
			t.Errorf("a Survey child of %d hosts, want at most %d", len(in.Hosts), surveyBatch)
		}
		surveyed = append(surveyed, in.Hosts...)
	}
	if slices.Sort(surveyed); !slices.Equal(surveyed, slices.Sorted(slices.Values(hosts))) {
		t.Errorf("the children surveyed %q, want every host once", surveyed)
	}
	checkStates(t, run.res.Hosts, hosts)
	if run.res.SurveyRuns != nil || run.res.Surveyed != 0 {
		t.Errorf("survey runs %q, surveyed %d, under %d hosts: want the hosts' states only", run.res.SurveyRuns, run.res.Surveyed, hostsInResult)
	}
}

// A build started before the survey had children (and its replay) still
// reads every host in its own history.
func TestABuildOfManyHostsStartedBeforeSurveyChildrenSurveysInline(t *testing.T) {
	ref := manyClients(t, 30)
	run := buildSurveyed(t, ref, workflow.DefaultVersion, nil)
	if len(run.children) != 0 {
		t.Errorf("Survey children %q in a run without the version", run.children)
	}
	checkStates(t, run.res.Hosts, hostsOf(t, ref))
}

// Past hostsInResult hosts, the result names the Survey children and
// counts the hosts instead of carrying every host's state, and stays
// small.
func TestABuildOfOverAHundredHostsNamesItsSurveys(t *testing.T) {
	ref := manyClients(t, hostsInResult) // and four storage hosts
	hosts := hostsOf(t, ref)
	run := buildSurveyed(t, ref, 1, nil)
	batches := (len(hosts) + surveyBatch - 1) / surveyBatch
	var want []string
	for k := range batches {
		want = append(want, fmt.Sprintf("default-test-workflow-id/survey-%d", k))
	}
	if !slices.Equal(run.res.SurveyRuns, want) {
		t.Errorf("survey runs %q, want %q", run.res.SurveyRuns, want)
	}
	if run.res.Surveyed != len(hosts) {
		t.Errorf("surveyed %d, want %d", run.res.Surveyed, len(hosts))
	}
	if run.res.Hosts != nil {
		t.Errorf("%d hosts' states in the result of a build of %d hosts", len(run.res.Hosts), len(hosts))
	}
	if slices.Sort(run.children); !slices.Equal(run.children, slices.Sorted(slices.Values(want))) {
		t.Errorf("Survey children %q, want %q", run.children, want)
	}
	// The children's results, in the order the result names them, are
	// every host's state in order.
	var states []HostState
	for _, id := range run.res.SurveyRuns {
		states = append(states, run.results[id].Hosts...)
	}
	checkStates(t, states, hosts)
	data, err := json.Marshal(run.res)
	if err != nil {
		t.Fatal(err)
	}
	if size := len(data); size > 8<<10 {
		t.Errorf("the result of a build of %d hosts is %d bytes", len(hosts), size)
	}
}

// At surveyInline hosts, and the blog's six, the build reads them in its
// own history as it always did: no Survey child, and no version asked, so
// the histories of such builds are what they were.
func TestASmallBuildSurveysInline(t *testing.T) {
	t.Run("at the threshold", func(t *testing.T) {
		ref := manyClients(t, surveyInline-4)
		hosts := hostsOf(t, ref)
		if len(hosts) != surveyInline {
			t.Fatalf("%d hosts, want %d", len(hosts), surveyInline)
		}
		run := buildSurveyed(t, ref, 1, nil)
		if run.asked || len(run.children) > 0 {
			t.Errorf("version asked %v, Survey children %q: want neither", run.asked, run.children)
		}
		checkStates(t, run.res.Hosts, hosts)
	})
	t.Run("the blog's", func(t *testing.T) {
		ref := autoApproved(t)
		run := buildSurveyed(t, ref, 1, func(env *testsuite.TestWorkflowEnvironment) {
			env.RegisterDelayedCallback(func() {
				env.SignalWorkflowByID("default-test-workflow-id/gfs2", ApproveSignal, ApprovalRequest{Step: "mkfs:/dev/VG0/LV0", By: "dana", Approve: true})
			}, time.Hour)
		})
		if run.asked || len(run.children) > 0 {
			t.Errorf("version asked %v, Survey children %q: want neither", run.asked, run.children)
		}
		checkStates(t, run.res.Hosts, hostsOf(t, ref))
	})
}

// A Survey refuses, naming the field, hosts it cannot read as asked,
// before any host.
func TestSurveyRefusesBadInput(t *testing.T) {
	ref := manyClients(t, 2)
	for name, tc := range map[string]struct {
		in   any
		want string
	}{
		"a string for hosts": {json.RawMessage(`{"runbook": "scalable-storage", "hosts": "client0.example.org"}`), "hosts: a string where an array of strings belongs"},
		"an unknown field":   {json.RawMessage(`{"runbook": "scalable-storage", "host": "client0.example.org"}`), `unknown field "host"`},
		"no hosts":           {SurveyInput{Ref: ref}, "hosts:"},
		"not in the book":    {SurveyInput{Ref: ref, Hosts: []string{clientN(0), clientN(9)}}, "hosts[1]:"},
		"a short name":       {SurveyInput{Ref: ref, Hosts: []string{"client0"}}, "hosts[0]:"},
		"a host twice":       {SurveyInput{Ref: ref, Hosts: []string{clientN(0), clientN(1), clientN(0)}}, "hosts:"},
		"a plan requested":   {SurveyInput{Ref: ref, Hosts: []string{clientN(0)}, Planning: Planning{Plan: true}}, "no plan"},
	} {
		t.Run(name, func(t *testing.T) {
			env, rec := newEnv(t, nil)
			env.ExecuteWorkflow(SurveyName, tc.in)
			err := env.GetWorkflowError()
			wantErrType(t, err, activities.ErrBadInput)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("the refusal %v does not say %q", err, tc.want)
			}
			if calls := rec.list(); len(calls) != 0 {
				t.Errorf("a refused survey ran %q", calls)
			}
		})
	}
}

// A Survey reads its hosts, in the order given, and changes nothing.
func TestSurveyReadsItsHostsInOrder(t *testing.T) {
	ref := manyClients(t, 3)
	hosts := []string{clientN(2), "storage0a.example.org", clientN(0)}
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		on(env, rec, activities.ProbeStorageName, func(host string, in activities.StorageProbeInput) (activities.StorageProbeResult, error) {
			if !in.NoFiles {
				return activities.StorageProbeResult{}, permanent(activities.ErrBadInput) // a survey's probe with the files
			}
			return activities.StorageProbeResult{Host: host, Exports: []activities.GNBDExport{{Name: "surveyed-" + host}}}, nil
		})
	})
	env.ExecuteWorkflow(SurveyName, SurveyInput{Ref: ref, Hosts: hosts})
	res := resultOf[SurveyResult](t, env)
	checkStates(t, res.Hosts, hosts)
	for _, c := range rec.list() {
		if !strings.HasSuffix(c, " "+activities.ProbeName) && !strings.HasSuffix(c, " "+activities.ProbeStorageName) {
			t.Errorf("a survey ran %s", c)
		}
	}
	if n := len(rec.list()); n != 2*len(hosts) {
		t.Errorf("%d steps, want two a host", n)
	}
}
