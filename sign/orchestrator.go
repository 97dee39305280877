package sign

import (
	"cmp"
	"errors"
	"fmt"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// DefaultLifetime is how long a signed task stays valid when its activity
// has no ScheduleToClose timeout: long enough for every retry a step's
// policy allows, short enough that a header lifted from an old history is
// worthless.
const DefaultLifetime = 24 * time.Hour

// checkedResults is the change, recorded in histories as a version marker,
// from which a run takes a host's result only through a check
// (Orchestrator.Hosts). Runs from before it replay as they ran.
const checkedResults = "checked-results"

// Orchestrator is the orchestrator's half of the trust boundary: what its
// workflows send to hosts is signed, and what comes back is checked.
type Orchestrator struct {
	// Signer signs every activity the workflows schedule, and the approval
	// of every destructive one (WithDecision). Nil signs nothing.
	Signer *Signer
	// Hosts are the hosts' keys: a host step's result that does not carry
	// the signature of a key of its host, for this very task, fails the
	// step as ErrForged. Nil checks nothing. It needs Signer: a result is
	// bound to the claim of its task.
	Hosts *Keyring
}

// Interceptor is the orchestrator's worker interceptor. Install it even
// with neither key, and in every replayer of the orchestrator's histories:
// it routes each host result through a coroutine that checks it (see
// checked), and a replay must take the same route as the run did.
func (o Orchestrator) Interceptor() interceptor.WorkerInterceptor {
	return &orchestrating{o: o}
}

type orchestrating struct {
	interceptor.WorkerInterceptorBase
	o Orchestrator
}

func (w *orchestrating) InterceptWorkflow(ctx workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	i := &orchestratingInbound{o: w.o}
	i.Next = next
	return i
}

type orchestratingInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	o Orchestrator
}

func (i *orchestratingInbound) Init(outbound interceptor.WorkflowOutboundInterceptor) error {
	// One outbound per workflow execution: seq counts its activities.
	o := &orchestratingOutbound{o: i.o}
	o.Next = outbound
	return i.Next.Init(o)
}

type orchestratingOutbound struct {
	interceptor.WorkflowOutboundInterceptorBase
	o Orchestrator
	// seq numbers the activities of this execution in the order the
	// workflow schedules them, which replays in the same order: it makes
	// the claims of two identical steps of a run differ, so a result
	// signed for one is no answer to the other.
	seq int
}

// ExecuteActivity signs the activity into its header and checks its
// result. It runs again on every replay and must stay deterministic (see
// the package doc).
func (o *orchestratingOutbound) ExecuteActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	o.seq++
	claim, err := o.sign(ctx, activityType, args)
	if err != nil {
		f, set := workflow.NewFuture(ctx)
		set.SetError(temporal.NewNonRetryableApplicationError(fmt.Sprintf("sign %s: %v", activityType, err), activities.ErrUnauthorized, nil))
		return f
	}
	f := o.Next.ExecuteActivity(ctx, activityType, args...)
	if workflow.GetVersion(ctx, checkedResults, workflow.DefaultVersion, 1) < 1 {
		return f
	}
	queue := cmp.Or(workflow.GetActivityOptions(ctx).TaskQueue, workflow.GetInfo(ctx).TaskQueueName)
	return o.checked(ctx, activityType, queue, claim, f)
}

// sign writes the signed claim of the activity, and the signed approval of
// the context's decision if there is one, into the activity's header. It
// returns the claim's bytes, nil when there is no signer.
func (o *orchestratingOutbound) sign(ctx workflow.Context, activityType string, args []any) ([]byte, error) {
	if o.o.Signer == nil {
		return nil, nil
	}
	header := interceptor.WorkflowHeader(ctx)
	if header == nil {
		return nil, errors.New("no activity header in the context")
	}
	c, err := ClaimOf(ctx, activityType, args...)
	if err != nil {
		return nil, err
	}
	c.Seq = o.seq
	tok, err := o.o.Signer.Sign(c)
	if err != nil {
		return nil, err
	}
	p, err := encode(tok)
	if err != nil {
		return nil, err
	}
	header[HeaderKey] = p
	if d, ok := ctx.Value(decisionKey{}).(Decision); ok {
		a, err := o.o.Signer.Approve(tok.Claim, d)
		if err != nil {
			return nil, err
		}
		if header[ApprovalHeader], err = encode(a); err != nil {
			return nil, err
		}
	}
	return tok.Claim, nil
}

// checked is f, once its result has passed the check of the host's key.
// The check runs in a coroutine of its own, which waits for f: so every
// host result takes this route whether there are keys or not, and the
// order in which coroutines wake does not depend on the configuration.
func (o *orchestratingOutbound) checked(ctx workflow.Context, activityType, queue string, claim []byte, f workflow.Future) workflow.Future {
	out, set := workflow.NewFuture(ctx)
	workflow.Go(ctx, func(ctx workflow.Context) {
		var raw converter.RawValue
		if err := f.Get(ctx, &raw); err != nil {
			set.SetError(err)
			return
		}
		p := raw.Payload()
		// Only a host's result is checked against its key: the webhook's
		// queue (a change record delivered) belongs to no host.
		if _, host := activities.HostOfQueue(queue); host && o.o.Hosts != nil && o.o.Signer != nil {
			if err := o.o.Hosts.CheckResult(queue, claim, p); err != nil {
				set.SetError(temporal.NewNonRetryableApplicationError(
					fmt.Sprintf("forged result of %s on %s: %v", activityType, queue, err), ErrForged, nil))
				return
			}
		}
		if p == nil {
			set.Set(nil, nil)
			return
		}
		// Decoded already: the codec passes a plain payload through.
		set.SetValue(&commonpb.Payloads{Payloads: []*commonpb.Payload{p}})
	})
	return out
}

// ClaimOf is the claim of an activity a workflow is about to schedule with
// the activity options of ctx, deterministically.
func ClaimOf(ctx workflow.Context, activityType string, args ...any) (Claim, error) {
	opts := workflow.GetActivityOptions(ctx)
	info := workflow.GetInfo(ctx)
	digest, err := Digest(args...)
	if err != nil {
		return Claim{}, err
	}
	life := opts.ScheduleToCloseTimeout
	if life <= 0 {
		life = DefaultLifetime
	}
	return Claim{
		// The SDK schedules on the workflow's own queue when none is set.
		Queue:      cmp.Or(opts.TaskQueue, info.TaskQueueName),
		Activity:   activityType,
		Input:      digest,
		WorkflowID: info.WorkflowExecution.ID,
		RunID:      info.WorkflowExecution.RunID,
		Expires:    workflow.Now(ctx).Add(life).Unix() + 1,
	}, nil
}
