package sign

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"go.temporal.io/sdk/workflow"
)

// ApprovalHeader is the activity header field that carries the approval of
// a destructive task (activities.NeedsApproval).
const ApprovalHeader = "tetsuzuki-approval"

// approvalDomain separates approvals from task claims and results.
const approvalDomain = "tetsuzuki approval v1\x00"

// How a destructive step came to be approved, as a Decision records it.
const (
	// ByKey: a person signed the decision with a key the runbook lists
	// (By is the name the runbook gives that key).
	ByKey = "key"
	// Unsigned: a person decided without a key, which the runbook allows
	// (By is what they said they are).
	Unsigned = "unsigned"
	// ByRunbook: the runbook's approvals.auto let the step through.
	ByRunbook = "runbook"
	// ByUndo: the run undoes a change it made itself.
	ByUndo = "undo"
)

// Decision is what a workflow recorded before a destructive step: which
// approval, who gave it and how. The orchestrator signs it, bound to the
// step's task, into the task's header; an agent runs a destructive task
// only with one.
type Decision struct {
	Step string `json:"step"`
	By   string `json:"by"`
	How  string `json:"how"`
}

func (d Decision) String() string {
	return fmt.Sprintf("%s approved by %s (%s)", d.Step, d.By, d.How)
}

type decisionKey struct{}

// WithDecision is ctx, for activities that carry out a recorded decision:
// the orchestrator's interceptor signs the decision into the header of
// each activity scheduled with it. Call it only once the decision is in
// the run's history.
func WithDecision(ctx workflow.Context, d Decision) workflow.Context {
	return workflow.WithValue(ctx, decisionKey{}, d)
}

// approval is the signed statement: a decision, for one task.
type approval struct {
	// Task is the hex SHA-256 of the claim of the task it approves.
	Task string `json:"task"`
	Decision
}

func taskDigest(claim []byte) string {
	sum := sha256.Sum256(claim)
	return hex.EncodeToString(sum[:])
}

// Approve signs decision d for the task whose claim is claim.
func (s *Signer) Approve(claim []byte, d Decision) (Token, error) {
	data, err := json.Marshal(approval{Task: taskDigest(claim), Decision: d})
	if err != nil {
		return Token{}, err
	}
	return Token{Key: s.id, Claim: data, Sig: ed25519.Sign(s.key, append([]byte(approvalDomain), data...))}, nil
}

// VerifyApproval checks that tok is an approval, signed by a trusted key,
// of the task whose claim is claim, and returns its decision.
func (t *Trust) VerifyApproval(tok Token, claim []byte) (Decision, error) {
	pub, ok := t.keys[tok.Key]
	if !ok {
		return Decision{}, &Refusal{Reason: UnknownKey, Detail: fmt.Sprintf("approval signed by key %q, which is not trusted", tok.Key)}
	}
	if !ed25519.Verify(pub, append([]byte(approvalDomain), tok.Claim...), tok.Sig) {
		return Decision{}, &Refusal{Reason: BadSignature, Detail: "approval, key " + tok.Key}
	}
	var a approval
	if err := json.Unmarshal(tok.Claim, &a); err != nil {
		return Decision{}, &Refusal{Reason: Malformed, Detail: "approval: " + err.Error()}
	}
	if a.Task != taskDigest(claim) {
		return Decision{}, &Refusal{Reason: NoApproval, Detail: "the approval is of another task"}
	}
	return a.Decision, nil
}

// decisionDomain separates a person's decisions from everything else.
const decisionDomain = "tetsuzuki decision v1\x00"

// decisionMessage is what an approver signs: the workflow that waits, the
// step, the answer and the reason, each prefixed with its length. Not the
// run ID, which a person deciding from a ticket does not have: a workflow
// ID names one run at a time, and starts never reuse one (starter run
// refuses duplicates). Built by hand rather than with encoding/json, since
// workflow code checks it and must stay plainly deterministic.
func decisionMessage(workflowID, step string, approve bool, reason string) []byte {
	answer := "reject"
	if approve {
		answer = "approve"
	}
	msg := []byte(decisionDomain)
	for _, f := range []string{workflowID, step, answer, reason} {
		msg = binary.BigEndian.AppendUint64(msg, uint64(len(f)))
		msg = append(msg, f...)
	}
	return msg
}

// SignDecision is an approver's signature of a decision on a step of the
// workflow workflowID.
func (s *Signer) SignDecision(workflowID, step string, approve bool, reason string) []byte {
	return ed25519.Sign(s.key, decisionMessage(workflowID, step, approve, reason))
}

// VerifyDecision reports whether sig is pub's signature of the decision.
// It is pure computation, deterministic, so workflow code may call it.
func VerifyDecision(pub ed25519.PublicKey, sig []byte, workflowID, step string, approve bool, reason string) bool {
	return len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, decisionMessage(workflowID, step, approve, reason), sig)
}
