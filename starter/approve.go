package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/user"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/runs"
	"github.com/tetsuzuki/tetsuzuki/sign"
)

// approve decides the destructive steps a run waits for. The step waits
// in whichever workflow of the run does it (a child, usually), so the
// command looks through the run and its running descendants, asks each
// what it waits for, and sends the decision as an Update to the one that
// waits: the Update is validated by the workflow, and answered only once it
// is recorded.
func (m *Main) approve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("starter approve", flag.ContinueOnError)
	fs.SetOutput(m.Err)
	var conn connect.Options
	conn.Flags(fs)
	id := fs.String("workflow-id", "", "the run (or any workflow of it) that waits")
	step := fs.String("step", "", "the step to decide (default: every step waiting)")
	by := fs.String("by", defaultApprover(), "who decides, as the history will record it")
	reject := fs.Bool("reject", false, "reject instead of approving: the run stops and undoes what it did")
	reason := fs.String("reason", "", "why, for the history")
	keyFile := fs.String("key", "", "your approver key file (starter signkey --out FILE; the runbook lists FILE.pub): signs the decision, and the run records the runbook's name for the key instead of --by")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *id == "" || fs.NArg() > 0 {
		return errors.New("starter approve needs --workflow-id and nothing else")
	}
	var key *sign.Signer
	if *keyFile != "" {
		var err error
		if key, err = sign.LoadSigner(*keyFile); err != nil {
			return err
		}
	}
	conn.Quiet = true
	c, closeClient, err := m.Dial(ctx, conn)
	if err != nil {
		return err
	}
	defer closeClient()

	ids, err := runs.Tree(ctx, c, conn.Namespace, *id, true)
	if err != nil {
		return err
	}
	waiting, _ := runs.Approvals(ctx, c, ids)
	decided := 0
	for _, w := range waiting {
		if *step != "" && w.Step != *step {
			continue
		}
		a, err := runs.Decide(ctx, c, w, runs.Decision(key, w.WorkflowID, w.Step, *by, !*reject, *reason))
		if err != nil {
			return err
		}
		verb := "approved"
		if !a.Approved {
			verb = "rejected"
		}
		fmt.Fprintf(m.Out, "%s %s in %s (by %s)\n", verb, w.Step, w.WorkflowID, a.By)
		decided++
	}
	if decided == 0 {
		if *step != "" {
			return fmt.Errorf("no workflow of run %s waits for step %q", *id, *step)
		}
		return fmt.Errorf("no workflow of run %s waits for an approval", *id)
	}
	return nil
}

func defaultApprover() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return os.Getenv("USER")
}
