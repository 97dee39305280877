// Package agent is the agent of one host: the Temporal worker of that
// host's task queue, which runs the host's steps (package activities) and
// nothing else. It imports no workflow, runbook or plan code, so that the
// agent binary (../../agent), which a real host runs, carries neither
// their code nor their package initialisation: an idle agent stays within
// what a host shared with storage daemons can spare (BenchmarkIdleRSS).
package agent

import (
	"fmt"
	"path/filepath"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/sign"
)

// Config says which host an agent serves and where that host's files
// and tools are.
type Config struct {
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

// New returns the worker of one host's task queue. It takes only
// activities: no workflow ever runs on a host, so it polls no workflow
// queue.
func New(c client.Client, cfg Config) (worker.Worker, error) {
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
