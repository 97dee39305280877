package activities

import (
	"context"
	"slices"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/gnbd"
)

var gnbd0aExport = ExportInput{Device: "/dev/drbd0", Name: "gnbd0a", UID: 0}

func TestGNBDServeNeedsCman(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a")
	h := c.hosts["storage0a"]
	ctx := context.Background()
	must(h.EnsurePackages(ctx, PackagesInput{Packages: []string{"gnbd"}}))(t)

	_, err := h.GNBDServe(ctx, ServerInput{})
	if !retryable(err) {
		t.Errorf("GNBDServe without cman: %v, want a retryable failure", err)
	}
	if _, err := h.GNBDExport(ctx, gnbd0aExport); errType(err) != ErrNotReady || isPermanent(err) {
		t.Errorf("GNBDExport without gnbd_serv: %v, want a retryable %s", err, ErrNotReady)
	}
	c.bootstrap(t, "storage0", "storage0a")
	if r := must(h.GNBDServe(ctx, ServerInput{}))(t); !r.Changed {
		t.Error("GNBDServe once cman runs: changed false, want true")
	}
}

func TestGNBDExportIsIdempotent(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a")
	h := c.hosts["storage0a"]
	ctx := context.Background()
	c.bootstrap(t, "storage0", "storage0a")
	c.fakeDRBD(t, "storage0a")
	must(h.EnsurePackages(ctx, PackagesInput{Packages: []string{"gnbd"}}))(t)
	exports := func() []gnbd.Export {
		t.Helper()
		list, err := gnbd.Exports(c.lab.Dir, fqdn("storage0a"))
		if err != nil {
			t.Fatal(err)
		}
		return list
	}

	for i, want := range []bool{true, false} {
		if r := must(h.GNBDServe(ctx, ServerInput{}))(t); r.Changed != want {
			t.Errorf("serve %d: changed %v, want %v", i, r.Changed, want)
		}
	}
	for i, want := range []bool{true, false} {
		if r := must(h.GNBDExport(ctx, gnbd0aExport))(t); r.Changed != want {
			t.Errorf("export %d: changed %v, want %v", i, r.Changed, want)
		}
	}
	want := []gnbd.Export{{Name: "gnbd0a", File: "/dev/drbd0", Sectors: drbd0Sectors, Timeout: 60, UID: "0"}}
	if got := exports(); !slices.Equal(got, want) {
		t.Errorf("exports %+v, want %+v", got, want)
	}
	p := must(h.ProbeStorage(ctx, StorageProbeInput{}))(t)
	if !p.GNBDServing || len(p.Exports) != 1 || p.Exports[0] != (GNBDExport{Name: "gnbd0a", File: "/dev/drbd0", Sectors: drbd0Sectors, UID: "0"}) {
		t.Errorf("probe: serving %v, exports %+v", p.GNBDServing, p.Exports)
	}

	// The name is taken: clients may use it, so no retry may change it.
	for _, in := range []ExportInput{
		{Device: "/dev/drbd0", Name: "gnbd0a", UID: 1},
		{Device: "/dev/drbd1", Name: "gnbd0a", UID: 0},
	} {
		if _, err := h.GNBDExport(ctx, in); errType(err) != ErrBadConfig || !isPermanent(err) {
			t.Errorf("GNBDExport(%+v) over gnbd0a: %v, want a permanent %s", in, err, ErrBadConfig)
		}
	}
	if got := exports(); !slices.Equal(got, want) {
		t.Errorf("exports after refused calls: %+v, want %+v", got, want)
	}

	// gnbd_serv keeps running while it exports: the undo unexports first.
	if _, err := h.GNBDStopServe(ctx, ServerInput{}); err == nil || isPermanent(err) {
		t.Errorf("GNBDStopServe while exporting: %v, want a retryable failure", err)
	}
	for i, want := range []bool{true, false} {
		if r := must(h.GNBDUnexport(ctx, UnexportInput{Names: []string{"gnbd0a", "gnbd9z"}}))(t); r.Changed != want {
			t.Errorf("unexport %d: changed %v, want %v", i, r.Changed, want)
		}
	}
	if got := exports(); len(got) > 0 {
		t.Errorf("exports after unexport: %+v", got)
	}
	for i, want := range []bool{true, false} {
		if r := must(h.GNBDStopServe(ctx, ServerInput{}))(t); r.Changed != want {
			t.Errorf("stop %d: changed %v, want %v", i, r.Changed, want)
		}
	}
	if r := must(h.GNBDUnexport(ctx, UnexportInput{Names: []string{"gnbd0a"}}))(t); r.Changed {
		t.Error("unexport with gnbd_serv stopped: changed true, want false")
	}
	if serving, err := gnbd.Serving(c.lab.Dir, fqdn("storage0a")); err != nil || serving {
		t.Errorf("gnbd_serv runs %v (%v) after GNBDStopServe", serving, err)
	}
}

func TestGNBDExportRefusesBadInput(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a")
	h := c.hosts["storage0a"]
	ctx := context.Background()
	c.bootstrap(t, "storage0", "storage0a")
	c.exportDRBD(t, "storage0a", "gnbd0a", 0)
	before := len(c.ran(t, "storage0a"))

	for _, in := range []ExportInput{
		{Device: "/dev/drbd0;reboot", Name: "gnbd0b", UID: 0},
		{Device: "drbd0", Name: "gnbd0b", UID: 0},
		// Only a DRBD device is exported: never a disk of the host, a
		// partition, a map or a character device.
		{Device: "/dev/xvda", Name: "gnbd0b", UID: 0},
		{Device: "/dev/xvdb1", Name: "gnbd0b", UID: 0},
		{Device: "/dev/sda", Name: "gnbd0b", UID: 0},
		{Device: "/dev/mem", Name: "gnbd0b", UID: 0},
		{Device: "/dev/mapper/mpath0", Name: "gnbd0b", UID: 0},
		{Device: "/dev/drbd00", Name: "gnbd0b", UID: 0},
		{Device: "/dev/drbd0", Name: "gnbd0b;reboot", UID: 0},
		{Device: "/dev/drbd0", Name: "-R", UID: 0},
		{Device: "/dev/drbd0", Name: "gnbd/0b", UID: 0},
		{Device: "/dev/drbd0", Name: "a_name_of_17_chrs", UID: 0},
		{Device: "/dev/drbd0", Name: "", UID: 0},
		{Device: "/dev/drbd0", Name: "gnbd0b", UID: -1},
		{Device: "/dev/drbd0", Name: "gnbd0b", UID: 65536},
	} {
		if _, err := h.GNBDExport(ctx, in); errType(err) != ErrBadInput || !isPermanent(err) {
			t.Errorf("GNBDExport(%+v): %v, want a permanent %s", in, err, ErrBadInput)
		}
	}
	// A bad name anywhere in the list refuses the whole call, before
	// anything is removed.
	for _, names := range [][]string{{"gnbd0a", "-R"}, {"gnbd0a", "x;reboot"}, {"gnbd0a", ""}} {
		if _, err := h.GNBDUnexport(ctx, UnexportInput{Names: names}); errType(err) != ErrBadInput || !isPermanent(err) {
			t.Errorf("GNBDUnexport(%q): %v, want a permanent %s", names, err, ErrBadInput)
		}
	}
	if cmds := c.ranSince(t, "storage0a", before); len(cmds) > 0 {
		t.Errorf("refused calls ran %q, want nothing", cmds)
	}
	if list, err := gnbd.Exports(c.lab.Dir, fqdn("storage0a")); err != nil || len(list) != 1 || list[0].Name != "gnbd0a" {
		t.Errorf("exports after refused calls: %+v (%v), want gnbd0a alone", list, err)
	}
}

func TestGNBDImportWaitsForItsServer(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a", "client0")
	s, h := c.hosts["storage0a"], c.hosts["client0"]
	ctx := context.Background()
	c.bootstrap(t, "storage0", "storage0a")
	c.fakeDRBD(t, "storage0a")
	must(s.EnsurePackages(ctx, PackagesInput{Packages: []string{"gnbd"}}))(t)
	c.gnbdClient(t, "client", "client0")
	in := ImportInput{Server: fqdn("storage0a"), Exports: []string{"gnbd0a"}}

	// A server that is not ready yet is for the retry policy to wait on.
	if _, err := h.GNBDImport(ctx, in); !retryable(err) {
		t.Errorf("import from a host without gnbd_serv: %v, want a retryable failure", err)
	}
	must(s.GNBDServe(ctx, ServerInput{}))(t)
	if _, err := h.GNBDImport(ctx, in); errType(err) != ErrNotReady || isPermanent(err) {
		t.Errorf("import before the export: %v, want a retryable %s", err, ErrNotReady)
	}
	must(s.GNBDExport(ctx, gnbd0aExport))(t)

	for i, want := range []bool{true, false} {
		if r := must(h.GNBDImport(ctx, in))(t); r.Changed != want {
			t.Errorf("import %d: changed %v, want %v", i, r.Changed, want)
		}
	}
	if n := len(containing(c.ran(t, "client0"), "gnbd_import -i")); n != 3 {
		t.Errorf("gnbd_import -i ran %d times, want 3: twice not ready, once for real", n)
	}
	ch := c.labHost(t, "client0")
	for _, dev := range []string{"/dev/gnbd/gnbd0a", "/dev/gnbd0"} {
		if d, ok, err := blockdev.Get(ch, dev); err != nil || !ok || d.Sectors != drbd0Sectors {
			t.Errorf("%s: %+v exists %v (%v), want %d sectors", dev, d, ok, err, drbd0Sectors)
		}
	}
	p := must(h.ProbeStorage(ctx, StorageProbeInput{}))(t)
	want := GNBDImport{Name: "gnbd0a", Minor: 0, Server: fqdn("storage0a"), State: "Close Connected Clear", Sectors: drbd0Sectors}
	if len(p.Imports) != 1 || p.Imports[0] != want || !slices.Equal(p.Modules, []string{"gnbd"}) {
		t.Errorf("probe: imports %+v modules %v, want %+v", p.Imports, p.Modules, want)
	}

	for i, want := range []bool{true, false} {
		if r := must(h.GNBDUnimport(ctx, UnimportInput{Names: []string{"gnbd0a"}}))(t); r.Changed != want {
			t.Errorf("unimport %d: changed %v, want %v", i, r.Changed, want)
		}
	}
	for _, dev := range []string{"/dev/gnbd/gnbd0a", "/dev/gnbd0"} {
		if _, ok, err := blockdev.Get(ch, dev); err != nil || ok {
			t.Errorf("%s exists %v (%v) after unimport", dev, ok, err)
		}
	}
}

func TestGNBDImportRefusesBadInput(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a", "client0")
	h := c.hosts["client0"]
	ctx := context.Background()
	c.bootstrap(t, "storage0", "storage0a")
	c.exportDRBD(t, "storage0a", "gnbd0a", 0)
	c.gnbdClient(t, "client", "client0")
	must(h.GNBDImport(ctx, ImportInput{Server: fqdn("storage0a"), Exports: []string{"gnbd0a"}}))(t)
	before := len(c.ran(t, "client0"))

	for _, in := range []ImportInput{
		{Server: "storage0a.example.org;reboot", Exports: []string{"gnbd0a"}},
		{Server: "-R", Exports: []string{"gnbd0a"}},
		{Server: "storage0a", Exports: []string{"gnbd0a"}},
		{Server: "", Exports: []string{"gnbd0a"}},
		{Server: fqdn("storage0a"), Exports: []string{"-R"}},
		{Server: fqdn("storage0a"), Exports: []string{"gnbd0a", "../gnbd0b"}},
	} {
		if _, err := h.GNBDImport(ctx, in); errType(err) != ErrBadInput || !isPermanent(err) {
			t.Errorf("GNBDImport(%+v): %v, want a permanent %s", in, err, ErrBadInput)
		}
	}
	for _, names := range [][]string{{"gnbd0a", "-R"}, {"gnbd0a", "x;reboot"}, {"gnbd0a", ""}} {
		if _, err := h.GNBDUnimport(ctx, UnimportInput{Names: names}); errType(err) != ErrBadInput || !isPermanent(err) {
			t.Errorf("GNBDUnimport(%q): %v, want a permanent %s", names, err, ErrBadInput)
		}
	}
	if cmds := c.ranSince(t, "client0", before); len(cmds) > 0 {
		t.Errorf("refused calls ran %q, want nothing", cmds)
	}
	if _, ok, err := blockdev.Get(c.labHost(t, "client0"), "/dev/gnbd/gnbd0a"); err != nil || !ok {
		t.Errorf("/dev/gnbd/gnbd0a exists %v (%v) after refused calls, want it kept", ok, err)
	}
}
