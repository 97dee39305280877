package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// stage is one layer of the stack brought up or down on every host of the
// layer at once, and then checked on every host, so the next stage never
// starts on a half-done one: the author's hangs came from stopping a layer
// while the one above still used it. Shutdown, Startup and Teardown are
// ordered lists of stages.
type stage struct {
	name  string
	hosts []string
	// steps are what runs on one host, in order.
	steps func(host string) []Step
	// check, when set, reads the host afterwards and says what is wrong.
	check func(p activities.StorageProbeResult) error
}

// LifecycleResult lists the stages done, in order.
type LifecycleResult struct {
	Stages []string `json:"stages"`
}

// stages runs stages in order; a stage without hosts is skipped.
func (p *proc) stages(ctx workflow.Context, stages []stage) (LifecycleResult, error) {
	var res LifecycleResult
	for _, st := range stages {
		if len(st.hosts) == 0 {
			continue
		}
		err := first(p.each(ctx, len(st.hosts), func(ctx workflow.Context, p *proc, i int) error {
			host := st.hosts[i]
			if err := p.runAll(ctx, st.steps(host)...); err != nil || st.check == nil {
				return err
			}
			probe, err := p.probe(ctx, host, activities.StorageProbeInput{})
			if err == nil {
				err = st.check(probe)
			}
			if err != nil {
				return fmt.Errorf("check on %s: %w", host, err)
			}
			return nil
		}))
		if err != nil {
			return res, fmt.Errorf("%s: %w", st.name, err)
		}
		res.Stages = append(res.Stages, st.name)
	}
	return res, nil
}

// notIf is a stage check's verdict: what is wrong when bad holds.
func notIf(bad bool, what string) error {
	if bad {
		return fmt.Errorf("%s", what)
	}
	return nil
}
