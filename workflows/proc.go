package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/sign"
)

// proc runs one procedure's steps: it waits for a step's approval, pushes
// its undo before it runs, and notes what it did that no undo reverses. A
// procedure's coroutines may share one proc: workflow coroutines never run
// at the same time.
type proc struct {
	gate *gate // nil in procedures without destructive steps
	undo undoLog
	rep  report
}

// report is what a procedure tells its caller besides its own result.
type report struct {
	Approvals    []Approval
	Irreversible []string
	// Checks are what the procedure verified, in words.
	Checks []string
}

func (r *report) add(o report) {
	r.Approvals = append(r.Approvals, o.Approvals...)
	r.Irreversible = append(r.Irreversible, o.Irreversible...)
	r.Checks = append(r.Checks, o.Checks...)
}

// run runs one step and decodes its result into out (nil to drop it).
func (p *proc) run(ctx workflow.Context, st Step, out any) error {
	if st.Approval != "" {
		a, err := p.gate.wait(ctx, st.Approval, st.AutoApproved)
		p.rep.Approvals = append(p.rep.Approvals, a)
		if err != nil {
			return err
		}
		// Who let a destructive step through stays beside what it did;
		// a plan says what it would wait for apart.
		if planning(ctx) == nil {
			st.Summary += " (approved by " + a.By + ")"
			if st.Irreversible != "" {
				st.Irreversible += " (approved by " + a.By + ")"
			}
		}
		// The decision is in the history now: the orchestrator signs it
		// into the step's task, and the agent destroys nothing without.
		ctx = sign.WithDecision(ctx, a.decision())
	}
	if st.Undo != nil {
		p.undo.push(*st.Undo)
	}
	f := st.exec(ctx)
	if err := f.Get(ctx, out); err != nil {
		return err
	}
	if st.Irreversible != "" && changed(ctx, f) {
		p.rep.Irreversible = append(p.rep.Irreversible, st.Irreversible)
	}
	return nil
}

// runAll runs steps in order and stops at the first failure.
func (p *proc) runAll(ctx workflow.Context, steps ...Step) error {
	for _, st := range steps {
		if err := p.run(ctx, st, nil); err != nil {
			return err
		}
	}
	return nil
}

// each runs branch for i in [0, n) at once, each on its own proc, and then
// takes their undos and reports in branch order, so the undo log does not
// depend on which branch finished first. It returns every branch's error.
func (p *proc) each(ctx workflow.Context, n int, branch func(ctx workflow.Context, p *proc, i int) error) []error {
	subs := make([]proc, n)
	errs := each(ctx, n, func(ctx workflow.Context, i int) error {
		subs[i].gate = p.gate
		return branch(ctx, &subs[i], i)
	})
	for i := range subs {
		p.undo.append(subs[i].undo)
		p.rep.add(subs[i].rep)
	}
	return errs
}

// fail undoes the procedure, the last change first, and returns cause (see
// undoFailed).
func (p *proc) fail(ctx workflow.Context, cause error) error {
	return p.undo.run(ctx, cause)
}

// result is the procedure's StepResult, for a parent that must undo it.
func (p *proc) result(host string) StepResult {
	return StepResult{Host: host, Undo: p.undo.steps(), Irreversible: p.rep.Irreversible, Approvals: p.rep.Approvals, Checks: p.rep.Checks}
}

// changed reports whether a finished step says it changed something. A
// result without a "changed" field counts as a change.
func changed(ctx workflow.Context, f workflow.Future) bool {
	var r struct {
		Changed *bool `json:"changed"`
	}
	if err := f.Get(ctx, &r); err != nil || r.Changed == nil {
		return true
	}
	return *r.Changed
}
