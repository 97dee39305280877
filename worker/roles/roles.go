// Package roles builds the two kinds of Temporal worker the project runs:
// the orchestrator, which runs the workflows, and the agent of one host,
// which runs that host's activities on the host's own task queue (package
// agent, which the agent binary imports without this package's workflows).
// The worker binary runs one role; the lab runs an agent for every
// emulated host in one process.
package roles

import (
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"

	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/sign"
	"github.com/tetsuzuki/tetsuzuki/worker/agent"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// Orchestrator returns the worker of the runbooks task queue. catalogDir,
// if set, holds runbooks that the orchestrator offers by name besides the
// built-in ones. keys sign every activity the workflows schedule on a
// host and check every result (package sign); agents that trust its key
// refuse anything else. The interceptor is installed even without keys, as
// in every replayer of the orchestrator's histories.
func Orchestrator(c client.Client, catalog runbooks.Catalog, keys sign.Orchestrator) worker.Worker {
	w := worker.New(c, workflows.OrchestratorQueue, worker.Options{
		Interceptors: []interceptor.WorkerInterceptor{keys.Interceptor()},
	})
	workflows.Register(w)
	(&workflows.Loader{Catalog: catalog}).Register(w)
	return w
}

// AgentConfig says which host an agent serves and where that host's files
// and tools are.
type AgentConfig = agent.Config

// Agent returns the worker of one host's task queue (agent.New): the lab
// runs one for every emulated host in one process.
func Agent(c client.Client, cfg AgentConfig) (worker.Worker, error) { return agent.New(c, cfg) }
