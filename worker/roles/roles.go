// Package roles builds the two kinds of Temporal worker the project runs:
// the orchestrator, which runs the workflows, and the agent of one host,
// which runs that host's activities on the host's own task queue. The
// worker binary runs one role; the lab runs an agent for every emulated
// host in one process.
package roles

import (
	"fmt"
	"path/filepath"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/sign"
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
type AgentConfig struct {
	FQDN string
	// Root is "/" on a real host, a lab host's directory in rehearsals.
	Root string
	// Path overrides where commands are looked up, under Root.
	Path []string
	// Keys are the orchestrator keys the agent takes tasks from (every
	// task without a valid signature of one is refused as Unauthorized
	// before it runs) and the host's own key, which signs its results.
	// Either may be nil, which checks, or signs, nothing.
	Keys sign.Agent
}

// Agent returns the worker of one host's task queue. It takes only
// activities: no workflow ever runs on a host.
func Agent(c client.Client, cfg AgentConfig) (worker.Worker, error) {
	if cfg.FQDN == "" {
		return nil, fmt.Errorf("agent: no host name")
	}
	root, err := filepath.Abs(cfg.Root)
	if err != nil {
		return nil, err
	}
	h := activities.NewHost(cfg.FQDN, root)
	if len(cfg.Path) > 0 {
		h.Path = cfg.Path
	}
	opts := worker.Options{
		DisableWorkflowWorker: true,
		// A host does one thing at a time per tool anyway; a small number
		// keeps a flood of steps from starting dozens of yum processes.
		MaxConcurrentActivityExecutionSize: 8,
	}
	if cfg.Keys != (sign.Agent{}) {
		opts.Interceptors = []interceptor.WorkerInterceptor{cfg.Keys.Interceptor()}
	}
	opts.Interceptors = append(opts.Interceptors, activities.Pacing())
	w := worker.New(c, activities.HostQueue(cfg.FQDN), opts)
	h.Register(w)
	return w, nil
}
