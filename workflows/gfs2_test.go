package workflows

import (
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/sign"
)

const (
	mkfsStep = "mkfs:/dev/VG0/LV0"
	blogFS   = `{"device":"/dev/VG0/LV0","lock_table":"client:gfs2","journals":4,"mountpoint":"/mnt"}`
)

var mountedAtMnt = []activities.Mount{{Device: "/dev/mapper/VG0-LV0", Dir: "/mnt", Type: "gfs2"}}

// gfs2Probes answers each client's probe from probes, by FQDN.
func gfs2Probes(env *testsuite.TestWorkflowEnvironment, rec *recorder, probes map[string]activities.StorageProbeResult) {
	on(env, rec, activities.ProbeStorageName, func(host string, _ activities.StorageProbeInput) (activities.StorageProbeResult, error) {
		return probes[host], nil
	})
}

func signature(env *testsuite.TestWorkflowEnvironment, rec *recorder, sig string) {
	on(env, rec, activities.SignaturesName, func(string, activities.SignatureInput) (activities.SignatureResult, error) {
		return activities.SignatureResult{Signatures: []string{sig}}, nil
	})
}

func TestGFS2FormatsAfterApprovalThenMountsAndChecks(t *testing.T) {
	var fs journal
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		watch(env, rec, &fs, activities.MakeFilesystemName, activities.FilesystemInput{}, activities.Change{Changed: true})
		watch(env, rec, &fs, activities.MountFilesystemName, activities.FilesystemInput{}, activities.Change{Changed: true})
	})
	var waiting, before []string
	env.RegisterDelayedCallback(func() {
		waiting, before = pending(t, env), rec.list()
		env.SignalWorkflow(ApproveSignal, ApprovalRequest{Step: "mkfs:/dev/VG9/LV9", By: "mallory", Approve: true}) // dropped
		env.SignalWorkflow(ApproveSignal, ApprovalRequest{Step: mkfsStep, By: "dana", Approve: true})
	}, time.Hour)
	env.ExecuteWorkflow(GFS2Name, stackIn(""))
	res := resultOf[StepResult](t, env)
	asked := []string{
		client0 + " ProbeStorage", client0 + " EnsurePackages",
		client1 + " ProbeStorage", client1 + " EnsurePackages",
		client0 + " Signatures",
	}
	if !slices.Equal(waiting, []string{mkfsStep}) || !slices.Equal(before, asked) {
		t.Errorf("while waiting: pending %q, calls\n got %q\nwant %q", waiting, before, asked)
	}
	want := append(asked,
		client0+" MakeFilesystem", client0+" MountFilesystem", client1+" MountFilesystem",
		client0+" TouchFile", client1+" ListFiles")
	if got := rec.list(); !slices.Equal(got, want) {
		t.Errorf("steps:\n got %q\nwant %q", got, want)
	}
	wantFS := []string{client0 + " MakeFilesystem " + blogFS, client0 + " MountFilesystem " + blogFS, client1 + " MountFilesystem " + blogFS}
	if got := fs.list(); !slices.Equal(got, wantFS) {
		t.Errorf("filesystem inputs:\n got %q\nwant %q", got, wantFS)
	}
	if len(res.Approvals) != 1 || res.Approvals[0] != (Approval{Step: mkfsStep, By: "dana", Approved: true, How: sign.Unsigned}) {
		t.Errorf("approvals: %+v", res.Approvals)
	}
	if want := []string{client0 + ": /dev/VG0/LV0 formatted as GFS2 client:gfs2 (approved by dana)"}; !slices.Equal(res.Irreversible, want) {
		t.Errorf("irreversible:\n got %q\nwant %q", res.Irreversible, want)
	}
	if want := []string{"ieiri created on " + client0 + ", listed on " + client1 + ": [ieiri]"}; !slices.Equal(res.Checks, want) {
		t.Errorf("checks:\n got %q\nwant %q", res.Checks, want)
	}
}

func TestGFS2UndoesOnlyWhatItDid(t *testing.T) {
	const (
		remove0 = client0 + ` RemovePackages {"packages":["gfs2-utils"]}`
		remove1 = client1 + ` RemovePackages {"packages":["gfs2-utils"]}`
		umount0 = client0 + " UnmountFilesystem " + blogFS
		umount1 = client1 + " UnmountFilesystem " + blogFS
	)
	installed := activities.StorageProbeResult{Installed: []string{"gfs2-utils"}}
	mounted := activities.StorageProbeResult{Installed: []string{"gfs2-utils"}, Mounts: mountedAtMnt}
	for name, tc := range map[string]struct {
		probes map[string]activities.StorageProbeResult
		sig    string
		steps  []string
		undo   []string
	}{
		"fresh clients, blank volume": {
			nil, "",
			[]string{
				client0 + " ProbeStorage", client0 + " EnsurePackages", client1 + " ProbeStorage", client1 + " EnsurePackages",
				client0 + " Signatures", client0 + " MakeFilesystem",
				client0 + " MountFilesystem", client1 + " MountFilesystem", client0 + " TouchFile", client1 + " ListFiles",
			},
			[]string{remove0, remove1, umount0, umount1},
		},
		"formatted, mounted on client0 only": {
			map[string]activities.StorageProbeResult{client0: mounted, client1: installed}, `TYPE="gfs2"`,
			[]string{
				client0 + " ProbeStorage", client1 + " ProbeStorage", client0 + " Signatures",
				client0 + " MountFilesystem", client1 + " MountFilesystem", client0 + " TouchFile", client1 + " ListFiles",
			},
			[]string{umount1},
		},
		"all done before": {
			map[string]activities.StorageProbeResult{client0: mounted, client1: mounted}, `TYPE="gfs2"`,
			[]string{
				client0 + " ProbeStorage", client1 + " ProbeStorage", client0 + " Signatures",
				client0 + " MountFilesystem", client1 + " MountFilesystem", client0 + " TouchFile", client1 + " ListFiles",
			},
			nil,
		},
	} {
		stubs := func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
			gfs2Probes(env, rec, tc.probes)
			signature(env, rec, tc.sig)
		}
		t.Run(name+": done", func(t *testing.T) {
			env, rec := newEnv(t, stubs)
			env.ExecuteWorkflow(GFS2Name, stackAuto("mkfs"))
			res := resultOf[StepResult](t, env)
			if got := rec.list(); !slices.Equal(got, tc.steps) {
				t.Errorf("steps:\n got %q\nwant %q", got, tc.steps)
			}
			if got := undoLines(res.Undo); !slices.Equal(got, tc.undo) {
				t.Errorf("undo log:\n got %q\nwant %q", got, tc.undo)
			}
		})
		t.Run(name+": the check fails", func(t *testing.T) {
			var undos journal
			env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
				stubs(env, rec)
				on(env, rec, activities.ListFilesName, func(string, activities.FileCheckInput) (activities.FileCheckResult, error) {
					return activities.FileCheckResult{}, permanent(activities.ErrBadInput)
				})
				watchUndos(env, rec, &undos)
			})
			env.ExecuteWorkflow(GFS2Name, stackAuto("mkfs"))
			wantErrType(t, env.GetWorkflowError(), activities.ErrBadInput)
			if got, want := undos.list(), reversed(tc.undo); !slices.Equal(got, want) {
				t.Errorf("undo:\n got %q\nwant %q", got, want)
			}
			if got := rec.list(); !slices.Equal(got[:len(tc.steps)], tc.steps) || len(got) != len(tc.steps)+len(tc.undo) {
				t.Errorf("calls:\n got %q\nwant %q and the undo", got, tc.steps)
			}
		})
	}
}

func TestGFS2AutoApprovalIsRecorded(t *testing.T) {
	env, _ := newEnv(t, nil)
	env.ExecuteWorkflow(GFS2Name, stackAuto("mkfs"))
	res := resultOf[StepResult](t, env)
	if len(res.Approvals) != 1 || res.Approvals[0] != (Approval{Step: mkfsStep, By: "runbook", Approved: true, Auto: true, How: sign.ByRunbook}) {
		t.Errorf("approvals: %+v", res.Approvals)
	}
}

func TestGFS2RejectedMkfsIsUndoneWithoutFormatting(t *testing.T) {
	var undos journal
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		watchUndos(env, rec, &undos)
	})
	var answer error
	approveAt(env, time.Hour, ApprovalRequest{Step: mkfsStep, By: "erin", Approve: false, Reason: "wrong volume"}, &answer)
	env.ExecuteWorkflow(GFS2Name, stackIn(""))
	err := env.GetWorkflowError()
	wantErrType(t, err, activities.ErrRejected)
	if !strings.Contains(err.Error(), "erin") || answer != nil {
		t.Errorf("error %v, update answer %v: want a rejection by erin, accepted", err, answer)
	}
	for _, c := range rec.list() {
		if strings.HasSuffix(c, " MakeFilesystem") || strings.HasSuffix(c, " MountFilesystem") {
			t.Errorf("%q ran after a rejection", c)
		}
	}
	want := []string{client1 + ` RemovePackages {"packages":["gfs2-utils"]}`, client0 + ` RemovePackages {"packages":["gfs2-utils"]}`}
	if got := undos.list(); !slices.Equal(got, want) {
		t.Errorf("undo:\n got %q\nwant %q", got, want)
	}
}

func TestGFS2StopsAtOnceOnAFailedMkfs(t *testing.T) {
	attempts := 0
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		on(env, rec, activities.MakeFilesystemName, func(string, activities.FilesystemInput) (activities.Change, error) {
			attempts++
			return activities.Change{}, permanent(activities.ErrNoDisk)
		})
	})
	env.ExecuteWorkflow(GFS2Name, stackAuto("mkfs"))
	wantErrType(t, env.GetWorkflowError(), activities.ErrNoDisk)
	if attempts != 1 {
		t.Errorf("MakeFilesystem attempts = %d, want 1", attempts)
	}
	want := []string{client1 + " RemovePackages", client0 + " RemovePackages"}
	if got := callsAfter(rec.list(), client0+" MakeFilesystem"); !slices.Equal(got, want) {
		t.Errorf("after the failed mkfs:\n got %q\nwant %q", got, want)
	}
}

func TestGFS2WaitsForTheFileOnTheOtherClient(t *testing.T) {
	attempts := 0
	env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		on(env, rec, activities.ListFilesName, func(string, activities.FileCheckInput) (activities.FileCheckResult, error) {
			if attempts++; attempts <= 2 {
				return activities.FileCheckResult{}, notReady()
			}
			return activities.FileCheckResult{Files: []string{"ieiri"}}, nil
		})
	})
	env.ExecuteWorkflow(GFS2Name, stackAuto("mkfs"))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if attempts != 3 {
		t.Errorf("ListFiles attempts = %d, want 3", attempts)
	}
	if slices.Contains(rec.list(), client0+" UnmountFilesystem") {
		t.Error("a run that succeeded after retries unmounted")
	}
}

// A volume that already holds this runbook's GFS2 is mounted without a
// question; one that holds another lock table's is another cluster's
// filesystem: neither formatted nor mounted, the run stops for a person.
func TestGFS2RefusesAnotherClustersFilesystem(t *testing.T) {
	for name, tc := range map[string]struct {
		sig     string
		wantErr string
	}{
		"its own":       {`LABEL="client:gfs2" TYPE="gfs2"`, ""},
		"another's":     {`LABEL="other:data" TYPE="gfs2"`, ErrForeignData},
		"no label read": {`TYPE="gfs2"`, ""},
	} {
		t.Run(name, func(t *testing.T) {
			env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
				signature(env, rec, tc.sig)
			})
			env.ExecuteWorkflow(GFS2Name, stackIn(""))
			calls := rec.list()
			if slices.ContainsFunc(calls, func(c string) bool { return strings.HasSuffix(c, " MakeFilesystem") }) {
				t.Errorf("formatted a volume that holds a GFS2: %q", calls)
			}
			if tc.wantErr == "" {
				if err := env.GetWorkflowError(); err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErrType(t, env.GetWorkflowError(), tc.wantErr)
			if slices.ContainsFunc(calls, func(c string) bool { return strings.HasSuffix(c, " MountFilesystem") }) {
				t.Errorf("mounted another cluster's filesystem: %q", calls)
			}
		})
	}
}
