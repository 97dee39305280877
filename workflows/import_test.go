package workflows

import (
	"slices"
	"testing"

	"go.temporal.io/sdk/testsuite"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// The four imports of a client, one per export server, in runbook order.
var clientImports = []string{
	client0 + ` GNBDImport {"server":"storage0a.example.org","exports":["gnbd0a"]}`,
	client0 + ` GNBDImport {"server":"storage0b.example.org","exports":["gnbd0b"]}`,
	client0 + ` GNBDImport {"server":"storage1a.example.org","exports":["gnbd1a"]}`,
	client0 + ` GNBDImport {"server":"storage1b.example.org","exports":["gnbd1b"]}`,
}

func TestGNBDImportUndoesOnlyWhatItDid(t *testing.T) {
	const (
		// yum pulls the kernel in with the module: the undo removes it too.
		remove = client0 + ` RemovePackages {"packages":["kmod-gnbd-xen","gnbd","kernel-xen"]}`
		unload = client0 + ` UnloadModule {"name":"gnbd"}`
	)
	unimport := func(name string) string { return client0 + ` GNBDUnimport {"names":["` + name + `"]}` }
	for name, tc := range map[string]struct {
		probe activities.StorageProbeResult
		steps []string
		undo  []string
		// failUndo is what a failure of the import from storage1a undoes.
		failUndo []string
	}{
		"fresh host": {
			activities.StorageProbeResult{},
			[]string{"ProbeStorage", "EnsurePackages", "LoadModule", "GNBDImport", "GNBDImport", "GNBDImport", "GNBDImport"},
			[]string{remove, unload, unimport("gnbd0a"), unimport("gnbd0b"), unimport("gnbd1a"), unimport("gnbd1b")},
			[]string{unimport("gnbd1a"), unimport("gnbd0b"), unimport("gnbd0a"), unload, remove},
		},
		"pair 0 imported before": {
			activities.StorageProbeResult{
				Installed: []string{"kmod-gnbd-xen", "gnbd"}, Modules: []string{"gnbd"},
				Imports: []activities.GNBDImport{{Name: "gnbd0a"}, {Name: "gnbd0b"}},
			},
			[]string{"ProbeStorage", "LoadModule", "GNBDImport", "GNBDImport", "GNBDImport", "GNBDImport"},
			[]string{unimport("gnbd1a"), unimport("gnbd1b")},
			[]string{unimport("gnbd1a")},
		},
		"all imported before": {
			activities.StorageProbeResult{
				Installed: []string{"kmod-gnbd-xen", "gnbd"}, Modules: []string{"gnbd"},
				Imports: []activities.GNBDImport{{Name: "gnbd0a"}, {Name: "gnbd0b"}, {Name: "gnbd1a"}, {Name: "gnbd1b"}},
			},
			[]string{"ProbeStorage", "LoadModule", "GNBDImport", "GNBDImport", "GNBDImport", "GNBDImport"},
			nil,
			nil,
		},
	} {
		stubs := func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
			probeReturns(env, rec, tc.probe)
			on(env, rec, activities.EnsurePackagesName, func(_ string, in activities.PackagesInput) (activities.PackagesResult, error) {
				return activities.PackagesResult{Changed: append(slices.Clone(in.Packages), "kernel-xen")}, nil
			})
		}
		t.Run(name+": done", func(t *testing.T) {
			var imports journal
			env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
				stubs(env, rec)
				watch(env, rec, &imports, activities.GNBDImportName, activities.ImportInput{}, activities.Change{Changed: true})
			})
			env.ExecuteWorkflow(GNBDImportName, hostIn("client0", ""))
			res := resultOf[StepResult](t, env)
			if got := stepsOn(rec.list(), client0); !slices.Equal(got, tc.steps) || len(rec.list()) != len(got) {
				t.Errorf("steps:\n got %q\nwant %q on %s only", rec.list(), tc.steps, client0)
			}
			if got := imports.list(); !slices.Equal(got, clientImports) {
				t.Errorf("imports:\n got %q\nwant %q", got, clientImports)
			}
			if got := undoLines(res.Undo); !slices.Equal(got, tc.undo) {
				t.Errorf("undo log handed to the parent:\n got %q\nwant %q", got, tc.undo)
			}
		})
		t.Run(name+": an import fails", func(t *testing.T) {
			var undos journal
			env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
				stubs(env, rec)
				on(env, rec, activities.GNBDImportName, func(_ string, in activities.ImportInput) (activities.Change, error) {
					if in.Server == storage1a {
						return activities.Change{}, permanent(activities.ErrBadInput)
					}
					return activities.Change{Changed: true}, nil
				})
				watchUndos(env, rec, &undos)
			})
			env.ExecuteWorkflow(GNBDImportName, hostIn("client0", ""))
			wantErrType(t, env.GetWorkflowError(), activities.ErrBadInput)
			if got := undos.list(); !slices.Equal(got, tc.failUndo) {
				t.Errorf("undo:\n got %q\nwant %q", got, tc.failUndo)
			}
			if got := count(rec.list(), client0+" GNBDImport"); got != 3 {
				t.Errorf("%d imports, want 3: none after the failed one", got)
			}
		})
	}
}

func TestGNBDImportRetriesAServerNotReadyYet(t *testing.T) {
	attempts := 0
	var servers []string
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		on(env, rec, activities.GNBDImportName, func(_ string, in activities.ImportInput) (activities.Change, error) {
			if in.Server == storage0b {
				attempts++
				if attempts <= 2 {
					// gnbd_serv on storage0b is not up yet.
					return activities.Change{}, notReady()
				}
			}
			servers = append(servers, in.Server)
			return activities.Change{Changed: true}, nil
		})
	})
	env.ExecuteWorkflow(GNBDImportName, hostIn("client1", ""))
	res := resultOf[StepResult](t, env)
	if attempts != 3 {
		t.Errorf("imports from storage0b = %d, want 3", attempts)
	}
	if want := []string{storage0a, storage0b, storage1a, storage1b}; !slices.Equal(servers, want) {
		t.Errorf("imported from %q, want %q", servers, want)
	}
	if slices.Contains(rec.list(), client1+" GNBDUnimport") || len(res.Undo) != 6 {
		t.Errorf("a run that succeeded after retries: calls %q, undo log %d long, want 6", rec.list(), len(res.Undo))
	}
}

func TestGNBDImportStopsAtOnceOnAMissingModule(t *testing.T) {
	attempts := 0
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		on(env, rec, activities.LoadModuleName, func(string, activities.ModuleInput) (activities.Change, error) {
			attempts++
			return activities.Change{}, permanent(activities.ErrPackageMissing)
		})
	})
	env.ExecuteWorkflow(GNBDImportName, hostIn("client0", ""))
	wantErrType(t, env.GetWorkflowError(), activities.ErrPackageMissing)
	if attempts != 1 {
		t.Errorf("LoadModule attempts = %d, want 1", attempts)
	}
	want := []string{"ProbeStorage", "EnsurePackages", "LoadModule", "UnloadModule", "RemovePackages"}
	if got := stepsOn(rec.list(), client0); !slices.Equal(got, want) {
		t.Errorf("steps:\n got %q\nwant %q", got, want)
	}
}
