package workflows

import (
	"slices"
	"strings"
	"testing"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// GNBDExport does and undoes only what the probe did not find, and a later
// failure undoes exactly that, the last first.
func TestGNBDExportUndoesOnlyWhatItDid(t *testing.T) {
	const (
		remove  = storage0a + ` RemovePackages {"packages":["gnbd"]}`
		stop    = storage0a + ` GNBDStopServe {}`
		unexprt = storage0a + ` GNBDUnexport {"names":["gnbd0a"]}`
	)
	for name, tc := range map[string]struct {
		probe activities.StorageProbeResult
		steps []string
		undo  []string
	}{
		"fresh host": {
			activities.StorageProbeResult{},
			[]string{"ProbeStorage", "EnsurePackages", "GNBDServe", "GNBDExport"},
			[]string{remove, stop, unexprt},
		},
		"gnbd installed, not serving": {
			activities.StorageProbeResult{Installed: []string{"gnbd"}},
			[]string{"ProbeStorage", "GNBDServe", "GNBDExport"},
			[]string{stop, unexprt},
		},
		"already exported": {
			activities.StorageProbeResult{Installed: []string{"gnbd"}, GNBDServing: true, Exports: []activities.GNBDExport{{Name: "gnbd0a"}}},
			[]string{"ProbeStorage", "GNBDServe", "GNBDExport"},
			nil,
		},
	} {
		t.Run(name+": done", func(t *testing.T) {
			var exports journal
			env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
				probeReturns(env, rec, tc.probe)
				watch(env, rec, &exports, activities.GNBDExportName, activities.ExportInput{}, activities.Change{Changed: true})
			})
			env.ExecuteWorkflow(GNBDExportName, hostIn("storage0a", ""))
			res := resultOf[StepResult](t, env)
			if got := stepsOn(rec.list(), storage0a); !slices.Equal(got, tc.steps) || len(rec.list()) != len(got) {
				t.Errorf("steps:\n got %q\nwant %q on %s only", rec.list(), tc.steps, storage0a)
			}
			if got, want := exports.list(), []string{storage0a + ` GNBDExport {"device":"/dev/drbd0","name":"gnbd0a","uid":0}`}; !slices.Equal(got, want) {
				t.Errorf("exports:\n got %q\nwant %q", got, want)
			}
			if got := undoLines(res.Undo); !slices.Equal(got, tc.undo) {
				t.Errorf("undo log handed to the parent:\n got %q\nwant %q", got, tc.undo)
			}
		})
		t.Run(name+": export fails", func(t *testing.T) {
			var undos journal
			env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
				probeReturns(env, rec, tc.probe)
				on(env, rec, activities.GNBDExportName, func(string, activities.ExportInput) (activities.Change, error) {
					return activities.Change{}, permanent(activities.ErrNoDisk)
				})
				watchUndos(env, rec, &undos)
			})
			env.ExecuteWorkflow(GNBDExportName, hostIn("storage0a", ""))
			wantErrType(t, env.GetWorkflowError(), activities.ErrNoDisk)
			if got, want := undos.list(), reversed(tc.undo); !slices.Equal(got, want) {
				t.Errorf("undo:\n got %q\nwant %q", got, want)
			}
			if got := len(callsAfter(rec.list(), storage0a+" GNBDExport")); got != len(tc.undo) {
				t.Errorf("%d calls after the failed export, want only the %d undos: %q", got, len(tc.undo), rec.list())
			}
		})
	}
}

func TestGNBDExportExportsEachHostUnderItsPairsUID(t *testing.T) {
	for host, want := range map[string]string{
		"storage0b": storage0b + ` GNBDExport {"device":"/dev/drbd0","name":"gnbd0b","uid":0}`,
		"storage1a": storage1a + ` GNBDExport {"device":"/dev/drbd0","name":"gnbd1a","uid":1}`,
		"storage1b": storage1b + ` GNBDExport {"device":"/dev/drbd0","name":"gnbd1b","uid":1}`,
	} {
		t.Run(host, func(t *testing.T) {
			var exports journal
			env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
				watch(env, rec, &exports, activities.GNBDExportName, activities.ExportInput{}, activities.Change{Changed: true})
			})
			env.ExecuteWorkflow(GNBDExportName, hostIn(host, ""))
			if err := env.GetWorkflowError(); err != nil {
				t.Fatal(err)
			}
			if got := exports.list(); !slices.Equal(got, []string{want}) {
				t.Errorf("exports:\n got %q\nwant %q", got, want)
			}
		})
	}
}

func TestGNBDExportRetriesGNBDServWhileCmanSettles(t *testing.T) {
	attempts := 0
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		on(env, rec, activities.GNBDServeName, func(string, activities.ServerInput) (activities.Change, error) {
			attempts++
			if attempts <= 2 {
				return activities.Change{}, notReady()
			}
			return activities.Change{Changed: true}, nil
		})
	})
	env.ExecuteWorkflow(GNBDExportName, hostIn("storage0a", ""))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if attempts != 3 {
		t.Errorf("GNBDServe attempts = %d, want 3", attempts)
	}
	if got := rec.list(); slices.Contains(got, storage0a+" GNBDStopServe") {
		t.Errorf("a run that succeeded after retries ran an undo: %q", got)
	}
}

func TestGNBDExportStopsAtOnceOnAMissingPackage(t *testing.T) {
	attempts := 0
	var undos journal
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		on(env, rec, activities.EnsurePackagesName, func(string, activities.PackagesInput) (activities.PackagesResult, error) {
			attempts++
			return activities.PackagesResult{}, permanent(activities.ErrPackageMissing)
		})
		watchUndos(env, rec, &undos)
	})
	env.ExecuteWorkflow(GNBDExportName, hostIn("storage0a", ""))
	wantErrType(t, env.GetWorkflowError(), activities.ErrPackageMissing)
	if attempts != 1 {
		t.Errorf("EnsurePackages attempts = %d, want 1 (PackageMissing is not retryable)", attempts)
	}
	if slices.Contains(rec.list(), storage0a+" GNBDServe") {
		t.Errorf("gnbd_serv started without its package: %q", rec.list())
	}
	// yum may have half-installed: the removal is pushed for what was missing.
	if got, want := undos.list(), []string{storage0a + ` RemovePackages {"packages":["gnbd"]}`}; !slices.Equal(got, want) {
		t.Errorf("undo:\n got %q\nwant %q", got, want)
	}
}

// An undo whose host's agent does not take it (a pickup timeout) marks the
// host gone: its other undos are reported pending at once instead of each
// waiting out the pickup bound, and the run says a person is needed.
func TestUndoReportsAGoneHostsUndosPending(t *testing.T) {
	var tried journal
	env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		probeReturns(env, rec, activities.StorageProbeResult{})
		on(env, rec, activities.GNBDExportName, func(string, activities.ExportInput) (activities.Change, error) {
			return activities.Change{}, permanent(activities.ErrNoDisk)
		})
		on(env, rec, activities.GNBDUnexportName, func(host string, _ activities.UnexportInput) (activities.Change, error) {
			tried.mu.Lock()
			tried.entries = append(tried.entries, "GNBDUnexport")
			tried.mu.Unlock()
			return activities.Change{}, temporal.NewTimeoutError(enums.TIMEOUT_TYPE_SCHEDULE_TO_START, nil)
		})
		watch(env, rec, &tried, activities.GNBDStopServeName, activities.ServerInput{}, activities.Change{Changed: true})
		watch(env, rec, &tried, activities.RemovePackagesName, activities.PackagesInput{}, activities.PackagesResult{})
	})
	env.ExecuteWorkflow(GNBDExportName, hostIn("storage0a", ""))
	err := env.GetWorkflowError()
	wantErrType(t, err, ErrUndoFailed)
	if got := tried.list(); !slices.Equal(got, []string{"GNBDUnexport"}) {
		t.Errorf("undos tried on a host whose agent is gone: %q, want only the first", got)
	}
	if err != nil && strings.Count(err.Error(), "pending, its agent is gone") != 2 {
		t.Errorf("error %q does not report the two remaining undos as pending", err)
	}
}
