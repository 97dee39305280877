package runbooks

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// A run works on one version of its runbook from start to end, even if the
// catalog changes meanwhile. A parent used to hand its children that
// version as the YAML itself, in every child's input: at a thousand
// clients that is 145 KB a child, thousands of times in one history. Now
// the orchestrator keeps each version it loads in its pins directory,
// under its digest, and a child's reference carries the digest alone.
// Orchestrators that share a namespace must share the directory, as they
// share the catalog; one without a pins directory hands on the YAML, as
// before.

// DigestPrefix starts every runbook digest: the hash's name, then its hex.
const DigestPrefix = "sha256:"

// Digest is the digest of a runbook's YAML as a Ref carries it.
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return DigestPrefix + hex.EncodeToString(sum[:])
}

// pinPath is where the pins directory keeps the version digest.
func (c *Catalog) pinPath(digest string) string {
	return filepath.Join(c.Pins, strings.TrimPrefix(digest, DigestPrefix)+".yaml")
}

// pin keeps data in the pins directory: a version is written whole under
// a temporary name and renamed, so a reader never sees part of it, and a
// version already kept is left as it is, unless its copy no longer holds
// it (damaged), which is written again. It says whether the version is
// kept; without a pins directory, or when it cannot be written, the
// caller hands on the YAML instead.
func (c *Catalog) pin(data []byte) (string, bool) {
	if c.Pins == "" {
		return "", false
	}
	digest := Digest(data)
	path := c.pinPath(digest)
	if kept, err := os.ReadFile(path); err == nil && Digest(kept) == digest {
		return digest, true
	}
	if err := os.MkdirAll(c.Pins, 0o755); err != nil {
		return "", false
	}
	tmp, err := os.CreateTemp(c.Pins, ".pin-*")
	if err != nil {
		return "", false
	}
	_, werr := tmp.Write(data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return "", false
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return "", false
	}
	return digest, true
}

// pinned reads the version ref.Digest names: the catalog's runbook of that
// name if it is still that version (a site's own, then the built-in one),
// else the pins directory's copy. Every candidate is checked against the
// digest, so a changed or damaged file is never taken for the version.
func (c *Catalog) pinned(ref Ref) (source string, data []byte, err error) {
	if ref.Runbook != "" {
		if source, data, err := c.named(ref.Runbook); err == nil && Digest(data) == ref.Digest {
			return source, data, nil
		}
	}
	if c.Pins != "" {
		data, err := os.ReadFile(c.pinPath(ref.Digest))
		switch {
		case err == nil && Digest(data) == ref.Digest:
			source = ref.Source
			if source == "" {
				source = ref.Digest
			}
			return source, data, nil
		case err == nil:
			return "", nil, fmt.Errorf("%w: runbook %s: the pins directory's copy of %s is damaged", ErrInvalid, quote(ref.Runbook), ref.Digest)
		case !errors.Is(err, os.ErrNotExist):
			return "", nil, fmt.Errorf("read pinned runbook %s: %w", ref.Digest, err)
		}
	}
	return "", nil, fmt.Errorf("%w: runbook %s version %s is neither in the catalog nor in the pins directory (%s): an orchestrator of this namespace keeps its pins elsewhere",
		ErrInvalid, quote(ref.Runbook), ref.Digest, pinsOrNone(c.Pins))
}

func pinsOrNone(dir string) string {
	if dir == "" {
		return "none set"
	}
	return dir
}
