package sign

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func newSigner(t testing.TB) *Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return NewSigner(priv)
}

func trusting(t testing.TB, s ...*Signer) *Trust {
	t.Helper()
	var pubs []ed25519.PublicKey
	for _, x := range s {
		pubs = append(pubs, x.Public())
	}
	tr, err := NewTrust(pubs...)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

type touchIn struct {
	Path string `json:"path"`
}

func claimFor(t testing.TB, in any) Claim {
	t.Helper()
	d, err := Digest(in)
	if err != nil {
		t.Fatal(err)
	}
	return Claim{Queue: "host-storage0a.example.org", Activity: "TouchFile", Input: d, WorkflowID: "wf", RunID: "run", Expires: now.Add(time.Hour).Unix()}
}

var now = time.Date(2008, 6, 1, 12, 0, 0, 0, time.UTC)

func reason(err error) string {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Reason
	}
	if err != nil {
		return "untyped: " + err.Error()
	}
	return ""
}

// TestVerify changes one field of the task at a time: each is refused
// with its own reason, and the untouched task passes.
func TestVerify(t *testing.T) {
	s := newSigner(t)
	tr := trusting(t, s)
	signed := claimFor(t, touchIn{Path: "/mnt/gfs2/x"})
	tok, err := s.Sign(signed)
	if err != nil {
		t.Fatal(err)
	}
	other := claimFor(t, touchIn{Path: "/etc/nologin"})
	for _, tc := range []struct {
		name   string
		change func(*Claim)
		at     time.Time
		want   string
	}{
		{"the signed task", func(*Claim) {}, now, ""},
		{"another host", func(c *Claim) { c.Queue = "host-storage0b.example.org" }, now, WrongQueue},
		{"another activity", func(c *Claim) { c.Activity = "RestoreFile" }, now, WrongActivity},
		{"another input", func(c *Claim) { c.Input = other.Input }, now, WrongInput},
		{"another workflow", func(c *Claim) { c.WorkflowID = "rogue" }, now, WrongWorkflow},
		{"another run", func(c *Claim) { c.RunID = "run2" }, now, WrongRun},
		{"within the clock skew", func(*Claim) {}, now.Add(time.Hour + maxClockSkew/2), ""},
		{"after the expiry", func(*Claim) {}, now.Add(time.Hour + maxClockSkew + time.Second), Expired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := signed
			tc.change(&want)
			if got := reason(tr.Verify(tok, want, tc.at)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestVerifyKeyAndSignature: a key the agent does not trust, a claim
// changed after signing, a signature moved to another key's ID.
func TestVerifyKeyAndSignature(t *testing.T) {
	s, stranger := newSigner(t), newSigner(t)
	tr := trusting(t, s)
	c := claimFor(t, touchIn{Path: "/mnt/gfs2/x"})
	strangers, _ := stranger.Sign(c)
	if got := reason(tr.Verify(strangers, c, now)); got != UnknownKey {
		t.Errorf("untrusted key: got %q, want %q", got, UnknownKey)
	}
	forged := strangers
	forged.Key = s.ID()
	if got := reason(tr.Verify(forged, c, now)); got != BadSignature {
		t.Errorf("another key's signature: got %q, want %q", got, BadSignature)
	}
	tok, _ := s.Sign(c)
	c2 := c
	c2.Queue = "host-storage0b.example.org"
	tampered, _ := s.Sign(c2)
	tampered.Sig = tok.Sig // the claim of another host under this task's signature
	if got := reason(tr.Verify(tampered, c2, now)); got != BadSignature {
		t.Errorf("claim changed after signing: got %q, want %q", got, BadSignature)
	}
}

// TestDigestSeesTheInput: equal values digest equal, any change differs.
func TestDigestSeesTheInput(t *testing.T) {
	a, _ := Digest(touchIn{Path: "/mnt/gfs2/x"})
	b, _ := Digest(&touchIn{Path: "/mnt/gfs2/x"})
	c, _ := Digest(touchIn{Path: "/mnt/gfs2/y"})
	d, _ := Digest(touchIn{Path: "/mnt/gfs2/x"}, touchIn{})
	if a != b {
		t.Errorf("a value and a pointer to it digest differently")
	}
	if a == c || a == d {
		t.Errorf("different inputs digest the same")
	}
}

func TestKeyFiles(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "orchestrator.key")
	if err := GenerateKeyFiles(key); err != nil {
		t.Fatal(err)
	}
	if err := GenerateKeyFiles(key); err == nil {
		t.Fatal("a second GenerateKeyFiles wrote over the key")
	}
	for path, mode := range map[string]os.FileMode{key: 0o600, key + ".pub": 0o644} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("%s: mode %04o, want %04o", path, fi.Mode().Perm(), mode)
		}
	}
	s, err := LoadSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := LoadTrust(SplitList(key + ".pub")...)
	if err != nil {
		t.Fatal(err)
	}
	c := claimFor(t, touchIn{})
	tok, _ := s.Sign(c)
	if err := tr.Verify(tok, c, now); err != nil {
		t.Errorf("a key and its .pub do not agree: %v", err)
	}
	if err := os.Chmod(key, 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSigner(key); err == nil {
		t.Error("a group-readable signing key was accepted")
	}
	bad := filepath.Join(dir, "bad.pub")
	if err := os.WriteFile(bad, []byte("# comment\nnot hex\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadTrust(bad); err == nil {
		t.Error("a malformed public key file was accepted")
	}
}

// BenchmarkSignVerify is what signing adds to one step: the digest on
// both sides, the signature on the orchestrator, the check on the agent.
func BenchmarkSignVerify(b *testing.B) {
	s := newSigner(b)
	tr := trusting(b, s)
	in := struct {
		Path    string `json:"path"`
		Content string `json:"content"`
	}{"/etc/cluster/cluster.conf", string(make([]byte, 4096))}
	for b.Loop() {
		c := claimFor(b, in)
		tok, err := s.Sign(c)
		if err != nil {
			b.Fatal(err)
		}
		p, err := encode(tok)
		if err != nil {
			b.Fatal(err)
		}
		got, err := decode(p)
		if err != nil {
			b.Fatal(err)
		}
		if err := tr.Verify(got, claimFor(b, in), now); err != nil {
			b.Fatal(err)
		}
	}
}
