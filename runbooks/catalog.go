package runbooks

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/names"
)

// shipped holds the runbooks of this directory, so a worker can start a
// build by name without the repository on its disk.
//
//go:embed *.yaml
var shipped embed.FS

// Builtin returns the names of the shipped runbooks, sorted, without the
// .yaml suffix: the names Open accepts.
func Builtin() []string {
	entries, err := fs.ReadDir(shipped, ".")
	if err != nil {
		// The embedded directory always exists; an error here is a build defect.
		panic(fmt.Sprintf("runbooks: read embedded runbooks: %v", err))
	}
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".yaml"); ok && !e.IsDir() {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// Open returns the shipped runbook called name and the source name to pass
// to Parse, such as "runbooks/scalable-storage.yaml". Names are checked
// against the runbook name pattern first, because they may come from a user
// and must not reach the file system as paths.
func Open(name string) (source string, data []byte, err error) {
	if names.Runbook(name) != nil {
		return "", nil, fmt.Errorf("open runbook %s: not a runbook name (%s)", quote(name), names.RunbookPattern())
	}
	data, err = shipped.ReadFile(name + ".yaml")
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil, fmt.Errorf("open runbook %s: no such built-in runbook; available: %s", quote(name), strings.Join(Builtin(), ", "))
	}
	if err != nil {
		return "", nil, fmt.Errorf("open runbook %s: %w", quote(name), err)
	}
	return "runbooks/" + name + ".yaml", data, nil
}

// Catalog resolves runbook references on the orchestrator: the runbooks
// built into the binary, and those in Dir, which wins on a clash so a site
// can ship its own topology without rebuilding.
type Catalog struct {
	Dir string
	// Pins keeps every runbook version a run works on, under its digest,
	// so that a parent hands its children the digest instead of the YAML
	// (pin.go). Empty: the YAML.
	Pins string
}

// ErrInvalid marks an error of Load that no retry can fix: a runbook that
// does not exist, does not parse or does not validate, or bad overrides.
// Other errors (a catalog file that cannot be read now) may be transient.
var ErrInvalid = errors.New("invalid runbook")

// Load resolves and validates the runbook a reference names, applies its
// overrides, and returns it with the reference that pins it: a reference
// carrying the version's digest (kept in Pins) or, without Pins, the exact
// YAML, so a run's children work on the same version. A reference with a
// focus gets the view of the runbook for its hosts (focus.go), and the
// reference it returns keeps the focus, so a child handed it loads the
// same view.
func (c *Catalog) Load(ref Ref) (Loaded, error) {
	source, data, err := c.read(ref)
	if err != nil {
		return Loaded{}, err
	}
	rb, err := parsed(memoKey(source, data, ref.Overrides), func() (*Runbook, error) {
		rb, err := Parse(source, data)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		if len(ref.Overrides) > 0 {
			if rb, err = rb.Override(ref.Overrides); err != nil {
				return nil, fmt.Errorf("%w: %s with overrides: %w", ErrInvalid, source, err)
			}
		}
		return rb, nil
	})
	if err != nil {
		return Loaded{}, err
	}
	pin := Ref{Runbook: rb.Name, Source: source, Overrides: ref.Overrides, Focus: ref.Focus}
	if len(ref.Focus) > 0 {
		// The whole runbook validated; the run gets its view.
		if rb, err = rb.Focus(ref.Focus); err != nil {
			return Loaded{}, fmt.Errorf("%w: %s: %w", ErrInvalid, source, err)
		}
	}
	if digest, ok := c.pin(data); ok {
		pin.Digest = digest
	} else {
		pin.YAML = string(data)
	}
	return Loaded{Runbook: rb, Ref: pin}, nil
}

func (c *Catalog) read(ref Ref) (source string, data []byte, err error) {
	switch {
	case ref.YAML != "" && ref.Digest != "" && Digest([]byte(ref.YAML)) != ref.Digest:
		return "", nil, fmt.Errorf("%w: digest: %s is not the digest of runbook_yaml", ErrInvalid, ref.Digest)
	case ref.YAML != "":
		source = ref.Source
		if source == "" {
			source = "runbook_yaml"
		}
		return source, []byte(ref.YAML), nil
	case ref.Digest != "" && names.RunbookDigest(ref.Digest) != nil:
		return "", nil, fmt.Errorf("%w: digest: %w", ErrInvalid, names.RunbookDigest(ref.Digest))
	case ref.Digest != "":
		if ref.Runbook != "" && names.Runbook(ref.Runbook) != nil {
			return "", nil, fmt.Errorf("%w: runbook %s: a catalog name is lowercase letters, digits and '-'", ErrInvalid, quote(ref.Runbook))
		}
		return c.pinned(ref)
	case ref.Runbook == "":
		return "", nil, fmt.Errorf(`%w: no runbook: give "runbook" (a catalog name such as %q) or "runbook_yaml"`, ErrInvalid, "scalable-storage")
	case names.Runbook(ref.Runbook) != nil:
		return "", nil, fmt.Errorf("%w: runbook %s: a catalog name is lowercase letters, digits and '-'", ErrInvalid, quote(ref.Runbook))
	}
	return c.named(ref.Runbook)
}

// named reads the catalog's runbook called name (checked by the caller):
// the site's own, else the built-in one.
func (c *Catalog) named(name string) (source string, data []byte, err error) {
	if c.Dir != "" {
		path := filepath.Join(c.Dir, name+".yaml")
		data, err := os.ReadFile(path)
		if err == nil {
			return path, data, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return "", nil, fmt.Errorf("read %s: %w", path, err)
		}
	}
	source, data, err = Open(name)
	if err != nil {
		return "", nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return source, data, nil
}
