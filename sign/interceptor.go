package sign

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
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

// Interceptor is the orchestrator's worker interceptor: it signs every
// activity its workflows schedule.
func (s *Signer) Interceptor() interceptor.WorkerInterceptor {
	return &signing{s: s}
}

type signing struct {
	interceptor.WorkerInterceptorBase
	s *Signer
}

func (w *signing) InterceptWorkflow(ctx workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	i := &signingInbound{s: w.s}
	i.Next = next
	return i
}

type signingInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	s *Signer
}

func (i *signingInbound) Init(outbound interceptor.WorkflowOutboundInterceptor) error {
	o := &signingOutbound{s: i.s}
	o.Next = outbound
	return i.Next.Init(o)
}

type signingOutbound struct {
	interceptor.WorkflowOutboundInterceptorBase
	s *Signer
}

// ExecuteActivity writes the signed claim of the activity into its header.
// It runs again on every replay and must stay deterministic (see the
// package doc).
func (o *signingOutbound) ExecuteActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	if err := o.sign(ctx, activityType, args); err != nil {
		f, set := workflow.NewFuture(ctx)
		set.SetError(temporal.NewNonRetryableApplicationError(fmt.Sprintf("sign %s: %v", activityType, err), activities.ErrUnauthorized, nil))
		return f
	}
	return o.Next.ExecuteActivity(ctx, activityType, args...)
}

func (o *signingOutbound) sign(ctx workflow.Context, activityType string, args []any) error {
	header := interceptor.WorkflowHeader(ctx)
	if header == nil {
		return errors.New("no activity header in the context")
	}
	c, err := ClaimOf(ctx, activityType, args...)
	if err != nil {
		return err
	}
	tok, err := o.s.Sign(c)
	if err != nil {
		return err
	}
	p, err := encode(tok)
	if err != nil {
		return err
	}
	header[HeaderKey] = p
	return nil
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

// Interceptor is the agent's worker interceptor: it refuses, before the
// activity runs, every task that does not carry a valid claim of a
// trusted key for exactly this task.
func (t *Trust) Interceptor() interceptor.WorkerInterceptor {
	return &verifying{t: t}
}

type verifying struct {
	interceptor.WorkerInterceptorBase
	t *Trust
}

func (w *verifying) InterceptActivity(ctx context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	i := &verifyingActivity{t: w.t}
	i.Next = next
	return i
}

type verifyingActivity struct {
	interceptor.ActivityInboundInterceptorBase
	t *Trust
}

func (i *verifyingActivity) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	info := activity.GetInfo(ctx)
	if err := i.t.check(ctx, info, in.Args); err != nil {
		var r *Refusal
		reason := Malformed
		if errors.As(err, &r) {
			reason = r.Reason
		}
		activity.GetLogger(ctx).Warn("refused an unauthorized task", "Reason", err.Error())
		return nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("unauthorized %s on %s from workflow %s run %s: %v", info.ActivityType.Name, info.TaskQueue, info.WorkflowExecution.ID, info.WorkflowExecution.RunID, err),
			activities.ErrUnauthorized, nil, reason)
	}
	return i.Next.ExecuteActivity(ctx, in)
}

func (t *Trust) check(ctx context.Context, info activity.Info, args []any) error {
	p := interceptor.Header(ctx)[HeaderKey]
	if p == nil {
		return &Refusal{Reason: NoSignature}
	}
	tok, err := decode(p)
	if err != nil {
		return err
	}
	digest, err := Digest(args...)
	if err != nil {
		return &Refusal{Reason: WrongInput, Detail: err.Error()}
	}
	return t.Verify(tok, Claim{
		Queue:      info.TaskQueue,
		Activity:   info.ActivityType.Name,
		Input:      digest,
		WorkflowID: info.WorkflowExecution.ID,
		RunID:      info.WorkflowExecution.RunID,
	}, time.Now())
}
