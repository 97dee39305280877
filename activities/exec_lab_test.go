package activities

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"

	"github.com/tetsuzuki/tetsuzuki/lab/emu"
)

// heartbeats is a worker interceptor that keeps the context of every
// heartbeat an activity records and fails the activity if one of them ended
// while the activity still ran. The SDK sends heartbeats in batches, later,
// with the context of the call that opened the batch: a heartbeat recorded
// with a context that ends before the activity is sent with a cancelled
// context, fails, and cancels the activity. The test environment's mock
// service ignores contexts, so this is where the mistake shows.
type heartbeats struct {
	interceptor.WorkerInterceptorBase
	mu    sync.Mutex
	ctxs  []context.Context
	count int
	lost  error
}

// record notes a heartbeat, after checking those before it.
func (w *heartbeats) record(ctx context.Context) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.checkLocked()
	w.count++
	if !slices.Contains(w.ctxs, ctx) {
		w.ctxs = append(w.ctxs, ctx)
	}
}

// checkLocked notes the first heartbeat context found ended.
func (w *heartbeats) checkLocked() {
	for i, ctx := range w.ctxs {
		if err := ctx.Err(); err != nil && w.lost == nil {
			w.lost = fmt.Errorf("heartbeat context %d of %d ended (%v) while the activity still ran", i+1, len(w.ctxs), err)
		}
	}
}

func (w *heartbeats) InterceptActivity(ctx context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	i := &heartbeatsInbound{w: w}
	i.Next = next
	return i
}

type heartbeatsInbound struct {
	interceptor.ActivityInboundInterceptorBase
	w *heartbeats
}

func (i *heartbeatsInbound) Init(outbound interceptor.ActivityOutboundInterceptor) error {
	o := &heartbeatsOutbound{w: i.w}
	o.Next = outbound
	return i.Next.Init(o)
}

// ExecuteActivity checks the contexts once more as the activity returns,
// before the SDK ends the activity's own context.
func (i *heartbeatsInbound) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	res, err := i.Next.ExecuteActivity(ctx, in)
	i.w.mu.Lock()
	defer i.w.mu.Unlock()
	i.w.checkLocked()
	if err == nil && i.w.lost != nil {
		err = i.w.lost
	}
	return res, err
}

type heartbeatsOutbound struct {
	interceptor.ActivityOutboundInterceptorBase
	w *heartbeats
}

func (o *heartbeatsOutbound) RecordHeartbeat(ctx context.Context, details ...any) {
	o.w.record(ctx)
	o.Next.RecordHeartbeat(ctx, details...)
}

// activityEnv is a test environment for h's activities with the
// heartbeat recorder hb and, when paced, the agent's Pacing interceptor.
func activityEnv(h *Host, hb *heartbeats, paced bool) *testsuite.TestActivityEnvironment {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := suite.NewTestActivityEnvironment()
	icpts := []interceptor.WorkerInterceptor{hb}
	if paced {
		icpts = append(icpts, Pacing())
	}
	env.SetWorkerOptions(worker.Options{Interceptors: icpts})
	h.Register(env)
	return env
}

// A real mkfs.gfs2, pvcreate or yum takes minutes. Such a command, slowed
// far past the heartbeat interval, must keep the activity alive with
// heartbeats that outlive it: the activity completes, and no heartbeat was
// recorded with a context that ended before the activity did. So on an
// agent (paced) as when an activity runs alone.
func TestSlowCommandHeartbeatsWithTheActivitysContext(t *testing.T) {
	t.Parallel()
	for _, paced := range []bool{false, true} {
		t.Run(fmt.Sprintf("paced=%v", paced), func(t *testing.T) {
			t.Parallel()
			c := newCluster(t, "storage0a")
			h := c.hosts["storage0a"]
			h.HeartbeatEvery = 20 * time.Millisecond
			const delay = time.Second
			if err := emu.AddFault(c.lab.Dir, emu.Fault{Host: fqdn("storage0a"), Command: "yum install", Mode: emu.FaultSlow, Delay: delay, Times: 1}); err != nil {
				t.Fatal(err)
			}
			hb := &heartbeats{}
			env := activityEnv(h, hb, paced)

			start := time.Now()
			// rpm runs before yum and after it: the heartbeats of one command
			// must still be good while the next runs.
			val, err := env.ExecuteActivity(EnsurePackagesName, PackagesInput{Packages: []string{"cman"}})
			if err != nil {
				t.Fatalf("EnsurePackages with yum slowed %s: %v", delay, err)
			}
			if took := time.Since(start); took < delay {
				t.Fatalf("EnsurePackages took %s: yum was not slowed, the test proves nothing", took)
			}
			var res PackagesResult
			if err := val.Get(&res); err != nil || !slices.Contains(res.Changed, "cman") {
				t.Errorf("result %+v (%v), want cman installed", res, err)
			}
			hb.mu.Lock()
			defer hb.mu.Unlock()
			if min := int(delay / h.HeartbeatEvery / 2); hb.count < min {
				t.Errorf("%d heartbeats while yum ran %s, want at least %d", hb.count, delay, min)
			}
		})
	}
}

// A step of a few short commands ends long before its heartbeat timeout.
// On an agent it sends no heartbeat at all: the SDK sends a step's first
// one at once and waits for the server, a round trip per step for nothing
// (pace.go). Alone, without the agent's pacing, each command beats.
func TestShortStepsSendNoHeartbeatOnAnAgent(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a")
	h := c.hosts["storage0a"]
	h.HeartbeatEvery = time.Minute
	for _, paced := range []bool{false, true} {
		hb := &heartbeats{}
		env := activityEnv(h, hb, paced)
		if _, err := env.ExecuteActivity(ProbeName, ProbeInput{Packages: []string{"cman", "gnbd"}}); err != nil {
			t.Fatalf("Probe (paced %v): %v", paced, err)
		}
		hb.mu.Lock()
		count := hb.count
		hb.mu.Unlock()
		switch {
		case paced && count != 0:
			t.Errorf("a paced Probe of a few commands sent %d heartbeats, want none", count)
		case !paced && count == 0:
			t.Errorf("Probe without pacing sent no heartbeat: the test proves nothing")
		}
	}
}
