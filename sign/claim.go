package sign

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
)

// HeaderKey is the activity header field that carries the signed claim.
// It is protocol: orchestrator and agents must agree on it.
const HeaderKey = "tetsuzuki-task-signature"

// domain separates these signatures from anything else the same key might
// ever sign.
const domain = "tetsuzuki task v1\x00"

// Claim is what the orchestrator asserts of one activity it schedules.
type Claim struct {
	// Queue is the task queue, that is the host: host-<fqdn>.
	Queue string `json:"queue"`
	// Activity is the activity type.
	Activity string `json:"activity"`
	// Input is the hex SHA-256 of the input (Digest).
	Input      string `json:"input"`
	WorkflowID string `json:"workflow_id"`
	RunID      string `json:"run_id"`
	// Expires is when the task stops being valid, in Unix seconds.
	Expires int64 `json:"expires"`
	// Seq is the task's place among the activities of its workflow
	// execution. The agent does not check it: it makes the claims of two
	// identical steps of one run differ, and so what answers them.
	Seq int `json:"seq,omitempty"`
}

// Token is a signed claim, as it travels in the header.
type Token struct {
	// Key is the ID of the signing key (KeyID).
	Key string `json:"key"`
	// Claim is the JSON of the Claim: the exact bytes signed.
	Claim []byte `json:"claim"`
	Sig   []byte `json:"sig"`
}

// Sign signs a claim.
func (s *Signer) Sign(c Claim) (Token, error) {
	data, err := json.Marshal(c)
	if err != nil {
		return Token{}, err
	}
	return Token{Key: s.id, Claim: data, Sig: ed25519.Sign(s.key, append([]byte(domain), data...))}, nil
}

// Refusal is a task the agent does not accept; Reason says what failed.
type Refusal struct {
	Reason string
	Detail string
}

func (r *Refusal) Error() string {
	if r.Detail == "" {
		return r.Reason
	}
	return r.Reason + ": " + r.Detail
}

// The reasons of a Refusal.
const (
	NoSignature   = "no signature"
	Malformed     = "malformed signature"
	UnknownKey    = "unknown key"
	BadSignature  = "bad signature"
	WrongQueue    = "wrong queue"
	WrongActivity = "wrong activity"
	WrongInput    = "wrong input"
	WrongWorkflow = "wrong workflow"
	WrongRun      = "wrong run"
	Expired       = "expired"
	// NoApproval: a destructive task without the orchestrator's signed
	// approval of it.
	NoApproval = "no approval"
)

// maxClockSkew is how far the agent's clock may run ahead of the
// orchestrator's before a task expires early.
const maxClockSkew = time.Minute

// Verify checks that tok is signed by a trusted key and that its claim
// names the task want describes (Expires of want is ignored) at time now.
func (t *Trust) Verify(tok Token, want Claim, now time.Time) error {
	pub, ok := t.keys[tok.Key]
	if !ok {
		return &Refusal{Reason: UnknownKey, Detail: fmt.Sprintf("key %q is not trusted", tok.Key)}
	}
	if !ed25519.Verify(pub, append([]byte(domain), tok.Claim...), tok.Sig) {
		return &Refusal{Reason: BadSignature, Detail: "key " + tok.Key}
	}
	var got Claim
	if err := json.Unmarshal(tok.Claim, &got); err != nil {
		return &Refusal{Reason: Malformed, Detail: err.Error()}
	}
	for _, f := range []struct {
		reason, got, want string
	}{
		{WrongQueue, got.Queue, want.Queue},
		{WrongActivity, got.Activity, want.Activity},
		{WrongWorkflow, got.WorkflowID, want.WorkflowID},
		{WrongRun, got.RunID, want.RunID},
		{WrongInput, got.Input, want.Input},
	} {
		if f.got != f.want {
			return &Refusal{Reason: f.reason, Detail: fmt.Sprintf("signed for %q, received %q", f.got, f.want)}
		}
	}
	if exp := time.Unix(got.Expires, 0); now.After(exp.Add(maxClockSkew)) {
		return &Refusal{Reason: Expired, Detail: "at " + exp.UTC().Format(time.RFC3339)}
	}
	return nil
}

// Digest is the hex SHA-256 of arguments as the SDK's default (JSON)
// payload converter encodes them: each payload's encoding and data, each
// prefixed with its length.
func Digest(args ...any) (string, error) {
	payloads, err := converter.GetDefaultDataConverter().ToPayloads(args...)
	if err != nil {
		return "", fmt.Errorf("encode input: %w", err)
	}
	h := sha256.New()
	for _, p := range payloads.GetPayloads() {
		field(h, p.GetMetadata()[converter.MetadataEncoding])
		field(h, p.GetData())
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func field(h hash.Hash, b []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	h.Write(n[:])
	h.Write(b)
}

// encode puts a token into a header payload, as plain JSON: a signature is
// no secret, and the payload codec does not apply to headers.
func encode(tok Token) (*commonpb.Payload, error) {
	return converter.GetDefaultDataConverter().ToPayload(tok)
}

// decode reads a token from a header payload.
func decode(p *commonpb.Payload) (Token, error) {
	var tok Token
	if err := converter.GetDefaultDataConverter().FromPayload(p, &tok); err != nil {
		return Token{}, &Refusal{Reason: Malformed, Detail: err.Error()}
	}
	return tok, nil
}
