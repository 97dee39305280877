package activities

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/emu"
	"github.com/tetsuzuki/tetsuzuki/lab/multipath"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
)

// defaultMultipathConf is the file device-mapper-multipath installs.
var defaultMultipathConf = packages.Catalogue["device-mapper-multipath"].Files[MultipathConfPath]

var multipathPackages = []string{"device-mapper-multipath"}

func TestEnableMultipath(t *testing.T) {
	if !strings.Contains(defaultMultipathConf, "\nblacklist {\n") {
		t.Fatalf("the lab's default multipath.conf has no active blacklist:\n%s", defaultMultipathConf)
	}
	enabled := EnableMultipath(defaultMultipathConf)
	want := strings.Replace(defaultMultipathConf,
		"\nblacklist {\n        devnode \"*\"\n}\n",
		"\n#blacklist {\n#        devnode \"*\"\n#}\n", 1)
	if enabled != want {
		t.Errorf("EnableMultipath(default):\n%s\nwant:\n%s", enabled, want)
	}
	// As multipath reads them: everything blacklisted, then nothing.
	if c := multipath.ParseConf([]byte(defaultMultipathConf)); !c.BlacklistedDevnode("gnbd0") {
		t.Error("the default file does not blacklist gnbd0: the test proves nothing")
	}
	if c := multipath.ParseConf([]byte(enabled)); c.BlacklistedDevnode("gnbd0") || !c.UserFriendlyNames {
		t.Errorf("enabled file: %+v, want gnbd0 allowed and friendly names kept", c)
	}
	for _, conf := range []string{enabled, "defaults {\n\tuser_friendly_names yes\n}\n", ""} {
		if got := EnableMultipath(conf); got != conf {
			t.Errorf("EnableMultipath of a file without the block changed it:\n%s\nwas:\n%s", got, conf)
		}
	}
}

// multipathClient is part #4's starting point: client0 imports gnbd0a and
// gnbd0b, both hosts of a storage pair exporting /dev/drbd0 with uid 0.
func multipathClient(t *testing.T) *cluster {
	t.Helper()
	c := newCluster(t, "storage0a", "storage0b", "client0")
	c.storagePair(t, "storage0", "storage0a", "storage0b")
	c.exportDRBD(t, "storage0a", "gnbd0a", 0)
	c.exportDRBD(t, "storage0b", "gnbd0b", 0)
	c.gnbdClient(t, "client", "client0")
	h := c.hosts["client0"]
	ctx := context.Background()
	for _, s := range []string{"storage0a", "storage0b"} {
		must(h.GNBDImport(ctx, ImportInput{Server: fqdn(s), Exports: []string{"gnbd" + strings.TrimPrefix(s, "storage")}}))(t)
	}
	return c
}

func TestMultipathJoinsThePathsOfOneUID(t *testing.T) {
	t.Parallel()
	c := multipathClient(t)
	h := c.hosts["client0"]
	ctx := context.Background()
	probeIn := StorageProbeInput{Packages: multipathPackages}
	if p := must(h.ProbeStorage(ctx, probeIn))(t); p.MultipathConf.Exists || p.MultipathdRunning || len(p.Imports) != 2 {
		t.Errorf("probe before the package: %+v", p)
	}
	must(h.EnsurePackages(ctx, PackagesInput{Packages: multipathPackages}))(t)
	before := must(h.ProbeStorage(ctx, probeIn))(t)
	if before.MultipathConf.Content != defaultMultipathConf || before.MultipathdRunning {
		t.Fatalf("probe after the install: conf %q, multipathd running %v", before.MultipathConf.Content, before.MultipathdRunning)
	}

	for i, want := range []bool{true, false} {
		if r := must(h.ConfigureMultipath(ctx, MultipathInput{}))(t); r.Changed != want {
			t.Errorf("configure %d: changed %v, want %v", i, r.Changed, want)
		}
	}
	if got := c.lab.ReadFile(t, fqdn("client0"), MultipathConfPath); got != EnableMultipath(defaultMultipathConf) {
		t.Errorf("multipath.conf after ConfigureMultipath:\n%s", got)
	}
	if bak := c.lab.ReadFile(t, fqdn("client0"), MultipathConfPath+BackupSuffix); bak != defaultMultipathConf {
		t.Errorf("backup %q, want the file as installed", bak)
	}
	if running, err := multipath.DaemonRunning(c.lab.Dir, fqdn("client0")); err != nil || !running {
		t.Errorf("multipathd runs %v (%v) after ConfigureMultipath", running, err)
	}

	spec := MapSpec{UID: 0, Exports: []string{"gnbd0a", "gnbd0b"}}
	r := must(h.MultipathMaps(ctx, MultipathInput{Maps: []MapSpec{spec}}))(t)
	if len(r.Maps) != 1 || r.Maps[0].Name != "mpath0" || r.Maps[0].UID != "0" || len(r.Maps[0].Paths) != 2 ||
		r.Maps[0].Paths[0].Device != "gnbd0" || r.Maps[0].Paths[1].Device != "gnbd1" {
		t.Errorf("maps %+v, want mpath0 (uid 0) over gnbd0 and gnbd1", r.Maps)
	}
	for _, tc := range []struct {
		name string
		maps []MapSpec
	}{
		{"wrong uid", []MapSpec{{UID: 1, Exports: spec.Exports}}},
		{"missing export", []MapSpec{{UID: 0, Exports: []string{"gnbd0a", "gnbd1a"}}}},
		{"one path short", []MapSpec{{UID: 0, Exports: []string{"gnbd0a"}}}},
		{"a second map", []MapSpec{spec, {UID: 1, Exports: []string{"gnbd1a", "gnbd1b"}}}},
		{"no map", nil},
	} {
		if _, err := h.MultipathMaps(ctx, MultipathInput{Maps: tc.maps}); errType(err) != ErrNotReady || isPermanent(err) {
			t.Errorf("%s: %v, want a retryable %s", tc.name, err, ErrNotReady)
		}
	}

	undo := UndoMultipathInput{Conf: before.MultipathConf, Running: before.MultipathdRunning}
	for i, want := range []bool{true, false} {
		if r := must(h.UndoMultipath(ctx, undo))(t); r.Changed != want {
			t.Errorf("undo %d: changed %v, want %v", i, r.Changed, want)
		}
	}
	if got := c.lab.ReadFile(t, fqdn("client0"), MultipathConfPath); got != defaultMultipathConf {
		t.Errorf("multipath.conf after the undo:\n%s\nwant it as installed", got)
	}
	if bak := c.lab.ReadFile(t, fqdn("client0"), MultipathConfPath+BackupSuffix); bak == defaultMultipathConf {
		t.Error("the undo left a backup identical to the file it restored")
	}
	if running, err := multipath.DaemonRunning(c.lab.Dir, fqdn("client0")); err != nil || running {
		t.Errorf("multipathd runs %v (%v) after the undo, want it stopped as before", running, err)
	}
	if maps, err := multipath.Maps(c.lab.Dir, fqdn("client0")); err != nil || len(maps) > 0 {
		t.Errorf("maps after the undo: %+v (%v), want none", maps, err)
	}
	if p := must(h.ProbeStorage(ctx, probeIn))(t); p.MultipathConf != before.MultipathConf || p.MultipathdRunning != before.MultipathdRunning {
		t.Errorf("probe after the undo: conf %+v running %v, want as before", p.MultipathConf, p.MultipathdRunning)
	}
}

func TestConfigureMultipathFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		install   bool
		fault     *emu.Fault
		permanent bool
		kind      string
	}{
		{name: "package missing", permanent: true, kind: ErrBadConfig},
		{name: "config refused", install: true, permanent: true, kind: ErrBadConfig,
			fault: &emu.Fault{Command: "multipathd restart", Mode: emu.FaultFail, Message: "error parsing config file"}},
		{name: "restart failed", install: true, kind: ErrCommandFailed,
			fault: &emu.Fault{Command: "multipathd restart", Mode: emu.FaultFail, Times: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newCluster(t, "client0")
			h := c.hosts["client0"]
			ctx := context.Background()
			if tc.install {
				must(h.EnsurePackages(ctx, PackagesInput{Packages: multipathPackages}))(t)
			}
			if tc.fault != nil {
				f := *tc.fault
				f.Host = fqdn("client0")
				if err := emu.AddFault(c.lab.Dir, f); err != nil {
					t.Fatal(err)
				}
			}
			_, err := h.ConfigureMultipath(ctx, MultipathInput{})
			var cerr *CommandError
			kind := errType(err)
			if kind == "" && errors.As(err, &cerr) {
				kind = ErrCommandFailed
			}
			if kind != tc.kind || isPermanent(err) != tc.permanent {
				t.Errorf("ConfigureMultipath: %v, want %s (permanent %v)", err, tc.kind, tc.permanent)
			}
			if !tc.permanent {
				// The fault is used up: the retry restarts with the file
				// already enabled.
				if r := must(h.ConfigureMultipath(ctx, MultipathInput{}))(t); !r.Changed {
					t.Error("retry after a failed restart: changed false, want true")
				}
				if running, err := multipath.DaemonRunning(c.lab.Dir, fqdn("client0")); err != nil || !running {
					t.Errorf("multipathd runs %v (%v) after the retry", running, err)
				}
			}
		})
	}
}

func TestUndoMultipathRefusesAnotherFile(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "client0")
	h := c.hosts["client0"]
	for _, p := range []string{"/etc/passwd", "/etc/multipath.conf.tetsuzuki.bak", ""} {
		if _, err := h.UndoMultipath(context.Background(), UndoMultipathInput{Conf: FileState{Path: p}}); errType(err) != ErrBadInput || !isPermanent(err) {
			t.Errorf("UndoMultipath of %q: %v, want a permanent %s", p, err, ErrBadInput)
		}
	}
	if cmds := c.ran(t, "client0"); len(cmds) > 0 {
		t.Errorf("refused calls ran %q, want nothing", cmds)
	}
}
