package sign

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// run schedules TouchFile from a workflow, with the orchestrator's and the
// agent's interceptors of the test environment, and says whether the
// activity ran and how the workflow ended.
func run(t *testing.T, interceptors ...interceptor.WorkerInterceptor) (ran bool, err error) {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetWorkerOptions(worker.Options{Interceptors: interceptors})
	env.RegisterActivityWithOptions(func(ctx context.Context, in touchIn) error {
		ran = true
		return nil
	}, activity.RegisterOptions{Name: "TouchFile"})
	env.RegisterWorkflowWithOptions(func(ctx workflow.Context) error {
		ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
			TaskQueue:           "host-storage0a.example.org",
			StartToCloseTimeout: time.Minute,
			RetryPolicy:         &temporal.RetryPolicy{NonRetryableErrorTypes: activities.NonRetryable},
		})
		return workflow.ExecuteActivity(ctx, "TouchFile", touchIn{Path: "/mnt/gfs2/x"}).Get(ctx, nil)
	}, workflow.RegisterOptions{Name: "Touch"})
	env.ExecuteWorkflow("Touch")
	return ran, env.GetWorkflowError()
}

// TestInterceptors: signed by a trusted key, the activity runs; unsigned,
// or signed by a key the agent does not trust, it is refused as
// Unauthorized and does not run.
func TestInterceptors(t *testing.T) {
	s, stranger := newSigner(t), newSigner(t)
	tr := trusting(t, s)
	for _, tc := range []struct {
		name         string
		interceptors []interceptor.WorkerInterceptor
		want         string
	}{
		{"signed", []interceptor.WorkerInterceptor{s.Interceptor(), tr.Interceptor()}, ""},
		{"unsigned", []interceptor.WorkerInterceptor{tr.Interceptor()}, NoSignature},
		{"signed by a stranger", []interceptor.WorkerInterceptor{stranger.Interceptor(), tr.Interceptor()}, UnknownKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ran, err := run(t, tc.interceptors...)
			if tc.want == "" {
				if err != nil || !ran {
					t.Fatalf("ran %v, err %v; want it to run", ran, err)
				}
				return
			}
			if ran {
				t.Error("the refused activity ran")
			}
			var app *temporal.ApplicationError
			if !errors.As(err, &app) || app.Type() != activities.ErrUnauthorized {
				t.Fatalf("got %v, want %s", err, activities.ErrUnauthorized)
			}
			var reason string
			if err := app.Details(&reason); err != nil || reason != tc.want {
				t.Errorf("reason %q (%v), want %q", reason, err, tc.want)
			}
		})
	}
}
