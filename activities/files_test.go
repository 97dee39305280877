package activities

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileKeepsABackupAndRestoreFilePutsItBack(t *testing.T) {
	h := NewHost("test.example.org", t.TempDir())
	ctx := context.Background()
	const p = "/etc/cluster/cluster.conf"

	before, err := h.readState(p)
	if err != nil || before.Exists {
		t.Fatalf("state of a missing file: %+v, %v", before, err)
	}
	if err := h.writeFile(p, []byte("one\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	one, _ := h.readState(p)
	if err := h.writeFile(p, []byte("two\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bak, err := os.ReadFile(filepath.Join(h.Root, p+BackupSuffix))
	if err != nil || string(bak) != "one\n" {
		t.Errorf("backup holds %q (%v), want the previous content", bak, err)
	}

	for _, want := range []FileState{one, before} {
		res, err := h.RestoreFile(ctx, RestoreFileInput{State: want})
		if err != nil || !res.Changed {
			t.Fatalf("restore to %+v: %+v, %v", want, res, err)
		}
		got, _ := h.readState(p)
		if got.Exists != want.Exists || got.Content != want.Content {
			t.Errorf("after restore: %+v, want %+v", got, want)
		}
		// Back at "one", the backup of "one" has nothing more to keep.
		if _, err := os.Stat(filepath.Join(h.Root, p+BackupSuffix)); err == nil {
			t.Errorf("restored to %+v, a backup identical to it is left", want)
		}
		// A second restore finds nothing to do.
		if res, err := h.RestoreFile(ctx, RestoreFileInput{State: want}); err != nil || res.Changed {
			t.Errorf("second restore: %+v, %v; want no change", res, err)
		}
	}
	// Restored to "did not exist", the directory holds nothing the run
	// wrote: no temporary file, and no backup of the run's own content.
	entries, _ := os.ReadDir(filepath.Join(h.Root, "etc/cluster"))
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
}

func TestFilePathsStayUnderTheRoot(t *testing.T) {
	h := NewHost("test.example.org", t.TempDir())
	for _, p := range []string{"etc/passwd", "/etc/../../etc/passwd", "/etc/cluster/\x00"} {
		if err := h.writeFile(p, []byte("x"), 0o644); err == nil {
			t.Errorf("writeFile(%q) succeeded", p)
		}
	}
}
