package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/lab/scale"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// checkedClients is how many clients the batched check reads: with the
// blog's four storage hosts, past the 32 hosts a check reads in its own
// history (workflows' checkInline).
const checkedClients = 36

// A check of 40 fresh hosts (lab/scale's runbook of 36 clients, nothing
// built), through the real server, orchestrator and agents, reads them
// in two CheckHosts children, of the two first client clusters and of
// the rest: every host's agent answers, each with a dozen findings, and
// the check's result lists the worst of them, counts every one and names
// the two children. (This file's name sorts before drift_test.go's: so
// replaytests/record, which keeps the first completed history of each
// workflow type, keeps this Check, which reads its hosts in children.)
func TestACheckOfManyHostsReadsThemInChildren(t *testing.T) {
	_, c, yaml := manyLab(t, "manycheck", scale.Options{Name: "manycheck", Clients: checkedClients}, "drbd-overwrite")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "manycheck", TaskQueue: workflows.OrchestratorQueue},
		workflows.CheckName, workflows.RunbookInput{Ref: runbooks.Ref{YAML: yaml, Source: "manycheck.yaml"}})
	if err != nil {
		t.Fatal(err)
	}
	var res workflows.CheckResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatalf("the check of %d clients: %v", checkedClients, err)
	}
	completedAs(t, c, workflows.CheckHostsName, "manycheck/hosts-0", "manycheck/hosts-1")
	if _, err := c.DescribeWorkflowExecution(ctx, "manycheck/hosts-2", ""); err == nil {
		t.Error("a third CheckHosts child of forty hosts")
	}
	hosts := checkedClients + 4
	if res.Hosts != hosts || res.Total < 10*hosts || len(res.Findings) == 0 || len(res.Findings) >= res.Total || res.Worst != findings.Critical {
		t.Fatalf("%d hosts, %d findings listed of %d, worst %s", res.Hosts, len(res.Findings), res.Total, res.Worst)
	}
	total := 0
	for _, n := range res.Counts {
		total += n.Count
		if n.Code == findings.AgentUnreachable || n.Code == findings.InspectFailed {
			t.Errorf("%d hosts %s", n.Count, n.Code)
		}
	}
	if total != res.Total || fmt.Sprint(res.CheckRuns) != "[manycheck/hosts-0 manycheck/hosts-1]" {
		t.Errorf("counts add up to %d of %d; runs %v", total, res.Total, res.CheckRuns)
	}
	record(t, c, "manycheck")
}
