package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/sign"
)

// labKeysEnv names the directory of the lab hosts' keys when --keys does
// not; without either it is DIR/keys. Tests share one such directory among
// all their labs, so that one orchestrator keyring serves them all.
const labKeysEnv = "TETSUZUKI_LAB_KEYS"

// keysDir is where the lab hosts' keys are: flag, else $TETSUZUKI_LAB_KEYS,
// else DIR/keys.
func keysDir(flagValue, dir string) string {
	if flagValue != "" {
		return flagValue
	}
	if env := os.Getenv(labKeysEnv); env != "" {
		return env
	}
	return filepath.Join(dir, "keys")
}

// hostKey is the private key of a lab host's agent, as on a real host its
// -host-key; hostKey+".pub" is its line of the keyring.
func hostKey(keys, fqdn string) string { return filepath.Join(keys, fqdn+".key") }

// keyring is the orchestrator's -host-keys for the lab: every host key of
// the directory.
func keyring(keys string) string { return filepath.Join(keys, "host-keys") }

// initKeys makes the key of every host that has none, as an operator does
// with `starter signkey --host` on each host, and writes the keyring of all
// the hosts' public keys in the directory.
func initKeys(keys string, fqdns []string) error {
	if err := os.MkdirAll(keys, 0o700); err != nil {
		return err
	}
	for _, fqdn := range fqdns {
		err := sign.GenerateHostKeyFiles(hostKey(keys, fqdn), fqdn)
		if err != nil && !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("key of %s: %w", fqdn, err)
		}
	}
	pubs, err := filepath.Glob(filepath.Join(keys, "*.key.pub"))
	if err != nil {
		return err
	}
	slices.Sort(pubs)
	var ring strings.Builder
	ring.WriteString("# the lab hosts' keys: the orchestrator's -host-keys\n")
	for _, p := range pubs {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		ring.Write(b)
	}
	// Labs sharing the directory may write it at once: each writes whole
	// and renames, so a reader never sees half of one.
	tmp, err := os.CreateTemp(keys, ".host-keys-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(ring.String()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), keyring(keys))
}
