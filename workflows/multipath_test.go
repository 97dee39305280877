package workflows

import (
	"encoding/json"
	"slices"
	"testing"

	"go.temporal.io/sdk/testsuite"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// The maps of the blog: one per pair, over both of its exports.
const blogMaps = `{"maps":[{"uid":0,"exports":["gnbd0a","gnbd0b"]},{"uid":1,"exports":["gnbd1a","gnbd1b"]}]}`

func TestMultipathUndoesOnlyWhatItDid(t *testing.T) {
	packaged := activities.FileState{Path: activities.MultipathConfPath, Exists: true, Content: "blacklist {\n devnode \"*\"\n}\n"}
	site := activities.FileState{Path: activities.MultipathConfPath, Exists: true, Content: "# site file\n"}
	undoConf := func(conf activities.FileState) string {
		data, _ := json.Marshal(activities.UndoMultipathInput{Conf: conf})
		return client0 + " UndoMultipath " + string(data)
	}
	const remove = client0 + ` RemovePackages {"packages":["device-mapper-multipath"]}`
	for name, tc := range map[string]struct {
		probes []activities.StorageProbeResult // answered in turn, the last from then on
		steps  []string
		undo   []string
	}{
		"fresh host, the package writes the file": {
			[]activities.StorageProbeResult{{}, {MultipathConf: packaged}},
			[]string{"ProbeStorage", "EnsurePackages", "ProbeStorage", "ConfigureMultipath", "MultipathMaps"},
			[]string{remove, undoConf(packaged)},
		},
		"a file there before the package": {
			[]activities.StorageProbeResult{{MultipathConf: site}, {MultipathConf: packaged}},
			[]string{"ProbeStorage", "EnsurePackages", "ConfigureMultipath", "MultipathMaps"},
			[]string{remove, undoConf(site)},
		},
		"installed, multipathd stopped": {
			[]activities.StorageProbeResult{{Installed: []string{"device-mapper-multipath"}, MultipathConf: packaged}},
			[]string{"ProbeStorage", "ConfigureMultipath", "MultipathMaps"},
			[]string{undoConf(packaged)},
		},
		"multipathd running": {
			[]activities.StorageProbeResult{{Installed: []string{"device-mapper-multipath"}, MultipathConf: packaged, MultipathdRunning: true}},
			[]string{"ProbeStorage", "ConfigureMultipath", "MultipathMaps"},
			nil,
		},
	} {
		stubs := func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
			n := 0
			on(env, rec, activities.ProbeStorageName, func(string, activities.StorageProbeInput) (activities.StorageProbeResult, error) {
				p := tc.probes[min(n, len(tc.probes)-1)]
				n++
				return p, nil
			})
		}
		t.Run(name+": done", func(t *testing.T) {
			var maps journal
			env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
				stubs(env, rec)
				watch(env, rec, &maps, activities.ConfigureMultipathName, activities.MultipathInput{}, activities.MultipathResult{Changed: true})
				watch(env, rec, &maps, activities.MultipathMapsName, activities.MultipathInput{}, activities.MultipathResult{})
			})
			env.ExecuteWorkflow(MultipathName, hostIn("client0", ""))
			res := resultOf[StepResult](t, env)
			if got := stepsOn(rec.list(), client0); !slices.Equal(got, tc.steps) || len(rec.list()) != len(got) {
				t.Errorf("steps:\n got %q\nwant %q on %s only", rec.list(), tc.steps, client0)
			}
			want := []string{client0 + " ConfigureMultipath " + blogMaps, client0 + " MultipathMaps " + blogMaps}
			if got := maps.list(); !slices.Equal(got, want) {
				t.Errorf("maps:\n got %q\nwant %q", got, want)
			}
			if got := undoLines(res.Undo); !slices.Equal(got, tc.undo) {
				t.Errorf("undo log handed to the parent:\n got %q\nwant %q", got, tc.undo)
			}
		})
		t.Run(name+": the maps never form", func(t *testing.T) {
			var undos journal
			env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
				stubs(env, rec)
				on(env, rec, activities.MultipathMapsName, func(string, activities.MultipathInput) (activities.MultipathResult, error) {
					return activities.MultipathResult{}, permanent(activities.ErrBadConfig)
				})
				watchUndos(env, rec, &undos)
			})
			env.ExecuteWorkflow(MultipathName, hostIn("client0", ""))
			wantErrType(t, env.GetWorkflowError(), activities.ErrBadConfig)
			if got, want := undos.list(), reversed(tc.undo); !slices.Equal(got, want) {
				t.Errorf("undo:\n got %q\nwant %q", got, want)
			}
			if got := count(rec.list(), client0+" MultipathMaps"); got != 1 {
				t.Errorf("MultipathMaps ran %d times, want 1 (BadClusterConf is not retryable)", got)
			}
		})
	}
}

func TestMultipathWaitsForTheMapsToForm(t *testing.T) {
	attempts := 0
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		on(env, rec, activities.MultipathMapsName, func(string, activities.MultipathInput) (activities.MultipathResult, error) {
			attempts++
			if attempts <= 2 {
				return activities.MultipathResult{}, notReady()
			}
			return activities.MultipathResult{}, nil
		})
	})
	env.ExecuteWorkflow(MultipathName, hostIn("client1", ""))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if attempts != 3 {
		t.Errorf("MultipathMaps attempts = %d, want 3", attempts)
	}
	if slices.Contains(rec.list(), client1+" UndoMultipath") {
		t.Errorf("a run that succeeded after retries ran an undo: %q", rec.list())
	}
}
