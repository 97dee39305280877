package activities

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestLoadRunbookAppliesOverrides(t *testing.T) {
	var c Catalog
	ctx := context.Background()
	got, err := c.LoadRunbook(ctx, RunbookRef{Runbook: "scalable-storage", Overrides: json.RawMessage(`{"approvals": {"auto": ["drbd-overwrite", "mkfs"]}, "gfs2": {"journals": 6}}`)})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Runbook.AutoApproved("mkfs") || got.Runbook.GFS2.Journals != 6 || got.Runbook.GFS2.LockTable != "client:gfs2" {
		t.Errorf("patched runbook: approvals %v, gfs2 %+v", got.Runbook.Approvals, got.Runbook.GFS2)
	}
	if string(got.Ref.Overrides) == "" {
		t.Error("the pinned reference lost the overrides: children would build another runbook")
	}
	plain, err := c.LoadRunbook(ctx, RunbookRef{Runbook: "scalable-storage"})
	if err != nil || plain.Runbook.AutoApproved("mkfs") {
		t.Errorf("overrides leaked into the catalog: %v", err)
	}
}

func TestLoadRunbookRefusesBadOverrides(t *testing.T) {
	var c Catalog
	for name, patch := range map[string]string{
		"not json":         `{`,
		"not an object":    `["x"]`,
		"unknown field":    `{"gfs3": {}}`,
		"hostile name":     `{"clusters": [{"name": "x;reboot", "nodes": [{"host": "client0", "nodeid": 1, "votes": 1}]}]}`,
		"bad approval":     `{"approvals": {"auto": ["rm-rf"]}}`,
		"too few journals": `{"gfs2": {"journals": 1}}`,
	} {
		_, err := c.LoadRunbook(context.Background(), RunbookRef{Runbook: "scalable-storage", Overrides: json.RawMessage(patch)})
		if errType(err) != ErrInvalidRunbook || !strings.Contains(err.Error(), "overrides") {
			t.Errorf("%s: %v, want %s naming the overrides", name, err, ErrInvalidRunbook)
		}
	}
}
