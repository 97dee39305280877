package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/plan"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// withPlan is a start request's input asking for its plan instead.
func withPlan(input any) (json.RawMessage, error) {
	data, err := json.Marshal(input)
	if err != nil {
		return nil, err
	}
	return workflows.WithPlanning(data, workflows.Planning{Plan: true})
}

// applying reads the plan a run made and returns the workflow and the
// input that run it held to that plan.
func applying(ctx context.Context, c Client, id string) (string, json.RawMessage, error) {
	var p plan.Plan
	if err := c.GetWorkflow(ctx, id, "").Get(ctx, &p); err != nil {
		return "", nil, fmt.Errorf("plan %s: %w", id, err)
	}
	if p.Workflow == "" || p.Input == "" {
		return "", nil, fmt.Errorf("%s is not a plan: it was not started with --plan", id)
	}
	a := workflows.ApplyingOf(id, p)
	input, err := workflows.WithPlanning(json.RawMessage(p.Input), workflows.Planning{ApplyPlan: &a})
	return p.Workflow, input, err
}

// printPlan prints a plan per host: its commands in order, the files it
// changes with their diffs, then the destructive steps and approvals.
func printPlan(out io.Writer, p plan.Plan) {
	if p.Empty {
		fmt.Fprintf(out, "\nplan of %s on %s: nothing to do on %d hosts\n", p.Workflow, p.Runbook, len(p.Hosts))
		return
	}
	fmt.Fprintf(out, "\nplan of %s on %s\n", p.Workflow, p.Runbook)
	for _, h := range p.Hosts {
		if len(h.Commands) == 0 && len(h.Files) == 0 {
			continue
		}
		fmt.Fprintf(out, "\n%s  (state %s)\n", h.Host, h.State)
		for i, c := range h.Commands {
			line := strings.Join(c.Argv, " ")
			if c.Step != line {
				line = fmt.Sprintf("%-44s  # %s", line, c.Step)
			}
			fmt.Fprintf(out, "  %2d. %s\n", i+1, line)
		}
		for _, f := range h.Files {
			switch {
			case f.Diff != "":
				fmt.Fprintf(out, "  file %s:\n", f.Path)
				for _, l := range strings.Split(strings.TrimSuffix(f.Diff, "\n"), "\n") {
					fmt.Fprintf(out, "      %s\n", l)
				}
			default:
				fmt.Fprintf(out, "  file %s: %s\n", f.Path, f.How)
			}
		}
	}
	if len(p.Destructive) > 0 {
		fmt.Fprintln(out, "\ndestroys:")
		for _, d := range p.Destructive {
			fmt.Fprintf(out, "  %s: %s: %s\n", d.Host, d.Step, d.Destroys)
		}
	}
	for _, a := range p.Assumes {
		fmt.Fprintf(out, "\nassumes: %s\n", a)
	}
	if len(p.Approvals) > 0 {
		fmt.Fprintln(out, "\nwaits for approval:")
		for _, a := range p.Approvals {
			how := "a person"
			if a.Auto {
				how = "the runbook (approvals.auto)"
			}
			fmt.Fprintf(out, "  %s  (by %s)\n", a.Step, how)
		}
	}
}
