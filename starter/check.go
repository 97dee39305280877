package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/google/uuid"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/runs"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// check runs Check on a runbook and prints its findings as a table (or as
// JSON). It exits 1 when there is a finding, so a script or a cron job can
// tell drift from a healthy stack, and 2 when the check itself failed.
func (m *Main) check(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("starter check", flag.ContinueOnError)
	fs.SetOutput(m.Err)
	var conn connect.Options
	conn.Flags(fs)
	book := fs.String("runbook", "", "a runbook file, or a name in the orchestrator's catalog")
	id := fs.String("id", "", "workflow ID (default: check, the runbook and a random suffix)")
	asJSON := fs.Bool("json", false, "print the result as JSON instead of a table")
	codes := fs.Bool("codes", false, "list the finding codes and stop")
	ui := fs.String("ui", envOr("TEMPORAL_UI", "http://localhost:8233"), "the Web UI's address, for links ($TEMPORAL_UI)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *codes {
		for _, c := range findings.Codes {
			fmt.Fprintln(m.Out, c)
		}
		return nil
	}
	ref, err := runbookRef(*book)
	if err != nil {
		return err
	}
	conn.Quiet = true
	c, closeClient, err := m.Dial(ctx, conn)
	if err != nil {
		return err
	}
	defer closeClient()
	if *id == "" {
		*id = fmt.Sprintf("check-%s-%s", ref.Runbook, uuid.NewString()[:8])
	}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       *id,
		TaskQueue:                workflows.OrchestratorQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		StaticSummary:            "check of " + ref.Runbook,
	}, workflows.CheckName, workflows.RunbookInput{Ref: ref})
	if err != nil {
		return fmt.Errorf("start %s: %w", workflows.CheckName, err)
	}
	var res workflows.CheckResult
	if err := run.Get(ctx, &res); err != nil {
		return fmt.Errorf("check %s: %s", run.GetID(), describe(err))
	}
	if *asJSON {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Out, "%s\n", b)
	} else {
		fmt.Fprintf(m.Out, "check %s\n  Web UI: %s\n\n", run.GetID(), runs.Link(*ui, conn.Namespace, run.GetID(), run.GetRunID()))
		printFindings(m.Out, res)
	}
	if len(res.Findings) > 0 {
		return exitError(1)
	}
	return nil
}

// printFindings is a check's result as a person reads it: one line per
// finding, then its repair and the evidence that shows it.
func printFindings(out io.Writer, res workflows.CheckResult) {
	if len(res.Findings) == 0 {
		fmt.Fprintf(out, "%s: %d hosts, no finding\n", res.Runbook, res.Hosts)
		return
	}
	if res.Total > len(res.Findings) {
		// A check of many hosts lists its worst findings and counts all.
		fmt.Fprintf(out, "%s: %d findings on %d hosts, worst %s; the worst %d below, all counted here:\n\n", res.Runbook, res.Total, res.Hosts, res.Worst, len(res.Findings))
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SEVERITY\tCODE\tCOUNT")
		for _, c := range res.Counts {
			fmt.Fprintf(tw, "%s\t%s\t%d\n", c.Severity, c.Code, c.Count)
		}
		_ = tw.Flush()
		if n := len(res.CheckRuns); n > 0 {
			fmt.Fprintf(out, "\nevery finding is in the results of its hosts' runs, %s to %s\n", res.CheckRuns[0], res.CheckRuns[n-1])
		}
		fmt.Fprintln(out)
	} else {
		fmt.Fprintf(out, "%s: %d findings on %d hosts, worst %s\n\n", res.Runbook, len(res.Findings), res.Hosts, res.Worst)
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tHOST\tLAYER\tCODE\tWHAT")
	for _, f := range res.Findings {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Severity, f.Host, f.Layer, f.Code, f.Summary)
	}
	_ = tw.Flush()
	for _, f := range res.Findings {
		fmt.Fprintf(out, "\n%s on %s: %s\n  repair (%s): %s\n", f.Code, f.Host, f.Summary, f.Repair.Kind, f.Repair.Action)
		if f.Repair.Destroys != "" {
			fmt.Fprintf(out, "  destroys: %s\n", f.Repair.Destroys)
		}
		for _, ev := range f.Evidence {
			fmt.Fprintf(out, "  $ %s   (exit %d)\n", strings.Join(ev.Argv, " "), ev.Exit)
			for _, l := range ev.Lines {
				fmt.Fprintf(out, "    %s\n", l)
			}
		}
	}
}

// printRepair is a repair's result: what it found, what it ran, what no
// undo reverses, and what is left.
func printRepair(out io.Writer, res workflows.RepairResult) {
	fmt.Fprintf(out, "\nbefore: %d findings\n", len(res.Before))
	for _, f := range res.Before {
		fmt.Fprintf(out, "  %-8s  %-22s  %-26s  %s\n", f.Severity, f.Host, f.Code, f.Summary)
	}
	fmt.Fprintln(out, "repaired:")
	for _, r := range res.Repaired {
		fmt.Fprintf(out, "  %s\n", r)
	}
	for _, a := range res.Approvals {
		fmt.Fprintf(out, "  approval %s: by %s\n", a.Step, a.By)
	}
	for _, s := range res.Irreversible {
		fmt.Fprintf(out, "  not undoable: %s\n", s)
	}
	fmt.Fprintf(out, "after: ")
	printFindings(out, workflows.CheckResult{Runbook: res.Runbook, Hosts: res.Hosts, Findings: res.After, Worst: res.Worst})
}
