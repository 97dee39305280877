package activities

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/drbd"
)

// drbdPackages is what part #2b installs; yum pulls in the rest.
var drbdPackages = []string{"kmod-drbd82-xen"}

// drbdReady takes a host through part #2a and #2b up to create-md.
func (c *cluster) drbdReady(t *testing.T, name string, r DRBDResource) {
	t.Helper()
	ctx := context.Background()
	h := c.hosts[name]
	must(h.PrepareDisk(ctx, spareDisk))(t)
	must(h.EnsurePackages(ctx, PackagesInput{Packages: drbdPackages}))(t)
	must(h.LoadModule(ctx, ModuleInput{Name: "drbd", Options: []string{"minor_count=1"}}))(t)
	must(h.WriteDRBDConf(ctx, DRBDConfInput{Resources: []DRBDResource{r}}))(t)
	must(h.CreateMetadata(ctx, DRBDInput{Resource: r}))(t)
}

func drbdLine(s DRBDStatus) string {
	return "cs:" + s.Connection + " st:" + s.Role + "/" + s.PeerRole + " ds:" + s.Disk + "/" + s.PeerDisk
}

func TestDRBDPairOnTheLab(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a", "storage0b")
	a, b := c.hosts["storage0a"], c.hosts["storage0b"]
	both := []*Host{a, b}
	r := pairResource("storage0a", "storage0b")
	in := DRBDInput{Resource: r}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	probeIn := StorageProbeInput{Packages: drbdPackages, Resources: []DRBDResource{r}}

	before := must(a.ProbeStorage(ctx, probeIn))(t)
	if len(before.Installed) > 0 || len(before.Modules) > 0 || before.DRBDConf.Exists ||
		len(before.DRBD) != 1 || before.DRBD[0].Connection != "Unconfigured" {
		t.Errorf("probe of a fresh host: %+v", before)
	}

	for _, h := range both {
		must(h.PrepareDisk(ctx, spareDisk))(t)
		pkgs := must(h.EnsurePackages(ctx, PackagesInput{Packages: drbdPackages}))(t)
		if want := []string{"drbd82", "kernel-xen", "kmod-drbd82-xen"}; !slices.Equal(pkgs.Changed, want) {
			t.Errorf("%s: installed %v, want %v", h.FQDN, pkgs.Changed, want)
		}
		must(h.LoadModule(ctx, ModuleInput{Name: "drbd", Options: []string{"minor_count=1"}}))(t)
		for i, want := range []bool{true, false} {
			if res := must(h.WriteDRBDConf(ctx, DRBDConfInput{Resources: []DRBDResource{r}}))(t); res.Changed != want {
				t.Errorf("%s: write drbd.conf %d: changed %v, want %v", h.FQDN, i, res.Changed, want)
			}
		}
	}
	confA := c.lab.ReadFile(t, fqdn("storage0a"), DRBDConfPath)
	if confB := c.lab.ReadFile(t, fqdn("storage0b"), DRBDConfPath); confA != confB {
		t.Errorf("drbd.conf differs between the hosts:\n%s\n%s", confA, confB)
	}
	for _, want := range []string{
		"global { usage-count no; }\n", "common { syncer { rate 10M; } }\n", "resource r0 {\n", "protocol C;",
		"startup { become-primary-on both; }", "net { allow-two-primaries; }", "syncer { rate 10M; }",
		"on storage0a.example.org {\n    device /dev/drbd0;\n    disk /dev/xvdb1;\n    address 192.168.10.20:7788;\n    meta-disk internal;\n  }",
		"on storage0b.example.org {\n    device /dev/drbd0;\n    disk /dev/xvdb1;\n    address 192.168.10.27:7788;\n    meta-disk internal;\n  }",
	} {
		if !strings.Contains(confA, want) {
			t.Errorf("drbd.conf lacks %q:\n%s", want, confA)
		}
	}

	for _, h := range both {
		for i, want := range []bool{true, false} {
			if res := must(h.CreateMetadata(ctx, in))(t); res.Changed != want {
				t.Errorf("%s: create-md %d: changed %v, want %v", h.FQDN, i, res.Changed, want)
			}
		}
	}
	for _, h := range both {
		for i, want := range []bool{true, false} {
			if res := must(h.DRBDUp(ctx, in))(t); res.Changed != want {
				t.Errorf("%s: up %d: changed %v, want %v", h.FQDN, i, res.Changed, want)
			}
		}
	}
	for _, h := range both {
		w := must(h.DRBDWait(ctx, DRBDWaitInput{Resource: r, Until: "connected"}))(t)
		if got, want := drbdLine(w.Status), "cs:Connected st:Secondary/Secondary ds:Inconsistent/Inconsistent"; got != want {
			t.Errorf("%s connected: %s, want %s", h.FQDN, got, want)
		}
	}

	// The initial sync, at ten times 10M a second: long enough to watch.
	if err := drbd.SetSpeedup(c.lab.Dir, 10); err != nil {
		t.Fatal(err)
	}
	if res := must(a.DRBDOverwritePeer(ctx, in))(t); !res.Changed {
		t.Error("overwrite-data-of-peer: changed false, want true")
	}
	var first DRBDStatus
	waitFor(t, "the sync makes progress", 10*time.Second, func() (bool, string) {
		first = must(a.drbdState(ctx, r))(t)
		return first.Syncing && first.Percent >= 5, fmt.Sprintf("%s at %.1f%%", drbdLine(first), first.Percent)
	})
	if got, want := drbdLine(first), "cs:SyncSource st:Primary/Secondary ds:UpToDate/Inconsistent"; got != want {
		t.Errorf("syncing: %s, want %s", got, want)
	}
	overwrites := len(containing(c.ran(t, "storage0a"), "--overwrite-data-of-peer"))
	if res := must(a.DRBDOverwritePeer(ctx, in))(t); res.Changed {
		t.Error("second overwrite-data-of-peer: changed true, want false")
	}
	if res := must(b.DRBDOverwritePeer(ctx, in))(t); res.Changed {
		t.Error("overwrite-data-of-peer on the sync target: changed true, want false")
	}
	again := must(a.drbdState(ctx, r))(t)
	if drbdLine(again) != drbdLine(first) || !again.Syncing || again.LeftKB > first.LeftKB {
		t.Errorf("after a second overwrite: %s with %d of %d KB left, was %d: the sync went back",
			drbdLine(again), again.LeftKB, again.TotalKB, first.LeftKB)
	}
	if n := len(containing(c.ran(t, "storage0a"), "--overwrite-data-of-peer")); n != overwrites {
		t.Errorf("drbdadm --overwrite-data-of-peer ran %d times, want %d", n, overwrites)
	}

	if err := drbd.SetSpeedup(c.lab.Dir, 1000); err != nil {
		t.Fatal(err)
	}
	for _, h := range both {
		w := must(h.DRBDWait(ctx, DRBDWaitInput{Resource: r, Until: "synced"}))(t)
		if !w.Status.InSync() || w.Status.Syncing {
			t.Errorf("%s synced: %+v", h.FQDN, w.Status)
		}
	}
	for i, want := range []bool{true, false} {
		if res := must(b.DRBDPrimary(ctx, in))(t); res.Changed != want {
			t.Errorf("primary %d on the second host: changed %v, want %v", i, res.Changed, want)
		}
	}
	for _, h := range both {
		w := must(h.DRBDWait(ctx, DRBDWaitInput{Resource: r, Until: "primary"}))(t)
		if got, want := drbdLine(w.Status), "cs:Connected st:Primary/Primary ds:UpToDate/UpToDate"; got != want {
			t.Errorf("%s primary: %s, want %s", h.FQDN, got, want)
		}
	}

	after := must(a.ProbeStorage(ctx, probeIn))(t)
	if !slices.Equal(after.Installed, drbdPackages) || !slices.Equal(after.Modules, []string{"drbd"}) ||
		after.DRBDConf.Content != confA || len(after.DRBD) != 1 ||
		drbdLine(after.DRBD[0]) != "cs:Connected st:Primary/Primary ds:UpToDate/UpToDate" {
		t.Errorf("probe of the pair: %+v", after)
	}

	// Down keeps the data: up again is in sync at once, without a resync.
	for _, h := range both {
		for i, want := range []bool{true, false} {
			if res := must(h.DRBDDown(ctx, in))(t); res.Changed != want {
				t.Errorf("%s: down %d: changed %v, want %v", h.FQDN, i, res.Changed, want)
			}
		}
		if res := must(h.CreateMetadata(ctx, in))(t); res.Changed {
			t.Errorf("%s: create-md after down: changed true, want false (dump-md finds it)", h.FQDN)
		}
	}
	if n := len(containing(c.ran(t, "storage0a"), "drbdadm create-md")); n != 1 {
		t.Errorf("drbdadm create-md ran %d times, want 1", n)
	}
	for _, h := range both {
		must(h.DRBDUp(ctx, in))(t)
	}
	for _, h := range both {
		s := must(h.drbdState(ctx, r))(t)
		if got, want := drbdLine(s), "cs:Connected st:Secondary/Secondary ds:UpToDate/UpToDate"; got != want || s.Syncing {
			t.Errorf("%s up again: %s syncing %v, want %s without a resync", h.FQDN, got, s.Syncing, want)
		}
	}
}

func TestCreateMetadataWithoutThePartition(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a", "storage0b")
	h := c.hosts["storage0a"]
	ctx := context.Background()
	r := pairResource("storage0a", "storage0b")
	must(h.EnsurePackages(ctx, PackagesInput{Packages: drbdPackages}))(t)
	must(h.LoadModule(ctx, ModuleInput{Name: "drbd"}))(t)
	must(h.WriteDRBDConf(ctx, DRBDConfInput{Resources: []DRBDResource{r}}))(t)

	_, err := h.CreateMetadata(ctx, DRBDInput{Resource: r})
	if errType(err) != ErrNoDisk || !isPermanent(err) {
		t.Errorf("CreateMetadata without /dev/xvdb1: %v, want a permanent %s", err, ErrNoDisk)
	}
	if cmds := containing(c.ran(t, "storage0a"), "create-md"); len(cmds) > 0 {
		t.Errorf("ran %q on a host without the disk", cmds)
	}
}

// TestDRBDUpRecoversADisklessStart covers an up that found no meta data
// (DRBD then comes up without its disk): CreateMetadata must not take the
// resource for up, and the retried DRBDUp attaches the disk.
func TestDRBDUpRecoversADisklessStart(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a", "storage0b")
	h := c.hosts["storage0a"]
	ctx := context.Background()
	r := pairResource("storage0a", "storage0b")
	in := DRBDInput{Resource: r}
	must(h.PrepareDisk(ctx, spareDisk))(t)
	must(h.EnsurePackages(ctx, PackagesInput{Packages: drbdPackages}))(t)
	must(h.LoadModule(ctx, ModuleInput{Name: "drbd"}))(t)
	must(h.WriteDRBDConf(ctx, DRBDConfInput{Resources: []DRBDResource{r}}))(t)

	if _, err := h.DRBDUp(ctx, in); errType(err) != ErrNotReady || isPermanent(err) {
		t.Fatalf("up without meta data: %v, want a retryable %s", err, ErrNotReady)
	}
	if res := must(h.CreateMetadata(ctx, in))(t); !res.Changed {
		t.Error("create-md on a diskless resource: changed false, want the meta data created")
	}
	if res := must(h.DRBDUp(ctx, in))(t); !res.Changed {
		t.Error("retried up: changed false, want the disk attached")
	}
	if s := must(h.drbdState(ctx, r))(t); s.Disk != "Inconsistent" {
		t.Errorf("after the retried up: %s, want the disk attached, Inconsistent", drbdLine(s))
	}
}

func TestDRBDWaitReportsADownResource(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a", "storage0b")
	r := pairResource("storage0a", "storage0b")
	c.drbdReady(t, "storage0a", r)
	ctx := context.Background()
	h := c.hosts["storage0a"]
	if _, err := h.DRBDWait(ctx, DRBDWaitInput{Resource: r, Until: "connected"}); errType(err) != ErrNotReady || isPermanent(err) {
		t.Errorf("wait on a resource that is not up: %v, want a retryable %s", err, ErrNotReady)
	}
	if _, err := h.DRBDWait(ctx, DRBDWaitInput{Resource: r, Until: "forever"}); errType(err) != ErrBadInput {
		t.Errorf("wait until forever: %v, want %s", err, ErrBadInput)
	}
	// Alone, the resource waits for its peer: up, but not connected.
	must(h.DRBDUp(ctx, DRBDInput{Resource: r}))(t)
	short, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
	defer cancel()
	w, err := h.DRBDWait(short, DRBDWaitInput{Resource: r, Until: "connected"})
	if err != context.DeadlineExceeded || w.Status.Connection != "WFConnection" {
		t.Errorf("wait for an absent peer: %s, %v; want WFConnection until the deadline", drbdLine(w.Status), err)
	}
}

func TestDRBDRefusesBadResources(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a", "storage0b")
	h := c.hosts["storage0a"]
	ctx := context.Background()
	c.drbdReady(t, "storage0a", pairResource("storage0a", "storage0b"))
	conf := c.lab.ReadFile(t, fqdn("storage0a"), DRBDConfPath)

	for _, tc := range []struct {
		name string
		edit func(*DRBDResource)
	}{
		{"hostile name", func(r *DRBDResource) { r.Name = "r0;reboot" }},
		{"name as an option", func(r *DRBDResource) { r.Name = "--force" }},
		{"empty name", func(r *DRBDResource) { r.Name = "" }},
		{"two names", func(r *DRBDResource) { r.Name = "r0 r1" }},
		{"every resource", func(r *DRBDResource) { r.Name = "all" }},
		{"device not drbd", func(r *DRBDResource) { r.Device = "/dev/xvdb" }},
		{"device without minor", func(r *DRBDResource) { r.Device = "/dev/drbd" }},
		{"device minor too long", func(r *DRBDResource) { r.Device = "/dev/drbd1000" }},
		{"protocol D", func(r *DRBDResource) { r.Protocol = "D" }},
		{"protocol lower case", func(r *DRBDResource) { r.Protocol = "c" }},
		{"no protocol", func(r *DRBDResource) { r.Protocol = "" }},
		{"rate without unit", func(r *DRBDResource) { r.Rate = "10" }},
		{"rate zero", func(r *DRBDResource) { r.Rate = "0M" }},
		{"rate breaking out", func(r *DRBDResource) { r.Rate = "10M; } } resource x {" }},
		{"port zero", func(r *DRBDResource) { r.Port = 0 }},
		{"port privileged", func(r *DRBDResource) { r.Port = 80 }},
		{"port too high", func(r *DRBDResource) { r.Port = 70000 }},
		{"one node", func(r *DRBDResource) { r.Nodes = r.Nodes[:1] }},
		{"hostile disk", func(r *DRBDResource) { r.Nodes[0].Disk = "/dev/xvdb1; }" }},
		{"disk outside /dev", func(r *DRBDResource) { r.Nodes[1].Disk = "/etc/passwd" }},
		{"disk climbing out", func(r *DRBDResource) { r.Nodes[0].Disk = "/dev/../etc/passwd" }},
		{"disk a whole disk", func(r *DRBDResource) { r.Nodes[0].Disk = "/dev/xvdb" }},
		{"disk another partition", func(r *DRBDResource) { r.Nodes[0].Disk = "/dev/xvdb2" }},
		{"disk memory", func(r *DRBDResource) { r.Nodes[0].Disk = "/dev/mem" }},
		{"disk a map", func(r *DRBDResource) { r.Nodes[0].Disk = "/dev/mapper/mpath0" }},
		{"address with port", func(r *DRBDResource) { r.Nodes[0].Address = "192.168.10.20:7788" }},
		{"address IPv6", func(r *DRBDResource) { r.Nodes[0].Address = "2001:db8::20" }},
		{"address loopback", func(r *DRBDResource) { r.Nodes[1].Address = "127.0.0.1" }},
		{"address broadcast", func(r *DRBDResource) { r.Nodes[1].Address = "255.255.255.255" }},
		{"address unspecified", func(r *DRBDResource) { r.Nodes[1].Address = "0.0.0.0" }},
		{"short host", func(r *DRBDResource) { r.Nodes[1].Host = "storage0b" }},
		{"hostile host", func(r *DRBDResource) { r.Nodes[1].Host = "storage0b.example.org {" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := pairResource("storage0a", "storage0b")
			tc.edit(&r)
			in := DRBDInput{Resource: r}
			before := len(c.ran(t, "storage0a"))
			for _, call := range []struct {
				step string
				err  error
			}{
				{"WriteDRBDConf", errOf(h.WriteDRBDConf(ctx, DRBDConfInput{Resources: []DRBDResource{pairResource("storage0a", "storage0b"), r}}))},
				{"CreateMetadata", errOf(h.CreateMetadata(ctx, in))},
				{"DRBDUp", errOf(h.DRBDUp(ctx, in))},
				{"DRBDDown", errOf(h.DRBDDown(ctx, in))},
				{"DRBDOverwritePeer", errOf(h.DRBDOverwritePeer(ctx, in))},
				{"DRBDPrimary", errOf(h.DRBDPrimary(ctx, in))},
				{"DRBDWait", errOf(h.DRBDWait(ctx, DRBDWaitInput{Resource: r, Until: "connected"}))},
				{"ProbeStorage", errOf(h.ProbeStorage(ctx, StorageProbeInput{Resources: []DRBDResource{r}}))},
			} {
				if errType(call.err) != ErrBadInput || !isPermanent(call.err) {
					t.Errorf("%s: %v, want a permanent %s", call.step, call.err, ErrBadInput)
				}
			}
			if cmds := c.ranSince(t, "storage0a", before); len(cmds) > 0 {
				t.Errorf("refused calls ran %q, want nothing", cmds)
			}
			if now := c.lab.ReadFile(t, fqdn("storage0a"), DRBDConfPath); now != conf {
				t.Errorf("drbd.conf changed by a refused call:\n%s", now)
			}
		})
	}
}

// errOf is the error of a two-result call.
func errOf[T any](_ T, err error) error { return err }
