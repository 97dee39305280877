package sign

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

const host = "storage0a.example.org"

// step is what the test workflow schedules on the host's queue.
type step struct {
	activity string
	in       any
	// decision, if set, is recorded before the step, as proc.run does
	// after an approval.
	decision *Decision
}

var touch = step{activity: "TouchFile", in: touchIn{Path: "/mnt/gfs2/x"}}

// run schedules st from a workflow, with the orchestrator's and the
// agent's interceptors of the test environment, and says whether the
// activity ran, what the workflow got back and how it ended.
func run(t *testing.T, st step, interceptors ...interceptor.WorkerInterceptor) (ran bool, got activities.Change, err error) {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetWorkerOptions(worker.Options{Interceptors: interceptors})
	env.RegisterActivityWithOptions(func(ctx context.Context, in touchIn) (activities.Change, error) {
		ran = true
		return activities.Change{Changed: true}, nil
	}, activity.RegisterOptions{Name: "TouchFile"})
	env.RegisterActivityWithOptions(func(ctx context.Context, in activities.PVInput) (activities.Change, error) {
		ran = true
		return activities.Change{Changed: true}, nil
	}, activity.RegisterOptions{Name: activities.PVCreateName})
	env.RegisterWorkflowWithOptions(func(ctx workflow.Context) (activities.Change, error) {
		ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
			TaskQueue:           activities.HostQueue(host),
			StartToCloseTimeout: time.Minute,
			RetryPolicy:         &temporal.RetryPolicy{NonRetryableErrorTypes: activities.NonRetryable},
		})
		if st.decision != nil {
			ctx = WithDecision(ctx, *st.decision)
		}
		var c activities.Change
		err := workflow.ExecuteActivity(ctx, st.activity, st.in).Get(ctx, &c)
		return c, err
	}, workflow.RegisterOptions{Name: "Step"})
	env.ExecuteWorkflow("Step")
	if err = env.GetWorkflowError(); err == nil {
		err = env.GetWorkflowResult(&got)
	}
	return ran, got, err
}

func typeOf(err error) (typ, detail string) {
	var app *temporal.ApplicationError
	if !errors.As(err, &app) {
		return "", ""
	}
	var reason string
	_ = app.Details(&reason)
	return app.Type(), reason
}

// TestInterceptors: signed by a trusted key, the activity runs; unsigned,
// or signed by a key the agent does not trust, it is refused as
// Unauthorized and does not run.
func TestInterceptors(t *testing.T) {
	s, stranger := newSigner(t), newSigner(t)
	tr := trusting(t, s)
	for _, tc := range []struct {
		name         string
		interceptors []interceptor.WorkerInterceptor
		want         string
	}{
		{"signed", []interceptor.WorkerInterceptor{Orchestrator{Signer: s}.Interceptor(), Agent{Trust: tr}.Interceptor()}, ""},
		{"unsigned", []interceptor.WorkerInterceptor{Agent{Trust: tr}.Interceptor()}, NoSignature},
		{"signed by a stranger", []interceptor.WorkerInterceptor{Orchestrator{Signer: stranger}.Interceptor(), Agent{Trust: tr}.Interceptor()}, UnknownKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ran, _, err := run(t, touch, tc.interceptors...)
			if tc.want == "" {
				if err != nil || !ran {
					t.Fatalf("ran %v, err %v; want it to run", ran, err)
				}
				return
			}
			if ran {
				t.Error("the refused activity ran")
			}
			if typ, reason := typeOf(err); typ != activities.ErrUnauthorized || reason != tc.want {
				t.Fatalf("got %v (type %q, reason %q), want %s: %s", err, typ, reason, activities.ErrUnauthorized, tc.want)
			}
		})
	}
}

// TestResults: the orchestrator takes a result only signed by a key its
// keyring holds for the host whose queue the task was on; any other
// answer fails the step as Forged, after the activity ran.
func TestResults(t *testing.T) {
	s, hostKey, other := newSigner(t), newSigner(t), newSigner(t)
	tr := trusting(t, s)
	ring := NewKeyring()
	if err := ring.Add(host, hostKey.Public()); err != nil {
		t.Fatal(err)
	}
	if err := ring.Add("storage0b.example.org", other.Public()); err != nil {
		t.Fatal(err)
	}
	orch := Orchestrator{Signer: s, Hosts: ring}.Interceptor()
	for _, tc := range []struct {
		name  string
		agent Agent
		want  string
	}{
		{"signed by the host's key", Agent{Trust: tr, Key: hostKey}, ""},
		{"not signed", Agent{Trust: tr}, ErrForged},
		{"signed by another host's key", Agent{Trust: tr, Key: other}, ErrForged},
		{"signed by a stranger", Agent{Trust: tr, Key: newSigner(t)}, ErrForged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ran, got, err := run(t, touch, orch, tc.agent.Interceptor())
			if !ran {
				t.Fatal("the activity did not run")
			}
			if tc.want == "" {
				if err != nil || !got.Changed {
					t.Fatalf("got %+v, %v; want the activity's result", got, err)
				}
				return
			}
			if typ, _ := typeOf(err); typ != tc.want {
				t.Fatalf("got %+v, %v; want %s", got, err, tc.want)
			}
		})
	}
	// Without a keyring the orchestrator takes the result as it is, and
	// the host's signature beside it changes nothing of the value.
	if _, got, err := run(t, touch, Orchestrator{Signer: s}.Interceptor(), Agent{Trust: tr, Key: hostKey}.Interceptor()); err != nil || !got.Changed {
		t.Fatalf("without a keyring: got %+v, %v", got, err)
	}
}

// TestResultBinding: a host's signature covers the claim of the task it
// answers and the data it returns, so neither can be swapped.
func TestResultBinding(t *testing.T) {
	hostKey := newSigner(t)
	ring := NewKeyring()
	if err := ring.Add(host, hostKey.Public()); err != nil {
		t.Fatal(err)
	}
	queue := activities.HostQueue(host)
	claim := []byte(`{"queue":"host-storage0a.example.org","seq":3}`)
	p, err := hostKey.SignResult(claim, activities.Change{Changed: false})
	if err != nil {
		t.Fatal(err)
	}
	if err := ring.CheckResult(queue, claim, p); err != nil {
		t.Fatalf("the host's own result: %v", err)
	}
	if err := ring.CheckResult(queue, []byte(`{"queue":"host-storage0a.example.org","seq":4}`), p); err == nil {
		t.Error("a result of task 3 was taken as the answer to task 4")
	}
	if err := ring.CheckResult(activities.HostQueue("storage0b.example.org"), claim, p); err == nil {
		t.Error("a result was taken from a host the keyring has no key of")
	}
	p.Data = []byte(`{"changed":true}`)
	if err := ring.CheckResult(queue, claim, p); err == nil {
		t.Error("a result whose data was changed after signing was taken")
	}
	if err := ring.CheckResult(queue, claim, nil); err == nil {
		t.Error("no result at all was taken")
	}
}

// TestApprovals: an agent runs a destructive task only with the
// orchestrator's signed approval of it; other tasks need none.
func TestApprovals(t *testing.T) {
	s, stranger := newSigner(t), newSigner(t)
	agent := Agent{Trust: trusting(t, s)}.Interceptor()
	wipe := step{activity: activities.PVCreateName, in: activities.PVInput{Device: "/dev/mapper/pv0", Wipe: true}}
	noWipe := step{activity: activities.PVCreateName, in: activities.PVInput{Device: "/dev/mapper/pv0"}}
	decided := wipe
	decided.decision = &Decision{Step: "pvcreate:/dev/mapper/pv0", By: "alice", How: ByKey}
	for _, tc := range []struct {
		name string
		st   step
		orch Orchestrator
		want string
	}{
		{"approved", decided, Orchestrator{Signer: s}, ""},
		{"no approval", wipe, Orchestrator{Signer: s}, NoApproval},
		{"not destructive", noWipe, Orchestrator{Signer: s}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ran, _, err := run(t, tc.st, tc.orch.Interceptor(), agent)
			if tc.want == "" {
				if err != nil || !ran {
					t.Fatalf("ran %v, err %v; want it to run", ran, err)
				}
				return
			}
			if ran {
				t.Error("the refused activity ran")
			}
			if typ, reason := typeOf(err); typ != activities.ErrUnauthorized || reason != tc.want {
				t.Fatalf("got %v (type %q, reason %q), want %s: %s", err, typ, reason, activities.ErrUnauthorized, tc.want)
			}
		})
	}
	// An approval signed by a key the agent does not trust approves
	// nothing, even on a claim it does trust.
	tr := trusting(t, s)
	c := claimFor(t, wipe.in)
	tok, err := s.Sign(c)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := stranger.Approve(tok.Claim, *decided.decision)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.VerifyApproval(forged, tok.Claim); reason(err) != UnknownKey {
		t.Errorf("a stranger's approval: %v, want %s", err, UnknownKey)
	}
	other, err := s.Sign(claimFor(t, noWipe.in))
	if err != nil {
		t.Fatal(err)
	}
	moved, err := s.Approve(other.Claim, *decided.decision)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.VerifyApproval(moved, tok.Claim); reason(err) != NoApproval {
		t.Errorf("an approval of another task: %v, want %s", err, NoApproval)
	}
	good, err := s.Approve(tok.Claim, *decided.decision)
	if err != nil {
		t.Fatal(err)
	}
	if d, err := tr.VerifyApproval(good, tok.Claim); err != nil || d != *decided.decision {
		t.Errorf("the approval of this task: %+v, %v", d, err)
	}
}
