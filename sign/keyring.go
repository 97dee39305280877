package sign

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/names"
)

// HostKeysEnv names the orchestrator's keyring of host keys, and HostKeyEnv
// an agent's own private key, when no flag does.
const (
	HostKeysEnv = "TETSUZUKI_HOST_KEYS"
	HostKeyEnv  = "TETSUZUKI_HOST_KEY"
)

// Keyring holds the public keys of hosts: the keys whose signatures on a
// result the orchestrator takes as that host's agent's answer. A host may
// have several, so that a key can be replaced without a gap: add the new
// one, change the agent's key, and remove the old one once no run that
// took a result signed by it is still going (a run checks its results
// again whenever its history is replayed).
type Keyring struct {
	hosts map[string]map[string]ed25519.PublicKey // FQDN, then key ID
}

// NewKeyring makes an empty keyring; Add fills it.
func NewKeyring() *Keyring { return &Keyring{hosts: map[string]map[string]ed25519.PublicKey{}} }

// Add trusts pub as a key of the host fqdn.
func (k *Keyring) Add(fqdn string, pub ed25519.PublicKey) error {
	if err := names.FQDN(fqdn); err != nil {
		return err
	}
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("public key of %d bytes, want %d", len(pub), ed25519.PublicKeySize)
	}
	if k.hosts[fqdn] == nil {
		k.hosts[fqdn] = map[string]ed25519.PublicKey{}
	}
	k.hosts[fqdn][KeyID(pub)] = pub
	return nil
}

// Hosts names the hosts the keyring has keys for, for a startup line.
func (k *Keyring) Hosts() []string { return slices.Sorted(maps.Keys(k.hosts)) }

// LoadKeyring reads keyring files: a line per key, the host's FQDN and the
// hex of its 32-byte Ed25519 public key, as `starter signkey --host`
// writes into FILE.pub; so a keyring is the hosts' .pub files put
// together. Blank lines and text after '#' are ignored.
func LoadKeyring(paths ...string) (*Keyring, error) {
	k := NewKeyring()
	for _, path := range paths {
		lines, err := keyLines(path)
		if err != nil {
			return nil, err
		}
		for _, l := range lines {
			host, key, ok := strings.Cut(l.text, " ")
			pub, err := hex.DecodeString(strings.TrimSpace(key))
			if !ok || err != nil {
				return nil, fmt.Errorf("host keys %s: line %d: want a host's FQDN and the hex of its public key", path, l.n)
			}
			if err := k.Add(host, pub); err != nil {
				return nil, fmt.Errorf("host keys %s: line %d: %w", path, l.n, err)
			}
		}
	}
	if len(k.hosts) == 0 {
		return nil, fmt.Errorf("host keys %s: no key", strings.Join(paths, ", "))
	}
	return k, nil
}
