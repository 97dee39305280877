package workflows

import (
	"errors"

	"go.temporal.io/sdk/workflow"
)

// each runs branch for i in [0, n) at once and waits for all of them. It
// returns each branch's error at its index, typed as the branch returned it;
// joined(errs) makes them one error that errors.As still sees through.
// Branches start in index order, so the commands a run issues, and hence its
// history, do not depend on timing.
func each(ctx workflow.Context, n int, branch func(ctx workflow.Context, i int) error) []error {
	errs := make([]error, n)
	wg := workflow.NewWaitGroup(ctx)
	for i := range n {
		wg.Add(1)
		workflow.Go(ctx, func(ctx workflow.Context) {
			defer wg.Done()
			errs[i] = branch(ctx, i)
		})
	}
	wg.Wait(ctx)
	return errs
}

// eachAtMost is each with at most window branches running at once: the
// first window start together, and each that ends starts the next in
// index order. The order branches end in is the order the history
// records, so a replay starts the same branches at the same points.
// A window of zero, or of n or more, is each.
func eachAtMost(ctx workflow.Context, n, window int, branch func(ctx workflow.Context, i int) error) []error {
	if window <= 0 || window >= n {
		return each(ctx, n, branch)
	}
	errs := make([]error, n)
	ended := workflow.NewChannel(ctx)
	next := 0
	start := func() {
		i := next
		next++
		workflow.Go(ctx, func(ctx workflow.Context) {
			errs[i] = branch(ctx, i)
			ended.Send(ctx, i)
		})
	}
	for next < window {
		start()
	}
	for range n {
		ended.Receive(ctx, nil)
		if next < n {
			start()
		}
	}
	return errs
}

// joined is errors.Join: nil when every branch worked.
func joined(errs []error) error { return errors.Join(errs...) }

// first returns the first branch's error in index order, for callers that
// report one failure.
func first(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
