package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/google/uuid"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/plan"
	"github.com/tetsuzuki/tetsuzuki/procedures"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/runs"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

func (m *Main) run(ctx context.Context, args []string) error {
	out := m.Out
	fs := flag.NewFlagSet("starter run", flag.ContinueOnError)
	fs.SetOutput(m.Err)
	var conn connect.Options
	conn.Flags(fs)
	book := fs.String("runbook", "", "a runbook file (checked here before anything starts), or a name in the orchestrator's catalog")
	procName := fs.String("procedure", "form-clusters", "what to run: starter procedures lists them")
	var r procedures.Args
	fs.StringVar(&r.Cluster, "cluster", "", "the cluster to act on")
	fs.StringVar(&r.Node, "node", "", "the node to act on")
	fs.StringVar(&r.Via, "via", "", "node-join: the running member that adds the node")
	fs.StringVar(&r.Host, "host", "", "the host to act on")
	fs.StringVar(&r.Resource, "resource", "", "drbd-pair: the resource, when the cluster has several")
	ui := fs.String("ui", envOr("TEMPORAL_UI", "http://localhost:8233"), "the Web UI's address, for links ($TEMPORAL_UI)")
	id := fs.String("id", "", "workflow ID (default: procedure, runbook and a random suffix)")
	detach := fs.Bool("detach", false, "print the workflow ID and link and return without following")
	makePlan := fs.Bool("plan", false, "change nothing: print what the run would do on each host (commands, file diffs, approvals)")
	applyPlan := fs.String("apply-plan", "", "run the plan made by the run of this workflow `ID`, stopping before any change if a host changed since")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *makePlan && *applyPlan != "" {
		return errors.New("--plan and --apply-plan: one or the other")
	}
	var (
		proc  procedures.Procedure
		input any
		err   error
	)
	if *applyPlan == "" {
		if proc, err = procedures.Find(*procName); err != nil {
			return err
		}
		if r.Ref, err = runbookRef(*book); err != nil {
			return err
		}
		if input, err = proc.Input(r); err != nil {
			return err
		}
		if *makePlan {
			if input, err = withPlan(input); err != nil {
				return err
			}
		}
	}

	conn.Quiet = true
	c, closeClient, err := m.Dial(ctx, conn)
	if err != nil {
		return err
	}
	defer closeClient()

	if *applyPlan != "" {
		workflow, in, err := applying(ctx, c, *applyPlan)
		if err != nil {
			return err
		}
		if proc, err = procedures.Running(workflow); err != nil {
			return err
		}
		input, r.Ref.Runbook = in, "plan-"+*applyPlan
	}
	if *id == "" {
		kind := proc.Name
		if *makePlan {
			kind += "-plan"
		}
		*id = fmt.Sprintf("%s-%s-%s", kind, r.Ref.Runbook, uuid.NewString()[:8])
	}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:        *id,
		TaskQueue: workflows.OrchestratorQueue,
		// An ID names one run, ever: a start request given again, while
		// its run goes on or after it ended, follows that run instead of
		// building again (and asking again for its approvals).
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		StaticSummary:            proc.Name + " on " + r.Ref.Runbook,
	}, proc.Workflow, input)
	verb := "started"
	var exists *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &exists) {
		run, err, verb = c.GetWorkflow(ctx, *id, exists.RunId), nil, "already started, following"
	}
	if err != nil {
		return fmt.Errorf("start %s: %w", proc.Workflow, err)
	}
	fmt.Fprintf(out, "%s %s\n  workflow ID: %s\n  Web UI:      %s\n", verb, proc.Workflow, run.GetID(), runs.Link(*ui, conn.Namespace, run.GetID(), run.GetRunID()))
	if *detach {
		return nil
	}

	// The progress reads memos and summaries as the workers wrote them:
	// through the codec, when it is on.
	dc, _, err := conn.Converters()
	if err != nil {
		return err
	}
	p := &printer{w: out, now: m.Now, dc: dc}
	followErr := make(chan error, 1)
	fctx, stopFollow := context.WithCancel(ctx)
	go func() { followErr <- follow(fctx, c, p, run.GetID(), run.GetRunID(), "") }()

	var result json.RawMessage
	err = run.Get(ctx, &result)
	<-drain(followErr, stopFollow)
	if err != nil {
		p.line("FAILED: %s", describe(err))
		return exitError(1)
	}
	p.line("completed %s", proc.Workflow)
	if *makePlan {
		var pl plan.Plan
		if err := json.Unmarshal(result, &pl); err == nil {
			printPlan(out, pl)
			if !pl.Empty {
				fmt.Fprintf(out, "\napply it: starter run --apply-plan %s\n", run.GetID())
			}
			return nil
		}
	}
	printResult(out, proc.Workflow, result)
	return nil
}

// drain lets the follower print the last events, then stops it.
func drain(followErr chan error, stop context.CancelFunc) <-chan error {
	done := make(chan error, 1)
	go func() {
		err := <-followErr
		stop()
		done <- err
	}()
	return done
}

// runbookRef reads a runbook file here, so that a bad file is reported with
// its line and field before anything starts; a plain name is left to the
// orchestrator's catalog.
func runbookRef(book string) (runbooks.Ref, error) {
	switch {
	case book == "":
		return runbooks.Ref{}, errors.New("--runbook is required: a file, or a catalog name such as scalable-storage")
	case strings.ContainsAny(book, "/.") || fileExists(book):
		data, err := readRunbook(book)
		if err != nil {
			return runbooks.Ref{}, err
		}
		rb, err := runbooks.Parse(book, data)
		if err != nil {
			return runbooks.Ref{}, err
		}
		return runbooks.Ref{Runbook: rb.Name, YAML: string(data), Source: book}, nil
	}
	return runbooks.Ref{Runbook: book}, nil
}

// readRunbook reads a runbook file only if it is a regular file, and no
// more than one byte past runbooks.MaxSize, what the orchestrator takes:
// /dev/zero or a FIFO given by mistake is refused at once instead of
// growing without end or blocking past Ctrl-C, and a file too large is
// refused by runbooks.Parse with the orchestrator's own words.
func readRunbook(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("runbook %s: not a regular file (mode %v)", path, fi.Mode())
	}
	// Not blocking, and checked again once open, in case the path was
	// replaced by a FIFO in between.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("runbook %s: not a regular file (mode %v)", path, fi.Mode())
	}
	return io.ReadAll(io.LimitReader(f, runbooks.MaxSize+1))
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// describe reduces a workflow failure to what an operator acts on: the
// run's failure type, then each root cause (a run that failed on several
// hosts has several), without the SDK's wrapping of every layer.
func describe(err error) string {
	var b strings.Builder
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		fmt.Fprintf(&b, "%s", appErr.Type())
	}
	seen := map[string]bool{}
	var walk func(error)
	walk = func(e error) {
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, c := range u.Unwrap() {
				walk(c)
			}
			return
		case interface{ Unwrap() error }:
			if c := u.Unwrap(); c != nil {
				walk(c)
				return
			}
		}
		msg := e.Error()
		var leaf *temporal.ApplicationError
		if errors.As(e, &leaf) {
			msg = fmt.Sprintf("%s (%s)", leaf.Message(), leaf.Type())
		}
		if !seen[msg] {
			seen[msg] = true
			fmt.Fprintf(&b, "\n    %s", msg)
		}
	}
	walk(err)
	return b.String()
}

func printResult(out io.Writer, workflow string, raw json.RawMessage) {
	if workflow == workflows.CheckName {
		var res workflows.CheckResult
		if json.Unmarshal(raw, &res) == nil {
			printFindings(out, res)
			return
		}
	}
	if workflow == workflows.RepairName {
		var res workflows.RepairResult
		if json.Unmarshal(raw, &res) == nil {
			printRepair(out, res)
			return
		}
	}
	if workflow == workflows.FormClustersName {
		var res workflows.FormClustersResult
		if json.Unmarshal(raw, &res) == nil {
			for _, c := range res.Clusters {
				fmt.Fprintf(out, "\ncluster %s  config_version %d\n", c.Name, c.ConfigVersion)
				fmt.Fprintln(out, "Node  Sts   Inc   Joined               Name")
				for _, n := range c.Nodes {
					fmt.Fprintf(out, "%4d   %s   %4d   %-19s  %s\n", n.NodeID, n.Status, n.Inc, n.Joined, n.Name)
				}
			}
			return
		}
	}
	var pretty any
	if json.Unmarshal(raw, &pretty) == nil {
		b, _ := json.MarshalIndent(pretty, "", "  ")
		fmt.Fprintf(out, "%s\n", b)
	}
}
