package runbooks

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestLoadAppliesOverrides(t *testing.T) {
	var c Catalog
	got, err := c.Load(Ref{Runbook: "scalable-storage", Overrides: json.RawMessage(`{"gfs2": {"journals": 6}}`)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Runbook.GFS2.Journals != 6 || got.Runbook.GFS2.LockTable != "client:gfs2" {
		t.Errorf("patched runbook: approvals %v, gfs2 %+v", got.Runbook.Approvals, got.Runbook.GFS2)
	}
	if string(got.Ref.Overrides) == "" || got.Ref.YAML == "" {
		t.Error("the pinned reference lost the overrides or the YAML: children would build another runbook")
	}
	plain, err := c.Load(Ref{Runbook: "scalable-storage"})
	if err != nil || plain.Runbook.GFS2.Journals == 6 {
		t.Errorf("overrides leaked into the catalog: %v", err)
	}
}

func TestLoadRefusesBadOverrides(t *testing.T) {
	var c Catalog
	for name, patch := range map[string]string{
		"not json":         `{`,
		"not an object":    `["x"]`,
		"unknown field":    `{"gfs3": {}}`,
		"hostile name":     `{"clusters": [{"name": "x;reboot", "nodes": [{"host": "client0", "nodeid": 1, "votes": 1}]}]}`,
		"bad approval":     `{"approvals": {"auto": ["rm-rf"]}}`,
		"too few journals": `{"gfs2": {"journals": 1}}`,
	} {
		_, err := c.Load(Ref{Runbook: "scalable-storage", Overrides: json.RawMessage(patch)})
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "overrides") {
			t.Errorf("%s: %v, want ErrInvalid naming the overrides", name, err)
		}
	}
}

func TestLoadRefusesBadReferences(t *testing.T) {
	var c Catalog
	for name, ref := range map[string]Ref{
		"empty":        {},
		"a path":       {Runbook: "../../etc/passwd"},
		"unknown name": {Runbook: "no-such-runbook"},
		"bad yaml":     {YAML: "name: [", Source: "inline"},
	} {
		if _, err := c.Load(ref); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}

func TestCatalogDirWinsOverBuiltin(t *testing.T) {
	dir := t.TempDir()
	_, data, err := Open("scalable-storage")
	if err != nil {
		t.Fatal(err)
	}
	site := strings.Replace(string(data), "description: >-", "description: >-\n  site copy.", 1)
	if err := os.WriteFile(dir+"/scalable-storage.yaml", []byte(site), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := (&Catalog{Dir: dir}).Load(Ref{Runbook: "scalable-storage"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.Runbook.Description, "site copy.") || got.Ref.Source != dir+"/scalable-storage.yaml" {
		t.Errorf("loaded %q from %s, want the site's copy", got.Runbook.Description, got.Ref.Source)
	}
}

// A start request may let fewer destructive steps through than its
// runbook, never more: the approvals cannot be switched off by whoever can
// start a run.
func TestOverridesNarrowApprovalsNeverWiden(t *testing.T) {
	var c Catalog
	_, data, err := Open("scalable-storage")
	if err != nil {
		t.Fatal(err)
	}
	lenient := strings.Replace(string(data), "  auto: []", "  auto: [drbd-overwrite, mkfs]", 1)
	for name, tc := range map[string]struct {
		ref  Ref
		want error
	}{
		"widen the shipped runbook": {Ref{Runbook: "scalable-storage", Overrides: json.RawMessage(`{"approvals": {"auto": ["mkfs"]}}`)}, ErrWidened},
		"widen a lenient file":      {Ref{YAML: lenient, Overrides: json.RawMessage(`{"approvals": {"auto": ["drbd-overwrite", "pvcreate"]}}`)}, ErrWidened},
		"narrow a lenient file":     {Ref{YAML: lenient, Overrides: json.RawMessage(`{"approvals": {"auto": ["mkfs"]}}`)}, nil},
		"remove every auto":         {Ref{YAML: lenient, Overrides: json.RawMessage(`{"approvals": null}`)}, nil},
	} {
		got, err := c.Load(tc.ref)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
		if tc.want == nil && err == nil && got.Runbook.AutoApproved("drbd-overwrite") {
			t.Errorf("%s: still lets drbd-overwrite through: %v", name, got.Runbook.Approvals)
		}
	}
}

// The runbook's approvers decide; a start request may drop some, or turn
// unsigned decisions off, but never add an approver or turn them on.
func TestOverridesNarrowApproversOnly(t *testing.T) {
	const alice = "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"
	const bob = "0d3ac1cf1a0b4e9e3c2b6c6f04b5d1aa3a0c4c9ba3c7d0e0f7e9b8a5d4c3b2a1"
	_, data, err := Open("scalable-storage")
	if err != nil {
		t.Fatal(err)
	}
	keyed := strings.Replace(string(data), "  unsigned: true", "  approvers:\n    - name: alice\n      key: "+alice+"\n    - name: bob\n      key: "+bob, 1)
	var c Catalog
	got, err := c.Load(Ref{YAML: keyed, Source: "test", Overrides: json.RawMessage(`{"approvals": {"approvers": [{"name": "alice", "key": "` + alice + `"}]}}`)})
	if err != nil {
		t.Fatalf("narrowed to alice: %v", err)
	}
	if len(got.Runbook.Approvals.Approvers) != 1 || got.Runbook.Approvals.Unsigned {
		t.Errorf("approvals %+v, want alice alone, signed", got.Runbook.Approvals)
	}
	for name, patch := range map[string]string{
		"a new approver":        `{"approvals": {"approvers": [{"name": "mallory", "key": "` + strings.Repeat("ab", 32) + `"}]}}`,
		"alice's name, new key": `{"approvals": {"approvers": [{"name": "alice", "key": "` + strings.Repeat("ab", 32) + `"}]}}`,
		"unsigned on":           `{"approvals": {"unsigned": true}}`,
	} {
		if _, err := c.Load(Ref{YAML: keyed, Source: "test", Overrides: json.RawMessage(patch)}); !errors.Is(err, ErrWidened) {
			t.Errorf("%s: %v, want ErrWidened", name, err)
		}
	}
	if _, err := c.Load(Ref{Runbook: "scalable-storage", Overrides: json.RawMessage(`{"approvals": {"unsigned": false}}`)}); err != nil {
		t.Errorf("turning unsigned decisions off: %v", err)
	}
}

func TestApproversAreChecked(t *testing.T) {
	_, data, err := Open("scalable-storage")
	if err != nil {
		t.Fatal(err)
	}
	key := strings.Repeat("ab", 32)
	for name, approvers := range map[string]string{
		"short key":       "    - name: alice\n      key: abcd",
		"not hex":         "    - name: alice\n      key: " + strings.Repeat("zz", 32),
		"hostile name":    "    - name: \"alice; rm -rf /\"\n      key: " + key,
		"same name twice": "    - name: alice\n      key: " + key + "\n    - name: alice\n      key: " + strings.Repeat("cd", 32),
		"same key twice":  "    - name: alice\n      key: " + key + "\n    - name: bob\n      key: " + key,
		"unknown field":   "    - name: alice\n      key: " + key + "\n      role: admin",
	} {
		yaml := strings.Replace(string(data), "  unsigned: true", "  approvers:\n"+approvers, 1)
		if _, err := Parse("test", []byte(yaml)); err == nil || !strings.Contains(err.Error(), "approvals.approvers") {
			t.Errorf("%s: %v, want an error naming approvals.approvers", name, err)
		}
	}
}
