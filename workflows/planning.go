package workflows

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/plan"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// Planning is in the input of every procedure a person starts. With
// "plan": true the run changes nothing: it reads every host of the
// runbook once (PlanProbe), runs the procedure's own code with each host
// step answered by package plan instead of the host's agent, and returns
// the plan.Plan: per host, the commands the run would execute, in order,
// and the config files it would change; the destructive steps and the
// approvals it would wait for. With "apply_plan" the run first reads the
// hosts again and stops, before any change, if one no longer reads as it
// did when the plan was made.
type Planning struct {
	Plan      bool      `json:"plan,omitempty"`
	ApplyPlan *Applying `json:"apply_plan,omitempty"`
}

// Applying is the plan a run is held to: its workflow ID, and each host's
// state digest when it was made.
type Applying struct {
	ID     string       `json:"id"`
	States []HostDigest `json:"states"`
}

// HostDigest is a host's plan.State.
type HostDigest struct {
	Host  string `json:"host"`
	State string `json:"state"`
}

// ErrPlanStale is a run held to a plan whose hosts have changed since.
const ErrPlanStale = "PlanStale"

func (p Planning) planning() Planning { return p }
func (d decoding) decoded() decoding  { return d }

// plannable is an input that can be planned.
type plannable interface {
	planning() Planning
	decoded() decoding
	Reference() runbooks.Ref
}

// planned is a procedure as it is registered: planned, held to a plan,
// or run as it is.
func planned[I plannable, R any](name string, fn func(workflow.Context, I) (R, error)) func(workflow.Context, I) (any, error) {
	return func(ctx workflow.Context, in I) (any, error) {
		p := in.planning()
		switch {
		case p.Plan && p.ApplyPlan != nil:
			return nil, badRequest("plan and apply_plan: a run either makes a plan or applies one")
		case p.Plan:
			return makePlan(ctx, name, in, func(ctx workflow.Context) error {
				_, err := fn(ctx, in)
				return err
			})
		case p.ApplyPlan != nil:
			if err := heldTo(ctx, in, *p.ApplyPlan); err != nil {
				return nil, err
			}
		}
		r, err := fn(ctx, in)
		return r, err
	}
}

// unplanned is a procedure that has no plan: a check changes nothing.
func unplanned[I plannable, R any](name string, fn func(workflow.Context, I) (R, error)) func(workflow.Context, I) (R, error) {
	return func(ctx workflow.Context, in I) (R, error) {
		if p := in.planning(); p.Plan || p.ApplyPlan != nil {
			var none R
			return none, badRequest("%s has no plan: it changes nothing", name)
		}
		return fn(ctx, in)
	}
}

type planKey struct{}

// planning is the world of the plan being made, nil in a run that acts.
func planning(ctx workflow.Context) *plan.World {
	w, _ := ctx.Value(planKey{}).(*plan.World)
	return w
}

// makePlan reads the hosts and runs body, the procedure, against them.
func makePlan(ctx workflow.Context, name string, in plannable, body func(workflow.Context) error) (plan.Plan, error) {
	loaded, err := loadRunbook(ctx, in.Reference(), in.decoded())
	if err != nil {
		return plan.Plan{}, err
	}
	probes, devices, err := probeForPlan(ctx, loaded.Runbook)
	if err != nil {
		return plan.Plan{}, err
	}
	w := plan.New(probes, devices)
	states := make([]string, len(probes))
	for i, p := range probes {
		states[i] = plan.State(p)
	}
	if err := body(workflow.WithValue(ctx, planKey{}, w)); err != nil {
		return plan.Plan{}, fmt.Errorf("the run would stop: %w", err)
	}
	p := w.Plan(states)
	p.Workflow, p.Runbook = name, loaded.Runbook.Name
	// The request as it was made, for `starter run --apply-plan`. Encoding
	// a struct is deterministic.
	data, err := json.Marshal(in) //workflowcheck:ignore
	if err != nil {
		return p, err
	}
	p.Input = string(data)
	workflow.SetCurrentDetails(ctx, planTable(p))
	return p, nil
}

// heldTo reads every host and refuses to go on if one does not read as it
// did when the plan was made.
func heldTo(ctx workflow.Context, in plannable, a Applying) error {
	loaded, err := loadRunbook(ctx, in.Reference(), in.decoded())
	if err != nil {
		return err
	}
	probes, _, err := probeForPlan(ctx, loaded.Runbook)
	if err != nil {
		return err
	}
	var changed []string
	for _, p := range probes {
		i := slices.IndexFunc(a.States, func(d HostDigest) bool { return d.Host == p.Host })
		switch {
		case i < 0:
			changed = append(changed, p.Host+" (not in the plan)")
		case a.States[i].State != plan.State(p):
			changed = append(changed, fmt.Sprintf("%s (read %s when planned, %s now)", p.Host, a.States[i].State, plan.State(p)))
		}
	}
	if len(a.States) != len(probes) && len(changed) == 0 {
		changed = append(changed, "the runbook's hosts")
	}
	if len(changed) > 0 {
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("plan %s is stale: %s changed since; nothing was done: make a new plan", a.ID, strings.Join(changed, ", ")), ErrPlanStale, nil)
	}
	return nil
}

// waitsOn says a step of a plan would wait for something.
func waitsOn(err error) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.Type() == activities.ErrNotReady
}

// probeForPlan reads every host of the runbook at once; a plan needs them
// all, so a host whose agent does not answer fails it.
func probeForPlan(ctx workflow.Context, rb *runbooks.Runbook) ([]activities.PlanProbe, [][]string, error) {
	expects := expectations(rb)
	stack := rb.Stack()
	probes := make([]activities.PlanProbe, len(expects))
	devices := make([][]string, len(expects))
	errs := each(ctx, len(expects), func(ctx workflow.Context, i int) error {
		e := expects[i]
		in := activities.PlanProbeInput{InspectInput: inspect(e).Input.(activities.InspectInput)}
		if h, ok := rb.Lookup(e.Host); ok {
			if d, ok := rb.Disk(h.Name); ok {
				in.Disk = d.Device
			}
		}
		if slices.Contains(stack.CLVM, e.Host) && rb.CLVM != nil {
			in.Devices = append(slices.Clone(rb.CLVM.PVs), rb.LVPath())
		}
		if e.GFS2 != nil {
			in.Mountpoint = e.GFS2.Mountpoint
		}
		devices[i] = in.Devices
		var p proc
		err := p.run(ctx, Step{Host: e.Host, Summary: "read for the plan", Activity: activities.PlanProbeName, Input: in, Timeout: Look}, &probes[i])
		if notPickedUp(err) {
			return fmt.Errorf("%s: its agent did not answer, and a plan needs every host", e.Host)
		}
		return err
	})
	return probes, devices, joined(errs)
}

// exec is a step of a plan: answered by the plan's world, at once.
func planExec(ctx workflow.Context, w *plan.World, s Step) workflow.Future {
	res, err := w.Run(s.Host, s.Summary, s.Activity, s.Input)
	if waitsOn(err) && (s.Timeout == UntilSettled || s.Timeout == UntilSynced) {
		// A wait, as for members that the run's other branches bring up:
		// asked again each time another branch of the plan moves, and
		// given up once none does (the timer fires only then, since the
		// plan's steps take no time).
		_, _ = workflow.AwaitWithTimeout(ctx, time.Second, func() bool {
			res, err = w.Run(s.Host, s.Summary, s.Activity, s.Input)
			return !waitsOn(err)
		})
	}
	f, set := workflow.NewFuture(ctx)
	if err != nil {
		set.SetError(err)
		return f
	}
	if s.Approval != "" && s.Irreversible != "" {
		if c, ok := res.(activities.Change); !ok || c.Changed {
			w.Destroys(s.Host, s.Summary, s.Irreversible)
		}
	}
	// The answer goes through the data converter, as an agent's does.
	payloads, err := converter.GetDefaultDataConverter().ToPayloads(res)
	set.Set(payloads, err)
	return f
}

// procedure is the workflow function of a kind of child, which a plan
// runs in its own workflow: the plan's world is one, shared by them all.
func procedure(kind string) func(ctx workflow.Context, in, out any) error {
	switch kind {
	case FormClustersName:
		return inline(FormClusters)
	case ClusterBootstrapName:
		return inline(ClusterBootstrap)
	case NodeJoinName:
		return inline(NodeJoin)
	case PrepareDiskName:
		return inline(PrepareDisk)
	case DRBDPairName:
		return inline(DRBDPair)
	case GNBDExportName:
		return inline(GNBDExport)
	case GNBDImportName:
		return inline(GNBDImport)
	case MultipathName:
		return inline(Multipath)
	case ClientBatchName:
		return inline(ClientBatch)
	case StorageLayerName:
		return inline(StorageLayer)
	case CLVMName:
		return inline(CLVM)
	case GFS2Name:
		return inline(GFS2)
	case SurveyName:
		return inline(Survey)
	}
	return nil
}

// inline is a procedure called as a function by a plan, with the input
// and result a child workflow would have.
func inline[I, R any](fn func(workflow.Context, I) (R, error)) func(ctx workflow.Context, in, out any) error {
	return func(ctx workflow.Context, in, out any) error {
		i, ok := in.(I)
		if !ok {
			return badRequest("a plan's child: input %T", in)
		}
		r, err := fn(ctx, i)
		if o, ok := out.(*R); ok && err == nil {
			*o = r
		}
		return err
	}
}

// inlineChild runs a child procedure of a plan as a function call.
func inlineChild(ctx workflow.Context, kind string, in, out any) error {
	fn := procedure(kind)
	if fn == nil {
		return badRequest("a plan cannot run %s", kind)
	}
	return fn(ctx, in, out)
}

// planTable is a plan as the Web UI shows a run's current details.
func planTable(p plan.Plan) string {
	if p.Empty {
		return fmt.Sprintf("**%s** of %s: nothing to do.", p.Workflow, p.Runbook)
	}
	var b strings.Builder
	b.WriteString(fmt.Sprintf("**%s** of %s: the plan.\n\n| host | step | command |\n|---|---|---|\n", p.Workflow, p.Runbook))
	for _, h := range p.Hosts {
		for _, c := range h.Commands {
			b.WriteString(fmt.Sprintf("| %s | %s | `%s` |\n", h.Host, cell(c.Step), cell(strings.Join(c.Argv, " "))))
		}
		for _, f := range h.Files {
			b.WriteString(fmt.Sprintf("| %s | file | %s |\n", h.Host, f.Path))
		}
	}
	for _, a := range p.Approvals {
		b.WriteString(fmt.Sprintf("\nwaits for approval: %s", a.Step))
	}
	return b.String()
}

// ApplyingOf is the plan p, made by the run id, as a run held to it is
// given it: each host's state digest.
func ApplyingOf(id string, p plan.Plan) Applying {
	a := Applying{ID: id}
	for _, h := range p.Hosts {
		a.States = append(a.States, HostDigest{Host: h.Host, State: h.State})
	}
	return a
}

// WithPlanning is a procedure's input (a JSON object) with its planning
// fields replaced by p's. Workflows run it: encoding a map sorts its
// keys, so the result is the same on every replay.
func WithPlanning(input json.RawMessage, p Planning) (json.RawMessage, error) {
	var fields, add map[string]json.RawMessage
	err := json.Unmarshal(input, &fields) //workflowcheck:ignore
	if err != nil || fields == nil {
		return nil, badRequest("input: a JSON object is required")
	}
	delete(fields, "plan")
	delete(fields, "apply_plan")
	set, err := json.Marshal(p) //workflowcheck:ignore
	if err != nil {
		return nil, err
	}
	err = json.Unmarshal(set, &add) //workflowcheck:ignore
	if err != nil {
		return nil, err
	}
	//workflowcheck:ignore the result is encoded with sorted keys
	for k, v := range add {
		fields[k] = v
	}
	return json.Marshal(fields) //workflowcheck:ignore
}
