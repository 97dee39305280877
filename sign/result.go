package sign

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// ResultKey is the metadata field of an activity's result payload that
// carries the host's signature of it. Activity results have no header, so
// the signature travels beside the data it covers, in the same payload;
// the payload codec encrypts it with the rest.
const ResultKey = "tetsuzuki-result-signature"

// resultDomain separates result signatures from task claims: a host key
// never signs anything an orchestrator key would.
const resultDomain = "tetsuzuki result v1\x00"

// ErrForged is the error type of a step whose result the orchestrator does
// not take: not signed, or not by a key of the host whose queue the task
// was on, or not for this task. Permanent, and the run undoes what it did:
// something other than the host's agent answered the host's queue.
const ErrForged = "Forged"

// resultSig is what ResultKey holds.
type resultSig struct {
	Key string `json:"key"`
	Sig []byte `json:"sig"`
}

// resultMessage is what a host signs: the exact bytes of the task's claim
// (so a result answers one task and no other: the claim names the queue,
// activity, input, run and the task's place in the run) and the payload's
// encoding and data.
func resultMessage(claim []byte, p *commonpb.Payload) []byte {
	h := sha256.New()
	field(h, claim)
	field(h, p.GetMetadata()[converter.MetadataEncoding])
	field(h, p.GetData())
	return h.Sum([]byte(resultDomain))
}

// SignResult encodes result as the SDK's default converter would and adds
// the host's signature of it for the task of claim.
func (s *Signer) SignResult(claim []byte, result any) (*commonpb.Payload, error) {
	p, err := converter.GetDefaultDataConverter().ToPayload(result)
	if err != nil {
		return nil, fmt.Errorf("encode result: %w", err)
	}
	sig, err := json.Marshal(resultSig{Key: s.id, Sig: ed25519.Sign(s.key, resultMessage(claim, p))})
	if err != nil {
		return nil, err
	}
	if p.Metadata == nil {
		p.Metadata = map[string][]byte{}
	}
	p.Metadata[ResultKey] = sig
	return p, nil
}

// CheckResult checks that p carries the signature, by a key the keyring
// holds for the host of queue, of the task whose claim is claim.
func (k *Keyring) CheckResult(queue string, claim []byte, p *commonpb.Payload) error {
	host, ok := activities.HostOfQueue(queue)
	if !ok {
		return fmt.Errorf("queue %q is no host's", queue)
	}
	keys := k.hosts[host]
	if len(keys) == 0 {
		return fmt.Errorf("the keyring holds no key of %s", host)
	}
	if p == nil {
		return fmt.Errorf("%s answered with no result", host)
	}
	raw, ok := p.GetMetadata()[ResultKey]
	if !ok {
		return fmt.Errorf("the result from %s is not signed", queue)
	}
	var rs resultSig
	if err := json.Unmarshal(raw, &rs); err != nil {
		return fmt.Errorf("the result's signature is malformed: %v", err)
	}
	pub, ok := keys[rs.Key]
	if !ok {
		return fmt.Errorf("the result is signed by key %q, not one of %s's", rs.Key, host)
	}
	if !ed25519.Verify(pub, resultMessage(claim, p), rs.Sig) {
		return fmt.Errorf("the signature of the result does not match it, or not this task (key %s of %s)", rs.Key, host)
	}
	return nil
}
