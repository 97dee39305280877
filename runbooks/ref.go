package runbooks

import (
	"encoding/json"
	"fmt"

	"github.com/tetsuzuki/tetsuzuki/names"
)

// Ref names the runbook a run works on: a name in the orchestrator's
// catalog (what a person types in the Web UI's Start Workflow form), or the
// runbook's YAML itself (what the starter sends for --runbook FILE, and what
// a parent hands its children, so that the whole run works on one version
// of the file even if the catalog changes meanwhile).
//
// Overrides changes the runbook for this run only, as a JSON merge patch
// (RFC 7396) of its JSON form, so a person starting a run from the Web UI
// can, say, take more GFS2 journals without editing a file:
//
//	{"runbook": "scalable-storage", "overrides": {"gfs2": {"journals": 6}}}
//
// The patched runbook is validated like a loaded one, and may narrow the
// runbook's approvals.auto but never widen it. Every workflow input
// embeds a Ref, so its JSON field names are protocol.
//
// Digest pins one version of the runbook by the SHA-256 of its YAML (pin.go):
// what a parent hands its children when the orchestrator keeps versions,
// instead of the YAML.
type Ref struct {
	Runbook   string          `json:"runbook,omitempty"`
	YAML      string          `json:"runbook_yaml,omitempty"`
	Digest    string          `json:"digest,omitempty"`
	Source    string          `json:"source,omitempty"`
	Overrides json.RawMessage `json:"overrides,omitempty"`
}

// Loaded is a validated runbook and the reference that pins it: the
// reference a parent hands its children carries the YAML it was loaded
// from, so every child works on the same version.
type Loaded struct {
	Runbook *Runbook `json:"runbook"`
	Ref     Ref      `json:"ref"`
}

// Limits of a Ref, so that a start request cannot grow a run's history past
// what the server takes: every child's input and the loaded runbook carry
// the YAML and the overrides again.
const (
	MaxYAML      = 256 << 10
	MaxOverrides = 64 << 10
	MaxSource    = 256
)

// Reference is the reference itself, for code that holds any input
// embedding one.
func (r Ref) Reference() Ref { return r }

// Check refuses a reference whose parts exceed their limits, naming the
// field; what the parts say is checked when the runbook loads.
func (r Ref) Check() error {
	switch {
	case len(r.YAML) > MaxYAML:
		return fmt.Errorf("runbook_yaml: %d bytes, at most %d", len(r.YAML), MaxYAML)
	case len(r.Overrides) > MaxOverrides:
		return fmt.Errorf("overrides: %d bytes, at most %d", len(r.Overrides), MaxOverrides)
	case len(r.Source) > MaxSource:
		return fmt.Errorf("source: %d bytes, at most %d", len(r.Source), MaxSource)
	case r.Digest != "" && names.RunbookDigest(r.Digest) != nil:
		return fmt.Errorf("digest: %w", names.RunbookDigest(r.Digest))
	}
	return nil
}
