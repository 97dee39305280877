package sign_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/sign"
)

// BenchmarkStep is what the trust boundary adds to one host step, both
// ways, as `make bench` reports it (the goal is under a millisecond): the
// orchestrator signs the task and its approval; the codec encrypts the
// input and the agent's side decrypts it; the agent checks the claim and
// the approval and signs its result; the codec carries the result back;
// the orchestrator checks it. The input is a config file of 4 KiB, the
// size of a cluster.conf of a few dozen nodes.
func BenchmarkStep(b *testing.B) {
	orch, host := key(b), key(b)
	trust, err := sign.NewTrust(orch.Public())
	if err != nil {
		b.Fatal(err)
	}
	ring := sign.NewKeyring()
	if err := ring.Add("storage0a.example.org", host.Public()); err != nil {
		b.Fatal(err)
	}
	codec, err := connect.NewCodec(make([]byte, 32))
	if err != nil {
		b.Fatal(err)
	}
	in := activities.FileState{Path: "/etc/cluster/cluster.conf", Exists: true, Mode: 0o644, Content: strings.Repeat("<clusternode/>\n", 4096/15)}
	dc := converter.GetDefaultDataConverter()
	decision := sign.Decision{Step: "mkfs:/dev/VG0/LV0", By: "alice", How: sign.ByKey}
	for b.Loop() {
		digest, err := sign.Digest(in)
		if err != nil {
			b.Fatal(err)
		}
		claim := sign.Claim{Queue: activities.HostQueue("storage0a.example.org"), Activity: activities.RestoreFileName, Input: digest,
			WorkflowID: "build/storage-layer", RunID: "0195", Expires: time.Now().Add(time.Hour).Unix(), Seq: 7}
		tok, err := orch.Sign(claim)
		if err != nil {
			b.Fatal(err)
		}
		approval, err := orch.Approve(tok.Claim, decision)
		if err != nil {
			b.Fatal(err)
		}
		p, err := dc.ToPayload(in)
		if err != nil {
			b.Fatal(err)
		}
		wire := roundTrip(b, codec, p)

		// The agent.
		var got activities.FileState
		if err := dc.FromPayload(wire, &got); err != nil {
			b.Fatal(err)
		}
		digest, err = sign.Digest(got)
		if err != nil {
			b.Fatal(err)
		}
		want := claim
		want.Input = digest
		if err := trust.Verify(tok, want, time.Now()); err != nil {
			b.Fatal(err)
		}
		if _, err := trust.VerifyApproval(approval, tok.Claim); err != nil {
			b.Fatal(err)
		}
		res, err := host.SignResult(tok.Claim, activities.Change{Changed: true})
		if err != nil {
			b.Fatal(err)
		}

		// The orchestrator.
		back := roundTrip(b, codec, res)
		if err := ring.CheckResult(claim.Queue, tok.Claim, back); err != nil {
			b.Fatal(err)
		}
	}
}

// roundTrip is a payload through the codec, as it crosses the server.
func roundTrip(b *testing.B, c *connect.Codec, p *commonpb.Payload) *commonpb.Payload {
	enc, err := c.Encode([]*commonpb.Payload{p})
	if err != nil {
		b.Fatal(err)
	}
	dec, err := c.Decode(enc)
	if err != nil {
		b.Fatal(err)
	}
	return dec[0]
}

func key(b *testing.B) *sign.Signer {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	return sign.NewSigner(priv)
}
