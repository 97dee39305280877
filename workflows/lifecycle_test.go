package workflows

import (
	"slices"
	"strings"
	"testing"

	"go.temporal.io/sdk/testsuite"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

var (
	clients      = []string{client0, client1}
	storageHosts = []string{storage0a, storage0b, storage1a, storage1b}
)

// planFor gives every host of hosts the same staged steps.
func planFor(plan map[string][]staged, hosts []string, steps ...staged) {
	for _, h := range hosts {
		plan[h] = steps
	}
}

// shutdownPlan is Shutdown (and Teardown without its volume stage) on the
// blog's six hosts, stage by stage in the safe order of PROCEDURES.md.
func shutdownPlan() map[string][]staged {
	plan := map[string][]staged{}
	planFor(plan, clients,
		staged{1, "UnmountFilesystem"}, staged{1, "ProbeStorage"},
		staged{2, "StopService"}, staged{2, "ProbeStorage"},
		staged{3, "StopMultipath"}, staged{3, "ProbeStorage"},
		staged{4, "GNBDUnimport"}, staged{4, "ProbeStorage"},
		staged{7, "StopCman"})
	planFor(plan, storageHosts,
		staged{5, "GNBDUnexport"}, staged{5, "GNBDStopServe"}, staged{5, "ProbeStorage"},
		staged{6, "DRBDDown"},
		staged{7, "StopCman"})
	return plan
}

var shutdownStageNames = []string{
	"unmount GFS2", "stop clvmd", "flush multipath, stop multipathd", "remove GNBD imports",
	"remove GNBD exports, stop gnbd_serv", "DRBD down", "stop cman",
}

// watchRemovals journals what Shutdown and Teardown take away, by name.
func watchRemovals(env *testsuite.TestWorkflowEnvironment, rec *recorder, j *journal) {
	watch(env, rec, j, activities.GNBDUnimportName, activities.UnimportInput{}, activities.Change{Changed: true})
	watch(env, rec, j, activities.GNBDUnexportName, activities.UnexportInput{}, activities.Change{Changed: true})
	watch(env, rec, j, activities.StopServiceName, activities.ServiceInput{}, activities.Change{Changed: true})
}

func wantRemovals(t *testing.T, j *journal) {
	t.Helper()
	got := j.list()
	slices.Sort(got) // hosts of a stage run at once
	want := []string{
		client0 + ` GNBDUnimport {"names":["gnbd0a","gnbd0b","gnbd1a","gnbd1b"]}`,
		client0 + ` StopService {"name":"clvmd"}`,
		client1 + ` GNBDUnimport {"names":["gnbd0a","gnbd0b","gnbd1a","gnbd1b"]}`,
		client1 + ` StopService {"name":"clvmd"}`,
		storage0a + ` GNBDUnexport {"names":["gnbd0a"]}`,
		storage0b + ` GNBDUnexport {"names":["gnbd0b"]}`,
		storage1a + ` GNBDUnexport {"names":["gnbd1a"]}`,
		storage1b + ` GNBDUnexport {"names":["gnbd1b"]}`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("removals:\n got %q\nwant %q", got, want)
	}
}

func TestShutdownStopsTheStackStageByStageInTheSafeOrder(t *testing.T) {
	var j journal
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		watchRemovals(env, rec, &j)
	})
	env.ExecuteWorkflow(ShutdownName, stackIn(""))
	var res LifecycleResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	checkStages(t, rec.list(), shutdownPlan())
	if !slices.Equal(res.Stages, shutdownStageNames) {
		t.Errorf("stages:\n got %q\nwant %q", res.Stages, shutdownStageNames)
	}
	wantRemovals(t, &j)
}

// A stage whose check still finds its layer up ends the run before the
// next stage touches any host, and nothing is started again.
func TestShutdownStopsWhereAStageCheckFails(t *testing.T) {
	for name, tc := range map[string]struct {
		host  string
		probe activities.StorageProbeResult
		err   string
		next  string // the first activity of the next stage
	}{
		"still mounted":     {client1, activities.StorageProbeResult{Mounts: mountedAtMnt}, "unmount GFS2: check on " + client1 + ": still mounted", "StopService"},
		"clvmd still runs":  {client0, activities.StorageProbeResult{ClvmdRunning: true}, "stop clvmd: check on " + client0 + ": clvmd still runs", "StopMultipath"},
		"multipathd runs":   {client1, activities.StorageProbeResult{MultipathdRunning: true}, "flush multipath, stop multipathd: check on " + client1 + ": multipathd still runs", "GNBDUnimport"},
		"imports remain":    {client0, activities.StorageProbeResult{Imports: []activities.GNBDImport{{Name: "gnbd1b"}}}, "remove GNBD imports: check on " + client0 + ": imports remain", "GNBDUnexport"},
		"gnbd_serv running": {storage1b, activities.StorageProbeResult{GNBDServing: true}, "remove GNBD exports, stop gnbd_serv: check on " + storage1b + ": gnbd_serv still runs", "DRBDDown"},
	} {
		t.Run(name, func(t *testing.T) {
			env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
				on(env, rec, activities.ProbeStorageName, func(host string, _ activities.StorageProbeInput) (activities.StorageProbeResult, error) {
					if host == tc.host {
						return tc.probe, nil
					}
					return activities.StorageProbeResult{}, nil
				})
			})
			env.ExecuteWorkflow(ShutdownName, stackIn(""))
			err := env.GetWorkflowError()
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error = %v, want %q", err, tc.err)
			}
			for _, c := range rec.list() {
				_, activity, _ := strings.Cut(c, " ")
				if activity == tc.next || activity == "StopCman" || strings.HasPrefix(activity, "Start") || activity == "MountFilesystem" {
					t.Errorf("%q ran after the check failed", c)
				}
			}
		})
	}
}

func TestShutdownStopsAtOnceOnAPermanentError(t *testing.T) {
	attempts := 0
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		on(env, rec, activities.StopMultipathName, func(host string, _ activities.MultipathInput) (activities.Change, error) {
			if host == client0 {
				attempts++
				return activities.Change{}, permanent(activities.ErrBadConfig)
			}
			return activities.Change{Changed: true}, nil
		})
	})
	env.ExecuteWorkflow(ShutdownName, stackIn(""))
	err := env.GetWorkflowError()
	wantErrType(t, err, activities.ErrBadConfig)
	if !strings.Contains(err.Error(), "flush multipath, stop multipathd") {
		t.Errorf("error = %v, want it to name the stage", err)
	}
	if attempts != 1 {
		t.Errorf("StopMultipath on client0 ran %d times, want 1", attempts)
	}
	if calls := rec.list(); slices.ContainsFunc(calls, func(c string) bool { return strings.HasSuffix(c, " GNBDUnimport") }) {
		t.Errorf("imports were removed under a multipath that did not stop: %q", calls)
	}
}

// startupPlan is Startup on the blog's six hosts: the reverse of Shutdown.
func startupPlan() map[string][]staged {
	plan := map[string][]staged{}
	cman := []staged{{1, "StartCman"}, {1, "Membership"}}
	planFor(plan, storageHosts, append(slices.Clone(cman),
		staged{2, "LoadModule"}, staged{2, "DRBDUp"}, staged{2, "DRBDWait"}, staged{2, "DRBDPrimary"}, staged{2, "DRBDWait"},
		staged{3, "GNBDServe"}, staged{3, "GNBDExport"})...)
	planFor(plan, clients, append(slices.Clone(cman),
		staged{4, "LoadModule"}, staged{4, "GNBDImport"}, staged{4, "GNBDImport"}, staged{4, "GNBDImport"}, staged{4, "GNBDImport"},
		staged{5, "StartService"}, staged{5, "MultipathMaps"},
		staged{6, "StartService"}, staged{6, "LogicalVolume"},
		staged{7, "MountFilesystem"}, staged{7, "ProbeStorage"})...)
	return plan
}

func mountedProbe(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
	probeReturns(env, rec, activities.StorageProbeResult{Mounts: mountedAtMnt})
}

func TestStartupStartsTheStackStageByStageInTheReverseOrder(t *testing.T) {
	var j journal
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		mountedProbe(env, rec)
		watch(env, rec, &j, activities.StartCmanName, activities.ClusterInput{}, activities.Change{Changed: true})
		watch(env, rec, &j, activities.StartServiceName, activities.ServiceInput{}, activities.Change{Changed: true})
	})
	env.ExecuteWorkflow(StartupName, stackIn(""))
	var res LifecycleResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	checkStages(t, rec.list(), startupPlan())
	want := []string{"start cman", "DRBD up, both primary", "gnbd_serv, exports", "GNBD imports", "multipathd, maps", "clvmd", "mount GFS2"}
	if !slices.Equal(res.Stages, want) {
		t.Errorf("stages:\n got %q\nwant %q", res.Stages, want)
	}
	got := j.list()
	slices.Sort(got)
	wantStarts := []string{
		client0 + ` StartCman {"cluster":"client"}`,
		client0 + ` StartService {"name":"clvmd"}`,
		client0 + ` StartService {"name":"multipathd"}`,
		client1 + ` StartCman {"cluster":"client"}`,
		client1 + ` StartService {"name":"clvmd"}`,
		client1 + ` StartService {"name":"multipathd"}`,
		storage0a + ` StartCman {"cluster":"storage0"}`,
		storage0b + ` StartCman {"cluster":"storage0"}`,
		storage1a + ` StartCman {"cluster":"storage1"}`,
		storage1b + ` StartCman {"cluster":"storage1"}`,
	}
	if !slices.Equal(got, wantStarts) {
		t.Errorf("starts:\n got %q\nwant %q", got, wantStarts)
	}
	// multipathd comes up before clvmd on each client.
	for _, h := range clients {
		if i, k := slices.Index(j.list(), h+` StartService {"name":"multipathd"}`), slices.Index(j.list(), h+` StartService {"name":"clvmd"}`); i > k {
			t.Errorf("%s: clvmd started before multipathd", h)
		}
	}
}

func TestStartupWaitsForEachClusterToBecomeQuorate(t *testing.T) {
	attempts := 0
	env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		mountedProbe(env, rec)
		on(env, rec, activities.MembershipName, func(host string, _ activities.MembershipInput) (activities.MembershipResult, error) {
			if host == client1 {
				if attempts++; attempts <= 2 {
					return activities.MembershipResult{}, notReady()
				}
			}
			return activities.MembershipResult{Status: activities.ClusterStatus{Quorate: true}}, nil
		})
	})
	env.ExecuteWorkflow(StartupName, stackIn(""))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if attempts != 3 {
		t.Errorf("Membership on client1 ran %d times, want 3", attempts)
	}
}

func TestStartupStopsAtAFailedStageWithoutUndoing(t *testing.T) {
	attempts := 0
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		mountedProbe(env, rec)
		on(env, rec, activities.DRBDUpName, func(host string, _ activities.DRBDInput) (activities.Change, error) {
			if host == storage1b {
				attempts++
				return activities.Change{}, permanent(activities.ErrNoDisk)
			}
			return activities.Change{Changed: true}, nil
		})
	})
	env.ExecuteWorkflow(StartupName, stackIn(""))
	err := env.GetWorkflowError()
	wantErrType(t, err, activities.ErrNoDisk)
	if !strings.Contains(err.Error(), "DRBD up, both primary") {
		t.Errorf("error = %v, want it to name the stage", err)
	}
	if attempts != 1 {
		t.Errorf("DRBDUp on storage1b ran %d times, want 1", attempts)
	}
	for _, c := range rec.list() {
		_, activity, _ := strings.Cut(c, " ")
		if activity == "GNBDServe" || strings.HasPrefix(activity, "Stop") || activity == "DRBDDown" {
			t.Errorf("%q ran after the DRBD stage failed", c)
		}
	}
}

func TestStartupFailsWhenTheMountCheckFindsNothing(t *testing.T) {
	env, rec := newEnv(t, nil) // the probe never shows /mnt mounted
	env.ExecuteWorkflow(StartupName, stackIn(""))
	err := env.GetWorkflowError()
	if err == nil || !strings.Contains(err.Error(), "mount GFS2: check on ") || !strings.Contains(err.Error(), "not mounted") {
		t.Fatalf("error = %v, want the mount check to fail", err)
	}
	if got := count(rec.list(), client0+" MountFilesystem") + count(rec.list(), client1+" MountFilesystem"); got != 2 {
		t.Errorf("mounts = %d, want one per client", got)
	}
}
