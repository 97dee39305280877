package activities

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

// A storage probe with NoFiles reads what the full one does, but of the
// config files only whether they exist and their mode: its result is the
// full one's with no file content, and a fraction of its size.
func TestProbeStorageWithNoFilesLeavesTheContentsOut(t *testing.T) {
	t.Parallel()
	c, h := multipathConfigured(t)
	ctx := context.Background()
	c.lab.WriteFile(t, fqdn("client0"), LVMConfPath, strings.Repeat("# a commented lvm.conf\n", 1000))

	full := must(h.ProbeStorage(ctx, StorageProbeInput{Packages: multipathPackages}))(t)
	lean := must(h.ProbeStorage(ctx, StorageProbeInput{Packages: multipathPackages, NoFiles: true}))(t)
	if full.MultipathConf.Content == "" || full.LVMConf.Content == "" || !full.MultipathdRunning || len(full.Imports) != 2 {
		t.Fatalf("the full probe does not see the configured client: %+v", full)
	}
	want := full
	for _, f := range []*FileState{&want.DRBDConf, &want.MultipathConf, &want.LVMConf} {
		f.Content = ""
	}
	if !reflect.DeepEqual(lean, want) {
		t.Errorf("probe with no_files:\n%+v\nwant the full probe without contents:\n%+v", lean, want)
	}
	if !lean.MultipathConf.Exists || !lean.LVMConf.Exists || lean.LVMConf.Mode == 0 {
		t.Errorf("probe with no_files: multipath.conf %+v, lvm.conf %+v: want them existing, with a mode", lean.MultipathConf, lean.LVMConf)
	}
	if size, fullSize := jsonSize(t, lean), jsonSize(t, full); size*4 > fullSize {
		t.Errorf("probe with no_files: %d bytes, the full one %d: want a fraction of it", size, fullSize)
	}
}

// Without its contents to read, a lvm.conf over the agent's limit does
// not fail the lean probe; a FIFO where a config belongs still does.
func TestProbeStorageWithNoFilesReadsNoContent(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "client0")
	h := c.hosts["client0"]
	c.lab.WriteFile(t, fqdn("client0"), LVMConfPath, strings.Repeat("# lvm.conf\n", 3<<20/11))
	p, err := h.ProbeStorage(context.Background(), StorageProbeInput{NoFiles: true})
	if err != nil || !p.LVMConf.Exists || p.LVMConf.Content != "" {
		t.Errorf("lean probe with a 3 MB lvm.conf: lvm.conf %+v, %v; want it existing, without content", p.LVMConf, err)
	}
	if _, err := h.ProbeStorage(context.Background(), StorageProbeInput{}); errType(err) != ErrBadConfig {
		t.Errorf("full probe with a 3 MB lvm.conf: %v, want %s as before", err, ErrBadConfig)
	}

	fifo := NewHost("test.example.org", t.TempDir())
	if err := os.MkdirAll(filepath.Join(fifo.Root, "etc/lvm"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(fifo.Root, LVMConfPath), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := fifo.statState(LVMConfPath); errType(err) != ErrBadConfig || !isPermanent(err) || !strings.Contains(err.Error(), LVMConfPath) {
		t.Errorf("statState of a FIFO: %v, want a permanent %s naming the file", err, ErrBadConfig)
	}
}

func jsonSize(t *testing.T, v any) int {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return len(data)
}

// A probe of the files only reads what the whole probe reads of the files
// and modules, and runs no command on the host.
func TestProbeStorageOfTheFilesOnlyRunsNothing(t *testing.T) {
	t.Parallel()
	c, h := multipathConfigured(t)
	ctx := context.Background()

	full := must(h.ProbeStorage(ctx, StorageProbeInput{}))(t)
	before := len(c.ran(t, "client0"))
	files := must(h.ProbeStorage(ctx, StorageProbeInput{OnlyFiles: true}))(t)
	if ran := c.ranSince(t, "client0", before); len(ran) > 0 {
		t.Errorf("a probe of the files ran %q", ran)
	}
	want := StorageProbeResult{Host: full.Host, Modules: full.Modules, DRBDConf: full.DRBDConf, MultipathConf: full.MultipathConf, LVMConf: full.LVMConf}
	if !reflect.DeepEqual(files, want) {
		t.Errorf("probe of the files:\n%+v\nwant the whole probe's files and modules:\n%+v", files, want)
	}
	if !files.MultipathConf.Exists || files.MultipathConf.Content == "" || len(files.Modules) == 0 {
		t.Errorf("probe of the files on a configured client: %+v, want multipath.conf and the gnbd module", files)
	}
	if _, err := h.ProbeStorage(ctx, StorageProbeInput{OnlyFiles: true, Packages: multipathPackages}); errType(err) != ErrBadInput {
		t.Errorf("probe of the files asked about packages: %v, want %s", err, ErrBadInput)
	}
}

// multipathConfigured is a client with multipath installed and configured:
// its storage has something in every part a probe reads.
func multipathConfigured(t *testing.T) (*cluster, *Host) {
	t.Helper()
	c := multipathClient(t)
	h := c.hosts["client0"]
	must(h.EnsurePackages(context.Background(), PackagesInput{Packages: multipathPackages}))(t)
	must(h.ConfigureMultipath(context.Background(), MultipathInput{}))(t)
	return c, h
}
