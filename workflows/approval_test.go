package workflows

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/sign"
)

// approverKey is a person's key, as `starter signkey --out` makes one.
func approverKey(t *testing.T) *sign.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return sign.NewSigner(priv)
}

// keyedYAML is the blog's runbook with alice's key as its one approver and
// unsigned decisions off, as a real stack's runbook is.
func keyedYAML(alice *sign.Signer) string {
	yaml := autoYAML("scalable-storage")
	return strings.Replace(yaml, "  unsigned: true", "  approvers:\n    - name: alice\n      key: "+hex.EncodeToString(alice.Public()), 1)
}

// signed is the Update a signed `starter approve --key` sends.
func signed(s *sign.Signer, workflowID, step string, approve bool) ApprovalRequest {
	return ApprovalRequest{Step: step, Approve: approve, Key: hex.EncodeToString(s.Public()),
		Signature: hex.EncodeToString(s.SignDecision(workflowID, step, approve, ""))}
}

// TestOnlyTheRunbooksApproversDecide: with approvers listed and unsigned
// decisions off, a decision without a key, one signed by a stranger and
// one of alice's signatures moved to another step are each refused, and
// alice's own is recorded as alice's, known by her key.
func TestOnlyTheRunbooksApproversDecide(t *testing.T) {
	alice, mallory := approverKey(t), approverKey(t)
	const id = "prepare-storage0a"
	var j journal
	env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) { noTable(env, rec, &j) })
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: id})
	refusals := make([]error, 4)
	unsigned := ApprovalRequest{Step: labelStorage0a, By: "alice", Approve: true}
	moved := signed(alice, id, "drbd-overwrite:storage0/r0", true)
	moved.Step = labelStorage0a
	approveAt(env, 10*time.Minute, unsigned, &refusals[0])
	approveAt(env, 20*time.Minute, signed(mallory, id, labelStorage0a, true), &refusals[1])
	approveAt(env, 30*time.Minute, moved, &refusals[2])
	approveAt(env, 40*time.Minute, signed(alice, id, labelStorage0a, true), &refusals[3])
	in := inputOf[HostInput](request{YAML: keyedYAML(alice), Host: "storage0a"})
	env.ExecuteWorkflow(PrepareDiskName, in)
	res := resultOf[StepResult](t, env)
	for i, what := range []string{"an unsigned decision", "a stranger's", "alice's signature of another step"} {
		if refusals[i] == nil {
			t.Errorf("%s was taken", what)
		}
	}
	if refusals[3] != nil {
		t.Fatalf("alice's signed decision was refused: %v", refusals[3])
	}
	want := Approval{Step: labelStorage0a, By: "alice", Approved: true, How: sign.ByKey, Key: alice.ID()}
	if len(res.Approvals) != 1 || res.Approvals[0] != want {
		t.Errorf("approvals: %+v, want %+v", res.Approvals, want)
	}
}

// TestUnsignedDecisionsAreRecordedAsSuch: where the runbook takes
// decisions without a key, the record says the name was only said.
func TestUnsignedDecisionsAreRecordedAsSuch(t *testing.T) {
	var j journal
	env, _ := newEnv(t, func(env *testsuite.TestWorkflowEnvironment, rec *recorder) { noTable(env, rec, &j) })
	var refusal error
	approveAt(env, time.Hour, ApprovalRequest{Step: labelStorage0a, By: "bob", Approve: true}, &refusal)
	env.ExecuteWorkflow(PrepareDiskName, hostIn("storage0a", ""))
	res := resultOf[StepResult](t, env)
	if refusal != nil {
		t.Fatal(refusal)
	}
	if len(res.Approvals) != 1 || res.Approvals[0].How != sign.Unsigned || res.Approvals[0].By != "bob" {
		t.Errorf("approvals: %+v", res.Approvals)
	}
}

// TestOverridesCannotAddApprovers: a start request may not let in an
// approver the runbook does not list, nor turn unsigned decisions on.
func TestOverridesCannotAddApprovers(t *testing.T) {
	alice := approverKey(t)
	for name, overrides := range map[string]string{
		"an approver": `{"approvals": {"approvers": [{"name": "mallory", "key": "` + hex.EncodeToString(approverKey(t).Public()) + `"}]}}`,
		"unsigned":    `{"approvals": {"unsigned": true}}`,
	} {
		t.Run(name, func(t *testing.T) {
			env, _ := newEnv(t, nil)
			r := request{YAML: keyedYAML(alice), Host: "storage0a"}
			r.Overrides = []byte(overrides)
			env.ExecuteWorkflow(PrepareDiskName, inputOf[HostInput](r))
			wantErrType(t, env.GetWorkflowError(), activities.ErrBadInput)
		})
	}
}
