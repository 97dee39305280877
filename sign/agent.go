package sign

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// Agent is a host's half of the trust boundary: it runs only what a
// trusted orchestrator sent, destroys only what it approved, and signs
// what it answers.
type Agent struct {
	// Trust are the orchestrator keys the agent takes tasks from: a task
	// without a valid claim of one, for exactly this task, is refused as
	// ErrUnauthorized before it runs, and so is a destructive task
	// (activities.NeedsApproval) without a signed approval. Nil checks
	// nothing.
	Trust *Trust
	// Key is the host's own key: every result the agent returns carries
	// its signature, bound to the task's claim, for the orchestrator's
	// keyring to check. Nil signs nothing.
	Key *Signer
}

// Interceptor is the agent's worker interceptor.
func (a Agent) Interceptor() interceptor.WorkerInterceptor {
	return &verifying{a: a}
}

type verifying struct {
	interceptor.WorkerInterceptorBase
	a Agent
}

func (w *verifying) InterceptActivity(ctx context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	i := &verifyingActivity{a: w.a}
	i.Next = next
	return i
}

type verifyingActivity struct {
	interceptor.ActivityInboundInterceptorBase
	a Agent
}

func (i *verifyingActivity) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	info := activity.GetInfo(ctx)
	claim, err := i.check(ctx, info, in.Args)
	if err != nil {
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
	result, err := i.Next.ExecuteActivity(ctx, in)
	if err != nil || i.a.Key == nil {
		return result, err
	}
	p, err := i.a.Key.SignResult(claim, result)
	if err != nil {
		return nil, fmt.Errorf("sign the result of %s: %w", info.ActivityType.Name, err)
	}
	return converter.NewRawValue(p), nil
}

// check verifies the task's claim (and, for a destructive task, its
// approval) and returns the claim's bytes, which the result is bound to.
// Without Trust it checks nothing and returns the claim if there is one.
func (i *verifyingActivity) check(ctx context.Context, info activity.Info, args []any) ([]byte, error) {
	p := interceptor.Header(ctx)[HeaderKey]
	if i.a.Trust == nil {
		if p == nil {
			return nil, nil
		}
		tok, err := decode(p)
		if err != nil {
			return nil, nil
		}
		return tok.Claim, nil
	}
	if p == nil {
		return nil, &Refusal{Reason: NoSignature}
	}
	tok, err := decode(p)
	if err != nil {
		return nil, err
	}
	digest, err := Digest(args...)
	if err != nil {
		return nil, &Refusal{Reason: WrongInput, Detail: err.Error()}
	}
	if err := i.a.Trust.Verify(tok, Claim{
		Queue:      info.TaskQueue,
		Activity:   info.ActivityType.Name,
		Input:      digest,
		WorkflowID: info.WorkflowExecution.ID,
		RunID:      info.WorkflowExecution.RunID,
	}, time.Now()); err != nil {
		return nil, err
	}
	if !activities.NeedsApproval(info.ActivityType.Name, args) {
		return tok.Claim, nil
	}
	ap := interceptor.Header(ctx)[ApprovalHeader]
	if ap == nil {
		return nil, &Refusal{Reason: NoApproval, Detail: info.ActivityType.Name + " destroys data and needs an approval the orchestrator signed"}
	}
	atok, err := decode(ap)
	if err != nil {
		return nil, err
	}
	d, err := i.a.Trust.VerifyApproval(atok, tok.Claim)
	if err != nil {
		return nil, err
	}
	activity.GetLogger(ctx).Info("running an approved destructive step", "Approval", d.String())
	return tok.Claim, nil
}
