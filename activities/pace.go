package activities

import (
	"context"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
)

// A step's first heartbeat is the SDK's only unbatched one: it is sent at
// once, and the step waits for the server to record it. Most steps are a
// few short commands that end long before any heartbeat timeout, so a
// heartbeat at their first command is a round trip per step for nothing.
// The agent therefore beats at a command only once the step has run for
// its heartbeat interval, by the agent's own clock (the server's start
// time is another machine's clock); a long command still beats every
// interval while it runs.

// startedKey holds, in an activity's context, when this agent began it.
type startedKey struct{}

// Pacing is the agent's worker interceptor that notes when each activity
// began, so that its commands heartbeat only after HeartbeatEvery. Without
// it (an activity run by a test environment), every command heartbeats.
func Pacing() interceptor.WorkerInterceptor { return &pacing{} }

type pacing struct {
	interceptor.WorkerInterceptorBase
}

func (*pacing) InterceptActivity(ctx context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	return &pacingInbound{ActivityInboundInterceptorBase: interceptor.ActivityInboundInterceptorBase{Next: next}}
}

type pacingInbound struct {
	interceptor.ActivityInboundInterceptorBase
}

func (i *pacingInbound) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	return i.Next.ExecuteActivity(context.WithValue(ctx, startedKey{}, time.Now()), in)
}

// dueBeat says whether a command starting now should heartbeat: always
// outside an agent's pacing, else once the activity has run every.
func dueBeat(ctx context.Context, every time.Duration) bool {
	if !activity.IsActivity(ctx) {
		return false
	}
	began, ok := ctx.Value(startedKey{}).(time.Time)
	return !ok || time.Since(began) >= every
}
