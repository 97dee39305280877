package runbooks

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Override applies a JSON merge patch (RFC 7396) to the runbook's JSON form
// and validates the result like a loaded file; unknown fields are refused,
// as in a file. The runbook itself is not changed.
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
