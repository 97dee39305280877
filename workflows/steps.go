package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// step is one host activity of a procedure, with the summary people see in
// the Web UI and the starter, and the time the work itself may take.
type step struct {
	summary  string
	activity string
	timeout  time.Duration
	in       any
}

// runSteps runs steps on one host in order and stops at the first failure.
func runSteps(ctx workflow.Context, host string, steps []step) error {
	for _, st := range steps {
		if err := workflow.ExecuteActivity(onHost(ctx, host, st.timeout, st.summary), st.activity, st.in).Get(ctx, nil); err != nil {
			return err
		}
	}
	return nil
}

// do runs one activity on a host and decodes its result into out (nil to
// drop it).
// A zero timeout keeps the activity options ctx already carries.
func do(ctx workflow.Context, host string, timeout time.Duration, summary, activity string, in, out any) error {
	if timeout > 0 {
		ctx = onHost(ctx, host, timeout, summary)
	}
	return workflow.ExecuteActivity(ctx, activity, in).Get(ctx, out)
}
