package workflows

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/lab/scale"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// checkRun is a Check as a test sees it: its result, the CheckHosts
// children it started with their inputs, whether it asked for the
// version of checking in children, the workflow each host was read in,
// and the largest payload of each kind.
type checkRun struct {
	res      CheckResult
	children []string // by number
	inputs   []CheckHostsInput
	asked    bool
	readIn   map[string]string // host: workflow ID
	largest  map[string]int    // by kind of payload
	where    map[string]string
}

// checkOf runs Check, with ID "check", of ref: each host's inspection is
// inspect's; version is what GetVersion(checkChildren) answers (and
// outlinedCheck's, for the default version), nil for the current code's
// answer.
func checkOf(t *testing.T, ref runbooks.Ref, version *workflow.Version, inspect func(host string, in activities.InspectInput) activities.Inspection) checkRun {
	t.Helper()
	run := checkRun{readIn: map[string]string{}, largest: map[string]int{}, where: map[string]string{}}
	env, rec := newEnvOf(t, runbooks.Catalog{Pins: t.TempDir()}, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		on(env, rec, activities.InspectName, func(host string, in activities.InspectInput) (activities.Inspection, error) {
			return inspect(host, in), nil
		})
	})
	// A check of hundreds of hosts, under -race, takes longer than the
	// environment's default bound of 3 s of real time.
	env.SetTestTimeout(5 * time.Minute)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: "check"})
	call := env.OnGetVersion(checkChildren, workflow.DefaultVersion, 1).Run(func(mock.Arguments) { run.asked = true })
	if version != nil && *version == workflow.DefaultVersion {
		// A run from before checking in children is from before the
		// check's outline too.
		env.OnGetVersion(outlinedCheck, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion).Maybe()
	}
	if version != nil {
		call.Return(*version).Maybe()
	} else {
		call.Return(workflow.Version(1)).Maybe()
	}
	measure := func(kind, id string, v any) {
		p, err := converter.GetDefaultDataConverter().ToPayload(v)
		if err != nil {
			t.Errorf("%s %s: %v", kind, id, err)
			return
		}
		if size := len(p.GetData()); size > run.largest[kind] {
			run.largest[kind], run.where[kind] = size, id
		}
	}
	env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, args converter.EncodedValues) {
		var in CheckHostsInput
		if err := args.Get(&in); err != nil {
			t.Error(err)
		}
		run.children = append(run.children, info.WorkflowExecution.ID)
		run.inputs = append(run.inputs, in)
		measure("input of "+info.WorkflowType.Name, info.WorkflowExecution.ID, in)
	})
	env.SetOnChildWorkflowCompletedListener(func(info *workflow.Info, result converter.EncodedValue, err error) {
		var out any
		if err == nil && result != nil && result.HasValue() {
			if err := result.Get(&out); err != nil {
				t.Error(err)
			}
		}
		measure("result of "+info.WorkflowType.Name, info.WorkflowExecution.ID, out)
	})
	env.SetOnLocalActivityCompletedListener(func(info *activity.Info, result converter.EncodedValue, err error) {
		var out any
		if err == nil && result != nil && result.HasValue() {
			if err := result.Get(&out); err != nil {
				t.Error(err)
			}
		}
		in := "the check"
		if strings.Contains(info.WorkflowExecution.ID, "/") {
			in = "a child"
		}
		measure("the runbook loaded in "+in, info.WorkflowExecution.ID, out)
	})
	env.ExecuteWorkflow(CheckName, RunbookInput{Ref: ref})
	if err := env.GetWorkflowResult(&run.res); err != nil {
		t.Fatal(err)
	}
	measure("result of Check", "check", run.res)
	// In the order of their numbers, not of their starts.
	slices.SortStableFunc(run.children, func(a, b string) int { return cmp.Or(len(a)-len(b), strings.Compare(a, b)) })
	for i, c := range rec.calls {
		if host, ok := strings.CutSuffix(c, " "+activities.InspectName); ok {
			if _, twice := run.readIn[host]; twice {
				t.Errorf("%s read twice", host)
			}
			run.readIn[host] = rec.runs[i]
		}
	}
	return run
}

// scaleRunbook is lab/scale's runbook of clients, with checks.ignore set
// to every code but keep, and its value.
func scaleRunbook(t *testing.T, clients int, keep ...findings.Code) (runbooks.Ref, *runbooks.Runbook) {
	t.Helper()
	ref := scaledWith(t, scale.Options{Name: "many", Clients: clients}, "drbd-overwrite")
	if keep != nil {
		var ignore []findings.Code
		for _, c := range findings.Codes {
			if !slices.Contains(keep, c) {
				ignore = append(ignore, c)
			}
		}
		b, err := json.Marshal(map[string]any{"checks": map[string]any{"ignore": ignore}})
		if err != nil {
			t.Fatal(err)
		}
		ref.Overrides = b
	}
	rb, err := runbooks.Parse("many.yaml", []byte(ref.YAML))
	if err != nil {
		t.Fatal(err)
	}
	return ref, rb
}

// drifted is what the hosts of rb show a check: every tenth host misses
// its first package; every host's cluster.conf is its cluster's at
// version 2, but every tenth from the fourth at 3, so the rest of its cluster lag
// behind it; every GFS2 client mounts the file system, which has 4
// journals. Only package, skew and journal findings, and all of a
// cluster's members must be read together to find the skew.
func drifted(t *testing.T, rb *runbooks.Runbook) func(host string, in activities.InspectInput) activities.Inspection {
	return func(host string, in activities.InspectInput) activities.Inspection {
		j := slices.IndexFunc(rb.Hosts, func(h runbooks.Host) bool { return h.FQDN == host })
		if j < 0 {
			t.Errorf("read %s, not a host of the runbook", host)
			return activities.Inspection{Host: host}
		}
		ins := activities.Inspection{Host: host, Installed: slices.Clone(in.Packages)}
		if j%10 == 0 && len(ins.Installed) > 0 {
			ins.Installed = ins.Installed[1:]
		}
		if c, ok := rb.ClusterOf(rb.Hosts[j].Name); ok {
			v := 2
			if j%10 == 3 {
				v = 3
			}
			ins.Files = []activities.FileState{{Path: activities.ClusterConfPath, Exists: true,
				Content: fmt.Sprintf("<?xml version=\"1.0\"?>\n<cluster name=\"%s\" config_version=\"%d\">\n</cluster>\n", c.Name, v)}}
			ins.Conf = &activities.ClusterConf{Name: c.Name, Version: v}
		}
		if in.VG != "" && rb.GFS2 != nil {
			ins.Mounts = []activities.Mount{{Device: rb.LVPath(), Dir: rb.GFS2.Mountpoint, Type: "gfs2"}}
			ins.Journals = []activities.GFS2Journals{{Mountpoint: rb.GFS2.Mountpoint, Listed: true, Journals: make([]activities.Journal, 4),
				Output: &activities.Evidence{Argv: []string{"gfs2_tool", "journals", rb.GFS2.Mountpoint}, Lines: []string{"4 journal(s) found."}}}}
		}
		return ins
	}
}

// Past checkInline hosts, a check reads them in CheckHosts children, each
// of at most checkBatch hosts with its clusters whole, and finds exactly
// what the same check finds reading them all in its own history, as a
// run started before checkChildren does: the same findings, in the same
// order, the cross-host ones included.
func TestACheckOfManyHostsFindsInChildrenWhatItFindsInline(t *testing.T) {
	ref, rb := scaleRunbook(t, 60, findings.PackageMissing, findings.ConfigSkew, findings.GFS2FewJournals)
	inline := checkOf(t, ref, new(workflow.DefaultVersion), drifted(t, rb))
	if len(inline.children) != 0 || !inline.asked {
		t.Fatalf("started before checkChildren: %d children, asked %v", len(inline.children), inline.asked)
	}
	batched := checkOf(t, ref, nil, drifted(t, rb))
	if !batched.asked {
		t.Error("the check did not ask for the version of checking in children")
	}
	want := len(checkBatches(runbooks.Loaded{Runbook: rb}))
	if want < 2 || len(batched.children) != want {
		t.Fatalf("%d CheckHosts children, want %d (more than one)", len(batched.children), want)
	}
	for k, id := range batched.children {
		if id != fmt.Sprintf("check/hosts-%d", k) {
			t.Errorf("child %d is %s", k, id)
		}
	}
	for _, h := range rb.Hosts {
		if in := batched.readIn[h.FQDN]; !strings.HasPrefix(in, "check/hosts-") {
			t.Errorf("%s read in %q, not in a child", h.FQDN, in)
		}
	}
	codes := map[findings.Code]int{}
	for _, f := range inline.res.Findings {
		codes[f.Code]++
	}
	if codes[findings.PackageMissing] == 0 || codes[findings.ConfigSkew] == 0 || codes[findings.GFS2FewJournals] != 1 {
		t.Fatalf("the drift shows %v, want packages, skews and one journals finding", codes)
	}
	if !reflect.DeepEqual(batched.res, inline.res) {
		a, _ := json.MarshalIndent(batched.res, "", " ")
		b, _ := json.MarshalIndent(inline.res, "", " ")
		t.Errorf("in children:\n%s\ninline:\n%s", a, b)
	}
}

// A check of few hosts, the blog's, asks no version and reads every host
// in its own history, as before checkChildren.
func TestACheckOfFewHostsStaysInline(t *testing.T) {
	run := checkOf(t, storage, nil, func(host string, in activities.InspectInput) activities.Inspection {
		return activities.Inspection{Host: host, Installed: in.Packages}
	})
	if run.asked || len(run.children) != 0 {
		t.Errorf("asked the version %v, %d children", run.asked, len(run.children))
	}
	if len(run.readIn) != 6 || run.res.Total != 0 || run.res.Counts != nil || run.res.CheckRuns != nil || len(run.res.Findings) == 0 {
		t.Errorf("%d hosts read; result %+v", len(run.readIn), run.res)
	}
}

// A check of hundreds of fresh hosts, each with a dozen findings, keeps
// every payload under maxPayload: each child's input and result, each
// runbook loaded and the check's result, which lists the worst findings,
// counts all of them and names the children that read them.
// $TETSUZUKI_SCALE sets the clients: 500 by default, the fewest whose
// whole runbook no longer fits in a payload, so that a check that records
// it fails here; the check loads the runbook's outline.
func TestNoCheckPayloadGrowsWithTheHosts(t *testing.T) {
	n := 500
	if v := os.Getenv("TETSUZUKI_SCALE"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatalf("TETSUZUKI_SCALE=%q: %v", v, err)
		}
	}
	if testing.Short() {
		n = 100
	}
	ref, rb := scaleRunbook(t, n)
	run := checkOf(t, ref, nil, func(host string, _ activities.InspectInput) activities.Inspection {
		return activities.Inspection{Host: host} // nothing installed, nothing running
	})
	for kind, size := range run.largest {
		t.Logf("%6d B  %s (%s)", size, kind, run.where[kind])
		if size > maxPayload {
			t.Errorf("%s: %d bytes (%s), past %d", kind, size, run.where[kind], maxPayload)
		}
	}
	res := run.res
	if len(run.readIn) != len(rb.Hosts) || len(run.children) != len(checkBatches(runbooks.Loaded{Runbook: rb})) {
		t.Fatalf("%d of %d hosts read, in %d children", len(run.readIn), len(rb.Hosts), len(run.children))
	}
	for _, in := range run.inputs {
		if len(in.Hosts) > checkBatch || len(in.Focus) == 0 {
			t.Errorf("a child of %d hosts, focused on %d", len(in.Hosts), len(in.Focus))
		}
	}
	total := 0
	for _, c := range res.Counts {
		total += c.Count
	}
	if res.Total < 10*len(rb.Hosts) || total != res.Total || len(res.Findings) == 0 || len(res.Findings) > findingsInResult {
		t.Fatalf("%d findings listed, %d in all, %d counted", len(res.Findings), res.Total, total)
	}
	if !slices.Equal(res.CheckRuns, run.children) || res.Worst != findings.Critical {
		t.Errorf("runs %v, worst %s; want the children %v, critical", res.CheckRuns, res.Worst, run.children)
	}
	for _, f := range res.Findings {
		if f.Severity != findings.Critical {
			t.Errorf("a %s finding kept among more than %d critical ones: %+v", f.Severity, findingsInResult, f)
			break
		}
	}
	sorted := slices.Clone(res.Findings)
	findings.Sort(sorted)
	if !reflect.DeepEqual(sorted, res.Findings) {
		t.Error("the findings kept are not in a check's order")
	}
	if table := findingsTable(res); len(table) > maxPayload || !strings.Contains(table, "check/hosts-0 to check/hosts-") {
		t.Errorf("the page's table: %d bytes:\n%.2000s", len(table), table)
	}
}

// Batches hold every host once, in the runbook's order but for keeping
// each cluster and DRBD pair whole, none past checkBatch hosts; the
// runbook's outline, which a check of many hosts loads, gives the same.
func TestCheckBatchesKeepClustersAndPairsWhole(t *testing.T) {
	for _, opts := range []scale.Options{
		{Clients: 100},
		{Clients: 40, ClusterSize: 5},
		{Pairs: 40, Clients: 3},
		{Clients: 70, ClusterSize: 40, NoVolume: true}, // a cluster past a batch
	} {
		t.Run(fmt.Sprintf("%dp%dc%d", opts.Pairs, opts.Clients, opts.ClusterSize), func(t *testing.T) {
			ref := scaledWith(t, opts, "drbd-overwrite")
			rb, err := runbooks.Parse("t.yaml", []byte(ref.YAML))
			if err != nil {
				t.Fatal(err)
			}
			batches := checkBatches(runbooks.Loaded{Runbook: rb})
			outline, err := (&runbooks.Catalog{}).Outline(ref, checkInline)
			if err != nil || outline.Roster == nil {
				t.Fatalf("the outline: roster %v, %v", outline.Roster != nil, err)
			}
			if got := checkBatches(outline); !reflect.DeepEqual(got, batches) {
				t.Errorf("the outline's batches differ from the runbook's:\n%v\n%v", got, batches)
			}
			batchOf := map[string]int{}
			for k, b := range batches {
				for _, h := range b {
					if _, twice := batchOf[h]; twice {
						t.Errorf("%s in two batches", h)
					}
					batchOf[h] = k
				}
			}
			if len(batchOf) != len(rb.Hosts) {
				t.Errorf("%d hosts in batches of %d", len(batchOf), len(rb.Hosts))
			}
			for _, c := range rb.Clusters {
				members := rb.Members(c)
				for _, m := range members {
					if batchOf[m.FQDN] != batchOf[members[0].FQDN] {
						t.Errorf("cluster %s split: %s in batch %d, %s in %d", c.Name, m.FQDN, batchOf[m.FQDN], members[0].FQDN, batchOf[members[0].FQDN])
					}
				}
				if len(batches[batchOf[members[0].FQDN]]) > checkBatch && len(members) <= checkBatch {
					t.Errorf("batch %d: %d hosts", batchOf[members[0].FQDN], len(batches[batchOf[members[0].FQDN]]))
				}
			}
			for _, d := range rb.DRBD {
				if a, b := rb.FQDN(d.Hosts[0]), rb.FQDN(d.Hosts[1]); batchOf[a] != batchOf[b] {
					t.Errorf("pair %s split", d.Name)
				}
			}
		})
	}
}

// A CheckHosts child refuses, before reading any host, hosts that are not
// the runbook's by FQDN, none, one twice, or a plan.
func TestCheckHostsRefusesWhatIsNotItsRunbooksHosts(t *testing.T) {
	ref := manyClients(t, 2)
	for name, tc := range map[string]struct {
		in   any
		want string
	}{
		"a string for hosts": {json.RawMessage(`{"runbook": "scalable-storage", "hosts": "client0.example.org"}`), "hosts: a string where an array of strings belongs"},
		"no hosts":           {CheckHostsInput{Ref: ref}, "hosts:"},
		"not in the book":    {CheckHostsInput{Ref: ref, Hosts: []string{clientN(0), clientN(9)}}, "hosts[1]:"},
		"a short name":       {CheckHostsInput{Ref: ref, Hosts: []string{"client0"}}, "hosts[0]:"},
		"a host twice":       {CheckHostsInput{Ref: ref, Hosts: []string{clientN(0), clientN(1), clientN(0)}}, "hosts:"},
		"a plan requested":   {CheckHostsInput{Ref: ref, Hosts: []string{clientN(0)}, Planning: Planning{Plan: true}}, "no plan"},
	} {
		t.Run(name, func(t *testing.T) {
			env, rec := newEnv(t, nil)
			env.ExecuteWorkflow(CheckHostsName, tc.in)
			err := env.GetWorkflowError()
			wantErrType(t, err, activities.ErrBadInput)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("the refusal %v does not say %q", err, tc.want)
			}
			if calls := rec.list(); len(calls) != 0 {
				t.Errorf("a refused check ran %q", calls)
			}
		})
	}
}
