package workflows

import (
	"slices"
	"testing"

	"go.temporal.io/sdk/testsuite"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

func TestPrepareDiskPartitionsOnlyASpareDisk(t *testing.T) {
	for name, tc := range map[string]struct {
		changed      bool
		irreversible []string
	}{
		"fresh disk":       {true, []string{storage0a + ": partition table written on /dev/xvdb"}},
		"already prepared": {false, nil},
	} {
		t.Run(name, func(t *testing.T) {
			var j journal
			env, rec := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
				watch(env, rec, &j, activities.PrepareDiskName, activities.DiskInput{}, activities.Change{Changed: tc.changed})
			})
			env.ExecuteWorkflow(PrepareDiskName, hostIn("storage0a", ""))
			res := resultOf[StepResult](t, env)
			if got, want := rec.list(), []string{storage0a + " PrepareDisk"}; !slices.Equal(got, want) {
				t.Errorf("steps:\n got %q\nwant %q", got, want)
			}
			if got, want := j.list(), []string{storage0a + ` PrepareDisk {"device":"/dev/xvdb","partition":"/dev/xvdb1"}`}; !slices.Equal(got, want) {
				t.Errorf("parted input:\n got %q\nwant %q", got, want)
			}
			if res.Host != storage0a || !slices.Equal(res.Irreversible, tc.irreversible) || len(res.Undo) != 0 {
				t.Errorf("result = %+v, want host %s, irreversible %q, no undo", res, storage0a, tc.irreversible)
			}
		})
	}
}

func TestPrepareDiskRetriesADiskNotReadyYet(t *testing.T) {
	attempts := 0
	env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		on(env, rec, activities.PrepareDiskName, func(string, activities.DiskInput) (activities.Change, error) {
			attempts++
			if attempts <= 2 {
				return activities.Change{}, notReady()
			}
			return activities.Change{Changed: true}, nil
		})
	})
	env.ExecuteWorkflow(PrepareDiskName, hostIn("storage1b", ""))
	res := resultOf[StepResult](t, env)
	if attempts != 3 {
		t.Errorf("PrepareDisk attempts = %d, want 3", attempts)
	}
	if want := []string{storage1b + ": partition table written on /dev/xvdb"}; !slices.Equal(res.Irreversible, want) {
		t.Errorf("irreversible = %q, want %q", res.Irreversible, want)
	}
}

func TestPrepareDiskStopsAtOnceOnADiskThatIsNotSpare(t *testing.T) {
	attempts := 0
	env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) {
		on(env, rec, activities.PrepareDiskName, func(string, activities.DiskInput) (activities.Change, error) {
			attempts++
			return activities.Change{}, permanent(activities.ErrNotSpare)
		})
	})
	env.ExecuteWorkflow(PrepareDiskName, hostIn("storage0a", ""))
	wantErrType(t, env.GetWorkflowError(), activities.ErrNotSpare)
	if attempts != 1 {
		t.Errorf("PrepareDisk attempts = %d, want 1 (DiskNotSpare is not retryable)", attempts)
	}
}
