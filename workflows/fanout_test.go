package workflows

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

// windowRun is what windowed saw: the order branches started in, the
// most that ran at once, and which failed.
type windowRun struct {
	Started []int  `json:"started"`
	Most    int    `json:"most"`
	Failed  []bool `json:"failed"`
}

// windowed runs n branches of which at most window run at once; each
// sleeps, later ones less, so they end out of order, and the odd ones
// fail.
func windowed(ctx workflow.Context, n, window int) (windowRun, error) {
	var r windowRun
	running := 0
	errs := eachAtMost(ctx, n, window, func(ctx workflow.Context, i int) error {
		running++
		r.Most = max(r.Most, running)
		r.Started = append(r.Started, i)
		defer func() { running-- }()
		if err := workflow.Sleep(ctx, time.Duration(n-i)*time.Second); err != nil {
			return err
		}
		if i%2 == 1 {
			return fmt.Errorf("branch %d", i)
		}
		return nil
	})
	for _, err := range errs {
		r.Failed = append(r.Failed, err != nil)
	}
	return r, nil
}

func TestEachAtMostKeepsToItsWindow(t *testing.T) {
	for _, tc := range []struct{ n, window, most int }{
		{10, 3, 3},
		{10, 1, 1},
		{10, 0, 10},
		{4, 10, 4},
	} {
		var suite testsuite.WorkflowTestSuite
		env := suite.NewTestWorkflowEnvironment()
		env.RegisterWorkflow(windowed)
		env.ExecuteWorkflow(windowed, tc.n, tc.window)
		var r windowRun
		if err := env.GetWorkflowResult(&r); err != nil {
			t.Fatal(err)
		}
		if r.Most != tc.most {
			t.Errorf("n %d window %d: %d ran at once, want %d", tc.n, tc.window, r.Most, tc.most)
		}
		want := make([]int, tc.n)
		for i := range want {
			want[i] = i
		}
		if !slices.Equal(r.Started, want) {
			t.Errorf("n %d window %d: started %v, want every branch in index order", tc.n, tc.window, r.Started)
		}
		for i, failed := range r.Failed {
			if failed != (i%2 == 1) {
				t.Errorf("n %d window %d: branch %d failed %v: errors not at their index", tc.n, tc.window, i, failed)
			}
		}
	}
}
