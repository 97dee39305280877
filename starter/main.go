// Command starter is the command line for people and scripts: it starts a
// runbook and follows it step by step until it ends.
//
//	starter run --runbook runbooks/scalable-storage.yaml --procedure form-clusters
//	starter run --runbook scalable-storage --procedure node-join --cluster storage0 --node storage0b
//	starter approve --workflow-id storage-layer-scalable-storage-1a2b3c4d --by alice
//	starter schedule create --id check-storage --procedure check --runbook scalable-storage --every 5m
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/procedures"
)

const usage = `usage: starter <command> [flags]

commands:
  run         start a procedure on a runbook and follow it to the end
  approve     approve (or --reject) a destructive step a run waits for
  check       check a built stack against its runbook: findings, evidence and repairs
  procedures  list the procedures run can start
  schedule    create, list, describe, pause, unpause, trigger or delete the schedules that check or repair a runbook
  webhook     serve the signed ticket webhook: one run per ticket, its plan, approvals, change records back
  codec-server  serve /encode and /decode for the Web UI with the payload codec's keys
  keygen      write a new payload codec key (--out FILE)
  signkey     write a new orchestrator signing keypair (--out FILE: FILE and FILE.pub)

run "starter run -h" for its flags`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := &Main{Out: os.Stdout, Err: os.Stderr, Dial: dial}
	err := m.Run(ctx, os.Args[1:])
	stop()
	var exit exitError
	switch {
	case errors.As(err, &exit):
		os.Exit(int(exit))
	case err != nil:
		fmt.Fprintln(os.Stderr, "starter:", err)
		os.Exit(2)
	}
}

// Main is the starter with what it reaches outside itself: where it prints,
// how it dials Temporal, and the clock that stamps progress lines. main
// gives it the real ones; tests give it fakes and run it without a server.
type Main struct {
	Out io.Writer
	// Err gets the flags' usage when they do not parse; nil means os.Stderr.
	Err  io.Writer
	Dial func(context.Context, connect.Options) (Client, func(), error)
	// Now stamps progress lines; nil means time.Now.
	Now func() time.Time
}

// Client is the part of the Temporal client the starter uses: start a run,
// read histories, find and decide the approvals a run waits for, and
// manage the schedules that start runs. client.Client has it.
type Client interface {
	ExecuteWorkflow(ctx context.Context, options client.StartWorkflowOptions, workflow any, args ...any) (client.WorkflowRun, error)
	GetWorkflow(ctx context.Context, workflowID, runID string) client.WorkflowRun
	GetWorkflowHistory(ctx context.Context, workflowID, runID string, isLongPoll bool, filterType enums.HistoryEventFilterType) client.HistoryEventIterator
	ListWorkflow(ctx context.Context, request *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error)
	QueryWorkflow(ctx context.Context, workflowID, runID, queryType string, args ...any) (converter.EncodedValue, error)
	UpdateWorkflow(ctx context.Context, options client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error)
	ScheduleClient() client.ScheduleClient
}

func dial(ctx context.Context, o connect.Options) (Client, func(), error) {
	return connect.Dial(ctx, o)
}

// exitError carries the exit status of a run that failed: its story has
// been told already, so main prints nothing more.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// Run runs one command line, without the program name.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "run":
		return m.run(ctx, args[1:])
	case "approve":
		return m.approve(ctx, args[1:])
	case "check":
		return m.check(ctx, args[1:])
	case "schedule":
		return m.schedule(ctx, args[1:])
	case "webhook":
		return m.webhookServer(ctx, args[1:])
	case "codec-server":
		return m.codecServer(ctx, args[1:])
	case "keygen":
		return m.keygen(args[1:])
	case "signkey":
		return m.signkey(args[1:])
	case "procedures":
		for _, p := range procedures.All {
			fmt.Fprintf(m.Out, "%-18s %s\n", p.Name, p.Help)
		}
		return nil
	case "-h", "--help", "help":
		fmt.Fprintln(m.Out, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}
