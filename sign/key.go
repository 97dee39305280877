package sign

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/names"
)

// The environment variables the worker and the lab read when no flag names
// the key files.
const (
	// KeyEnv names the orchestrator's private key file.
	KeyEnv = "TETSUZUKI_SIGN_KEY"
	// TrustEnv names the files of the public keys an agent trusts,
	// separated like PATH.
	TrustEnv = "TETSUZUKI_TRUST_KEYS"
)

// maxKeyFile bounds what a key file may hold: a few hundred keys.
const maxKeyFile = 64 << 10

// Signer is the orchestrator's signing key.
type Signer struct {
	key ed25519.PrivateKey
	id  string
}

// NewSigner makes a signer of an Ed25519 private key.
func NewSigner(key ed25519.PrivateKey) *Signer {
	return &Signer{key: key, id: KeyID(key.Public().(ed25519.PublicKey))}
}

// Public is the key agents must trust to accept this signer's tasks.
func (s *Signer) Public() ed25519.PublicKey { return s.key.Public().(ed25519.PublicKey) }

// ID names the key in claims and refusals.
func (s *Signer) ID() string { return s.id }

// KeyID is a short name of a public key: the hex of the first eight bytes
// of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// LoadSigner reads a private key file: one line, the hex of the 32-byte
// seed. A file readable by group or others is refused.
func LoadSigner(path string) (*Signer, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("signing key %s: not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("signing key %s: mode %04o lets others read it (chmod 600)", path, perm)
	}
	lines, err := keyLines(path)
	if err != nil {
		return nil, err
	}
	if len(lines) != 1 {
		return nil, fmt.Errorf("signing key %s: %d keys, want exactly one", path, len(lines))
	}
	seed, err := hex.DecodeString(lines[0].text)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("signing key %s: line %d: want the hex of a %d-byte Ed25519 seed", path, lines[0].n, ed25519.SeedSize)
	}
	return NewSigner(ed25519.NewKeyFromSeed(seed)), nil
}

// Trust is the set of orchestrator keys an agent accepts tasks from.
type Trust struct {
	keys map[string]ed25519.PublicKey
}

// NewTrust makes a trust of public keys. It needs at least one.
func NewTrust(pubs ...ed25519.PublicKey) (*Trust, error) {
	if len(pubs) == 0 {
		return nil, errors.New("no trusted key")
	}
	t := &Trust{keys: map[string]ed25519.PublicKey{}}
	for _, p := range pubs {
		if len(p) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("public key of %d bytes, want %d", len(p), ed25519.PublicKeySize)
		}
		t.keys[KeyID(p)] = p
	}
	return t, nil
}

// IDs names the trusted keys, for a startup line.
func (t *Trust) IDs() []string {
	return slices.Sorted(maps.Keys(t.keys))
}

// LoadTrust reads public key files: the hex of a 32-byte Ed25519 public
// key per line.
func LoadTrust(paths ...string) (*Trust, error) {
	var pubs []ed25519.PublicKey
	for _, path := range paths {
		lines, err := keyLines(path)
		if err != nil {
			return nil, err
		}
		for _, l := range lines {
			pub, err := hex.DecodeString(l.text)
			if err != nil || len(pub) != ed25519.PublicKeySize {
				return nil, fmt.Errorf("trusted keys %s: line %d: want the hex of a %d-byte Ed25519 public key", path, l.n, ed25519.PublicKeySize)
			}
			pubs = append(pubs, pub)
		}
	}
	t, err := NewTrust(pubs...)
	if err != nil {
		return nil, fmt.Errorf("trusted keys %s: %w", strings.Join(paths, ", "), err)
	}
	return t, nil
}

// SplitList splits the value of TrustEnv or of a -trust-keys flag into
// file names.
func SplitList(s string) []string {
	var out []string
	for _, p := range filepath.SplitList(s) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

type keyLine struct {
	n    int
	text string
}

// keyLines reads the keys of a file: one a line, '#' starts a comment.
func keyLines(path string) ([]keyLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxKeyFile {
		return nil, fmt.Errorf("%s: over %d bytes, not a key file", path, maxKeyFile)
	}
	var lines []keyLine
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		text, _, _ := strings.Cut(sc.Text(), "#")
		if text = strings.TrimSpace(text); text != "" {
			lines = append(lines, keyLine{n: n, text: text})
		}
	}
	return lines, sc.Err()
}

// GenerateKeyFiles writes a new orchestrator keypair: the private key to
// path (mode 0600) and the public key to path+".pub" (0644), for agents'
// -trust-keys. It never writes over an existing file: an orchestrator's
// key is what every agent trusts.
func GenerateKeyFiles(path string) error {
	return generate(path, func(id string, pub ed25519.PublicKey) string {
		return fmt.Sprintf("# tetsuzuki orchestrator public key %s: give this file to agents (-trust-keys)\n%x\n", id, []byte(pub))
	}, "orchestrator signing key %s: keep it secret (-sign-key)")
}

// GenerateHostKeyFiles writes a new host keypair: the private key to path
// (0600), which the host's agent signs its results with (-host-key), and
// the public key to path+".pub" (0644) as a line of the orchestrator's
// keyring (LoadKeyring), naming the host fqdn. It never writes over a file.
func GenerateHostKeyFiles(path, fqdn string) error {
	if err := names.FQDN(fqdn); err != nil {
		return err
	}
	return generate(path, func(id string, pub ed25519.PublicKey) string {
		return fmt.Sprintf("# tetsuzuki host key %s of %s: add this line to the orchestrator's keyring (-host-keys)\n%s %x\n", id, fqdn, fqdn, []byte(pub))
	}, "host key %s of "+fqdn+": keep it secret, on this host only (-host-key)")
}

func generate(path string, pubFile func(id string, pub ed25519.PublicKey) string, what string) error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	id := KeyID(pub)
	if err := create(path+".pub", 0o644, pubFile(id, pub)); err != nil {
		return err
	}
	if err := create(path, 0o600, fmt.Sprintf("# tetsuzuki "+what+"\n%x\n", id, priv.Seed())); err != nil {
		_ = os.Remove(path + ".pub")
		return err
	}
	return nil
}

func create(path string, mode os.FileMode, content string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("%w (a key file is never written over)", err)
	}
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
