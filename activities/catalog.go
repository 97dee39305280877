package activities

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// RunbookRef names the runbook a run works on: a name in the orchestrator's
// catalog (what a person types in the Web UI's Start Workflow form), or the
// runbook's YAML itself (what the starter sends for --runbook FILE, and what
// a parent hands its children, so that the whole run works on one version
// of the file even if the catalog changes meanwhile).
//
// Overrides changes the runbook for this run only, as a JSON merge patch
// (RFC 7396) of its JSON form, so a person starting a run from the Web UI
// can, say, let the DRBD overwrite through without editing a file:
//
//	{"runbook": "scalable-storage", "overrides": {"approvals": {"auto": ["drbd-overwrite"]}}}
//
// The patched runbook is validated like a loaded one.
type RunbookRef struct {
	Runbook   string          `json:"runbook,omitempty"`
	YAML      string          `json:"runbook_yaml,omitempty"`
	Source    string          `json:"source,omitempty"`
	Overrides json.RawMessage `json:"overrides,omitempty"`
}

// LoadedRunbook is a validated runbook and the reference that pins it.
type LoadedRunbook struct {
	Runbook *runbooks.Runbook `json:"runbook"`
	Ref     RunbookRef        `json:"ref"`
}

// Catalog resolves runbook names on the orchestrator: the runbooks built
// into the binary, and those in Dir, which wins on a clash so a site can
// ship its own topology without rebuilding.
type Catalog struct {
	Dir string
}

var catalogName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// LoadRunbook resolves and validates a runbook. It is pure but for reading
// the catalog, and runs as a local activity of the workflow asking for it,
// which records the result so that replay never reads the file again. An
// invalid runbook is a non-retryable InvalidRunbook error naming the file,
// line and field.
func (c *Catalog) LoadRunbook(ctx context.Context, ref RunbookRef) (LoadedRunbook, error) {
	source, data, err := c.read(ref)
	if err != nil {
		return LoadedRunbook{}, err
	}
	rb, err := runbooks.Parse(source, data)
	if err != nil {
		return LoadedRunbook{}, permanent(ErrInvalidRunbook, "%v", err)
	}
	if len(ref.Overrides) > 0 {
		if rb, err = override(rb, ref.Overrides); err != nil {
			return LoadedRunbook{}, permanent(ErrInvalidRunbook, "%s with overrides: %v", source, err)
		}
	}
	return LoadedRunbook{Runbook: rb, Ref: RunbookRef{Runbook: rb.Name, YAML: string(data), Source: source, Overrides: ref.Overrides}}, nil
}

// override applies a JSON merge patch to a runbook and validates the
// result; unknown fields are refused, as in a file.
func override(rb *runbooks.Runbook, patch json.RawMessage) (*runbooks.Runbook, error) {
	var p any
	if err := json.Unmarshal(patch, &p); err != nil {
		return nil, fmt.Errorf("overrides are not JSON: %w", err)
	}
	if _, ok := p.(map[string]any); !ok {
		return nil, fmt.Errorf("overrides must be a JSON object")
	}
	data, err := json.Marshal(rb)
	if err != nil {
		return nil, err
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	merged, err := json.Marshal(mergePatch(doc, p))
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(merged))
	dec.DisallowUnknownFields()
	var out runbooks.Runbook
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("overrides: %w", err)
	}
	if err := out.Validate(); err != nil {
		return nil, err
	}
	return &out, nil
}

// mergePatch is RFC 7396: objects merge key by key, null removes a key,
// anything else replaces.
func mergePatch(doc, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	d, ok := doc.(map[string]any)
	if !ok {
		d = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(d, k)
			continue
		}
		d[k] = mergePatch(d[k], v)
	}
	return d
}

func (c *Catalog) read(ref RunbookRef) (source string, data []byte, err error) {
	switch {
	case ref.YAML != "":
		source = ref.Source
		if source == "" {
			source = "runbook_yaml"
		}
		return source, []byte(ref.YAML), nil
	case ref.Runbook == "":
		return "", nil, permanent(ErrInvalidRunbook, `no runbook: give "runbook" (a catalog name such as %q) or "runbook_yaml"`, "scalable-storage")
	case !catalogName.MatchString(ref.Runbook):
		return "", nil, permanent(ErrInvalidRunbook, "runbook %q: a catalog name is lowercase letters, digits and '-'", ref.Runbook)
	}
	if c.Dir != "" {
		path := filepath.Join(c.Dir, ref.Runbook+".yaml")
		data, err := os.ReadFile(path)
		if err == nil {
			return path, data, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return "", nil, fmt.Errorf("read %s: %w", path, err)
		}
	}
	source, data, err = runbooks.Open(ref.Runbook)
	if err != nil {
		return "", nil, permanent(ErrInvalidRunbook, "%v", err)
	}
	return source, data, nil
}
