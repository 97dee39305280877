package activities

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
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

// readStateWithin is h.readState(p), failing the test if it does not
// return within a few seconds; a reader stuck on the FIFO at real is given
// a writer that closes at once, so the test ends either way.
func readStateWithin(t *testing.T, h *Host, p string) (FileState, error) {
	t.Helper()
	type result struct {
		st  FileState
		err error
	}
	done := make(chan result, 1)
	go func() {
		st, err := h.readState(p)
		done <- result{st, err}
	}()
	select {
	case r := <-done:
		return r.st, r.err
	case <-time.After(5 * time.Second):
		if w, err := os.OpenFile(filepath.Join(h.Root, p), os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
		t.Fatalf("readState(%q) still blocked after 5s", p)
		return FileState{}, nil
	}
}

// A config path that is a FIFO, a device or a directory is refused at once
// as a permanent BadClusterConf naming the file: read, a FIFO blocks the
// activity until its timeout and a device grows without end.
func TestReadStateRefusesWhatIsNotARegularFile(t *testing.T) {
	h := NewHost("test.example.org", t.TempDir())
	// The managed config paths themselves, made into what a config is not.
	for _, dir := range []string{"etc/lvm", "etc/cluster"} {
		if err := os.MkdirAll(filepath.Join(h.Root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(h.Root, LVMConfPath), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(h.Root, DRBDConfPath)); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(h.Root, ClusterConfPath), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{LVMConfPath, DRBDConfPath, ClusterConfPath} {
		_, err := readStateWithin(t, h, p)
		if errType(err) != ErrBadConfig || !isPermanent(err) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("readState(%q): %v, want a permanent %s naming the file", p, err, ErrBadConfig)
		}
		// Nor does a write replace it, or block reading it for a backup.
		if err := h.writeFile(p, []byte("x\n"), 0o644); errType(err) != ErrBadConfig {
			t.Errorf("writeFile(%q): %v, want a permanent %s", p, err, ErrBadConfig)
		}
	}
}

// A config file is read through FileLimit: a real one, however commented,
// is read whole; a larger one is a permanent BadClusterConf naming the file
// and the limit, not a payload the server refuses later.
func TestReadStateReadsConfigsThroughALimit(t *testing.T) {
	h := NewHost("test.example.org", t.TempDir())
	const p = "/etc/lvm/lvm.conf"
	real := filepath.Join(h.Root, p)
	if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
		t.Fatal(err)
	}
	commented := strings.Repeat("# a line of comment, as lvm.conf has many of them\n", 2000) // about 100 KiB
	if err := os.WriteFile(real, []byte(commented), 0o644); err != nil {
		t.Fatal(err)
	}
	if st, err := h.readState(p); err != nil || st.Content != commented {
		t.Errorf("readState of a %d-byte config: %d bytes, %v", len(commented), len(st.Content), err)
	}
	if err := os.WriteFile(real, []byte(strings.Repeat("#\n", 3<<20/2)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := h.readState(p)
	if errType(err) != ErrBadConfig || !isPermanent(err) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), strconv.Itoa(FileLimit)) {
		t.Errorf("readState of a 3 MB config: %v, want a permanent %s naming the file and the limit", err, ErrBadConfig)
	}
}

// The storage probe of a host whose lvm.conf is 3 MB fails at once, as a
// permanent BadClusterConf naming the file and the limit.
func TestProbeStorageRefusesAHugeLVMConf(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "client0")
	c.lab.WriteFile(t, fqdn("client0"), LVMConfPath, strings.Repeat("# lvm.conf\n", 3<<20/11))
	_, err := c.hosts["client0"].ProbeStorage(context.Background(), StorageProbeInput{})
	if errType(err) != ErrBadConfig || !isPermanent(err) || !strings.Contains(err.Error(), LVMConfPath) || !strings.Contains(err.Error(), "256 KiB") {
		t.Errorf("ProbeStorage with a 3 MB lvm.conf: %v, want a permanent %s naming the file and the limit", err, ErrBadConfig)
	}
}
