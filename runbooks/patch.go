package runbooks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// Override applies a JSON merge patch (RFC 7396) to the runbook's JSON form
// and validates the result like a loaded file; unknown fields are refused,
// as in a file, and so is a patch that lets a destructive step through
// that the runbook does not (ErrWidened). The runbook itself is not
// changed.
func (r *Runbook) Override(patch json.RawMessage) (*Runbook, error) {
	var p any
	if err := json.Unmarshal(patch, &p); err != nil {
		return nil, fmt.Errorf("overrides are not JSON: %w", err)
	}
	if _, ok := p.(map[string]any); !ok {
		return nil, fmt.Errorf("overrides must be a JSON object")
	}
	data, err := json.Marshal(r)
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
	var out Runbook
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("overrides: %w", err)
	}
	if err := out.Validate(); err != nil {
		return nil, err
	}
	for _, step := range out.Approvals.Auto {
		if !r.AutoApproved(step) {
			return nil, fmt.Errorf("%w: approvals.auto: %q is not let through by the runbook itself", ErrWidened, step)
		}
	}
	for _, ap := range out.Approvals.Approvers {
		if !slices.Contains(r.Approvals.Approvers, ap) {
			return nil, fmt.Errorf("%w: approvals.approvers: %q is not an approver of the runbook itself", ErrWidened, ap.Name)
		}
	}
	for _, code := range out.Checks.Repair {
		if !r.Checks.AutoRepaired(code) {
			return nil, fmt.Errorf("%w: checks.repair: %q is not repaired without a person by the runbook itself", ErrWidened, code)
		}
	}
	if out.Approvals.Unsigned && !r.Approvals.Unsigned {
		return nil, fmt.Errorf("%w: approvals.unsigned: the runbook itself takes only signed decisions", ErrWidened)
	}
	return &out, nil
}

// ErrWidened is overrides that let through a destructive step the runbook
// does not, or let someone decide whom it does not: a start request may
// narrow approvals, never widen them, so whoever can start a run cannot
// switch the approvals off or approve its own steps.
var ErrWidened = errors.New("overrides may not widen approvals")

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
