package runbooks

import (
	"encoding/json"
	"fmt"
	"slices"

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
//
// Focus names the hosts a run is about, by FQDN: the runbook loads and
// validates whole, and the run gets a view of it without the other import
// clients (focus.go), so that a per-client child of a thousand-client data
// path records its own part of the runbook rather than all of it.
type Ref struct {
	Runbook   string          `json:"runbook,omitempty"`
	YAML      string          `json:"runbook_yaml,omitempty"`
	Digest    string          `json:"digest,omitempty"`
	Source    string          `json:"source,omitempty"`
	Overrides json.RawMessage `json:"overrides,omitempty"`
	Focus     []string        `json:"focus,omitempty"`
}

// Loaded is a validated runbook and the reference that pins it: the
// reference a parent hands its children carries the YAML it was loaded
// from, so every child works on the same version.
//
// A build's outline (Catalog.Outline) has a Roster too: then Runbook is
// the view for the servers and the volume's hosts, and the roster lists
// every host, for the build to hand out to its children.
type Loaded struct {
	Runbook *Runbook `json:"runbook"`
	Ref     Ref      `json:"ref"`
	Roster  *Roster  `json:"roster,omitempty"`
}

// Limits of a Ref, so that a start request cannot grow a run's history past
// what the server takes: every child's input and the loaded runbook carry
// the YAML and the overrides again.
const (
	MaxYAML      = 256 << 10
	MaxOverrides = 64 << 10
	MaxSource    = 256
	// MaxFocus is well above a ClientBatch's clients or a client cluster,
	// and keeps a focus to a few KiB in every input that carries it.
	MaxFocus = 32
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
	case len(r.Focus) > MaxFocus:
		return fmt.Errorf("focus: %d hosts, at most %d", len(r.Focus), MaxFocus)
	}
	for i, h := range r.Focus {
		if err := names.FQDN(h); err != nil {
			return fmt.Errorf("focus[%d]: %w", i, err)
		}
		if j := slices.Index(r.Focus[:i], h); j >= 0 {
			return fmt.Errorf("focus[%d]: %s is listed twice, also focus[%d]", i, names.Quote(h), j)
		}
	}
	return nil
}
