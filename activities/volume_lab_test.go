package activities

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"
)

// The lab tests of part #5: services (service.go), the clustered volume
// (lvm.go) and GFS2 (gfs2.go), on a client whose multipath map mpath0
// joins the two paths of one storage pair.

// volumeClient is part #5's starting point: client0 with mpath0 over the
// pair's two exports, lvm2-cluster and gfs2-utils installed.
func volumeClient(t *testing.T) (*cluster, *Host) {
	t.Helper()
	c := multipathClient(t)
	h := c.hosts["client0"]
	ctx := context.Background()
	must(h.EnsurePackages(ctx, PackagesInput{Packages: append(multipathPackages, "lvm2-cluster", "gfs2-utils")}))(t)
	must(h.ConfigureMultipath(ctx, MultipathInput{}))(t)
	waitFor(t, "mpath0", 10*time.Second, func() (bool, string) {
		_, err := h.MultipathMaps(ctx, MultipathInput{Maps: []MapSpec{{UID: 0, Exports: []string{"gnbd0a", "gnbd0b"}}}})
		return err == nil, errString(err)
	})
	return c, h
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestServiceStartsAndStopsOnce(t *testing.T) {
	t.Parallel()
	_, h := volumeClient(t)
	ctx := context.Background()
	for i, want := range []bool{true, false} {
		if r := must(h.StartService(ctx, ServiceInput{Name: "clvmd"}))(t); r.Changed != want {
			t.Errorf("start clvmd %d: changed %v, want %v", i, r.Changed, want)
		}
	}
	if running, _ := h.serviceRunning(ctx, "clvmd"); !running {
		t.Error("clvmd status after StartService: not running")
	}
	for i, want := range []bool{true, false} {
		if r := must(h.StopService(ctx, ServiceInput{Name: "clvmd"}))(t); r.Changed != want {
			t.Errorf("stop clvmd %d: changed %v, want %v", i, r.Changed, want)
		}
	}
	if running, _ := h.serviceRunning(ctx, "clvmd"); running {
		t.Error("clvmd status after StopService: running")
	}
}

func TestServiceRefusesWhatTheRunbooksDoNotManage(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "client0")
	h := c.hosts["client0"]
	for _, name := range []string{"../../bin/sh", "clvmd;reboot", "", "-x"} {
		if _, err := h.StartService(context.Background(), ServiceInput{Name: name}); errType(err) != ErrBadInput || !isPermanent(err) {
			t.Errorf("start %q: %v, want a permanent %s", name, err, ErrBadInput)
		}
	}
	for _, name := range []string{"sshd", "network", "iptables", "drbd", "gnbd_serv"} {
		for verb, call := range map[string]func(context.Context, ServiceInput) (Change, error){"start": h.StartService, "stop": h.StopService} {
			if _, err := call(context.Background(), ServiceInput{Name: name}); errType(err) != ErrForbidden || !isPermanent(err) {
				t.Errorf("%s %q: %v, want a permanent %s", verb, name, err, ErrForbidden)
			}
		}
	}
	if cmds := c.ran(t, "client0"); len(cmds) > 0 {
		t.Errorf("refused calls ran %q, want nothing", cmds)
	}
	// Stopping a service that is not installed is nothing to do.
	if r, err := h.StopService(context.Background(), ServiceInput{Name: "clvmd"}); err != nil || r.Changed {
		t.Errorf("stop clvmd, not installed: %+v, %v; want no change", r, err)
	}
}

// volume is part #5's volume on the test's one map.
var volume = VolumeInput{VG: "VG0", LV: "LV0", PVs: []string{"/dev/mapper/mpath0"}, Extents: 255}

func TestClusteredVolumeOnTheLab(t *testing.T) {
	t.Parallel()
	c, h := volumeClient(t)
	ctx := context.Background()
	for i, want := range []bool{true, false} {
		if r := must(h.EnableClusterLocking(ctx, LVMLockingInput{}))(t); r.Changed != want {
			t.Errorf("locking %d: changed %v, want %v", i, r.Changed, want)
		}
	}
	if conf := c.lab.ReadFile(t, fqdn("client0"), LVMConfPath); ClusterLocking(conf) != conf {
		t.Errorf("lvm.conf after EnableClusterLocking has no locking_type = 3:\n%s", conf)
	}
	must(h.StartService(ctx, ServiceInput{Name: "clvmd"}))(t)

	if s := must(h.Signatures(ctx, SignatureInput{Devices: volume.PVs}))(t); !slices.Equal(s.Signatures, []string{""}) {
		t.Errorf("signatures of a fresh map: %q, want blank", s.Signatures)
	}
	if lv := must(h.LogicalVolume(ctx, VolumeInput{VG: "VG0", LV: "LV0"}))(t); lv.UUID != "" {
		t.Errorf("LogicalVolume before lvcreate: %+v, want none", lv)
	}
	for i, want := range []bool{true, false} {
		for _, step := range []struct {
			name string
			do   func() (Change, error)
		}{
			{"pvcreate", func() (Change, error) { return h.PVCreate(ctx, PVInput{Device: volume.PVs[0]}) }},
			{"vgcreate", func() (Change, error) { return h.VGCreate(ctx, volume) }},
			{"lvcreate", func() (Change, error) { return h.LVCreate(ctx, volume) }},
		} {
			if r := must(step.do())(t); r.Changed != want {
				t.Errorf("%s, run %d: changed %v, want %v", step.name, i, r.Changed, want)
			}
		}
	}
	lv := must(h.LogicalVolume(ctx, volume))(t)
	if lv.Status != "available" || lv.Extents != volume.Extents || lv.UUID == "" {
		t.Errorf("LogicalVolume: %+v, want available with %d extents", lv, volume.Extents)
	}
	if _, err := h.LogicalVolume(ctx, VolumeInput{VG: "VG0", LV: "LV0", Extents: volume.Extents + 1}); !retryable(err) {
		t.Errorf("waiting for more extents than the LV has: %v, want a retryable NotReady", err)
	}
	if s := must(h.Signatures(ctx, SignatureInput{Devices: volume.PVs}))(t); !IsPV(s.Signatures[0]) {
		t.Errorf("signature after pvcreate: %q, want an LVM PV", s.Signatures[0])
	}

	for i, want := range []bool{true, false} {
		if r := must(h.RemoveVolume(ctx, volume))(t); r.Changed != want {
			t.Errorf("remove %d: changed %v, want %v", i, r.Changed, want)
		}
	}
	if s := must(h.Signatures(ctx, SignatureInput{Devices: volume.PVs}))(t); s.Signatures[0] != "" {
		t.Errorf("signature after RemoveVolume: %q, want blank", s.Signatures[0])
	}
}

func TestPVCreateWantsAnApprovalToWipe(t *testing.T) {
	t.Parallel()
	c, h := volumeClient(t)
	ctx := context.Background()
	// A file system someone made on the map: pvcreate would destroy it.
	if r := c.lab.Run(t, fqdn("client0"), "mkfs.gfs2", "-O", "-p", "lock_dlm", "-t", "client:old", "-j", "1", "/dev/mapper/mpath0"); r.Exit != 0 {
		t.Fatalf("mkfs.gfs2 on the map: %+v", r)
	}
	sig := must(h.Signatures(ctx, SignatureInput{Devices: volume.PVs}))(t).Signatures[0]
	if sig == "" || IsPV(sig) {
		t.Fatalf("signature of the map after mkfs.gfs2: %q, want gfs2", sig)
	}
	if _, err := h.PVCreate(ctx, PVInput{Device: volume.PVs[0]}); errType(err) != ErrNotSpare || !isPermanent(err) {
		t.Errorf("pvcreate over %s without approval: %v, want a permanent %s", sig, err, ErrNotSpare)
	}
	if r := must(h.PVCreate(ctx, PVInput{Device: volume.PVs[0], Wipe: true}))(t); !r.Changed {
		t.Error("pvcreate with approval: changed false, want true")
	}
}

// filesystem is part #5's GFS2 on the test's volume.
var filesystem = FilesystemInput{Device: "/dev/VG0/LV0", LockTable: "client:gfs2", Journals: 2, Mountpoint: "/mnt"}

func TestGFS2OnTheLab(t *testing.T) {
	t.Parallel()
	_, h := volumeClient(t)
	ctx := context.Background()
	must(h.EnableClusterLocking(ctx, LVMLockingInput{}))(t)
	must(h.StartService(ctx, ServiceInput{Name: "clvmd"}))(t)
	must(h.PVCreate(ctx, PVInput{Device: volume.PVs[0]}))(t)
	must(h.VGCreate(ctx, volume))(t)
	must(h.LVCreate(ctx, volume))(t)

	for i, step := range []struct {
		name string
		do   func() (Change, error)
		want bool
	}{
		{"mkfs", func() (Change, error) { return h.MakeFilesystem(ctx, filesystem) }, true},
		{"mkfs again", func() (Change, error) { return h.MakeFilesystem(ctx, filesystem) }, false},
		{"mount", func() (Change, error) { return h.MountFilesystem(ctx, filesystem) }, true},
		{"mount again", func() (Change, error) { return h.MountFilesystem(ctx, filesystem) }, false},
	} {
		if r := must(step.do())(t); r.Changed != step.want {
			t.Errorf("%d %s: changed %v, want %v", i, step.name, r.Changed, step.want)
		}
	}
	// A check's inspection lists the mounted file system's journals, and
	// reads lvm.conf for a host that should see the volume only.
	ins := must(h.Inspect(ctx, InspectInput{Packages: []string{"gfs2-utils"}, VG: volume.VG, LV: volume.LV}))(t)
	want := []GFS2Journals{{Mountpoint: "/mnt", Journals: []Journal{{"journal1", 128}, {"journal0", 128}}, Listed: true}}
	if got := ins.Journals; len(got) != 1 || got[0].Output == nil || got[0].Output.Exit != 0 {
		t.Errorf("Inspect's journals: %+v", got)
	} else if got[0].Output = nil; !reflect.DeepEqual(got, want) {
		t.Errorf("Inspect's journals: %+v, want %+v", got, want)
	}
	if !ins.File(LVMConfPath).Exists {
		t.Errorf("Inspect with the volume did not read %s: %+v", LVMConfPath, ins.Files)
	}
	if ins := must(h.Inspect(ctx, InspectInput{}))(t); slices.ContainsFunc(ins.Files, func(f FileState) bool { return f.Path == LVMConfPath }) {
		t.Errorf("Inspect without the volume read %s", LVMConfPath)
	}
	if _, err := h.ListFiles(ctx, FileCheckInput{Mountpoint: "/mnt", Name: "ieiri"}); !retryable(err) {
		t.Errorf("ListFiles of a file not there yet: %v, want a retryable NotReady", err)
	}
	if r := must(h.TouchFile(ctx, FileCheckInput{Mountpoint: "/mnt", Name: "ieiri"}))(t); !slices.Contains(r.Files, "ieiri") {
		t.Errorf("TouchFile: ls shows %q, want ieiri", r.Files)
	}
	if r := must(h.GrowFilesystem(ctx, filesystem))(t); r.Changed {
		t.Error("gfs2_grow on a file system as large as its volume: changed true, want false")
	}
	for i, want := range []bool{true, false} {
		if r := must(h.UnmountFilesystem(ctx, filesystem))(t); r.Changed != want {
			t.Errorf("umount %d: changed %v, want %v", i, r.Changed, want)
		}
	}
	if _, err := h.GrowFilesystem(ctx, filesystem); !retryable(err) {
		t.Errorf("gfs2_grow unmounted: %v, want a retryable NotReady", err)
	}
	if ins := must(h.Inspect(ctx, InspectInput{VG: volume.VG, LV: volume.LV}))(t); len(ins.Journals) != 0 {
		t.Errorf("Inspect of a host that mounts nothing: journals %+v", ins.Journals)
	}
}

func TestGFS2RefusesBadInput(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "client0")
	h := c.hosts["client0"]
	ctx := context.Background()
	for _, in := range []FilesystemInput{
		{Device: "/dev/VG0/LV0/../x", LockTable: "client:gfs2", Journals: 2, Mountpoint: "/mnt"},
		{Device: "/dev/VG0/LV0", LockTable: "client", Journals: 2, Mountpoint: "/mnt"},
		{Device: "/dev/VG0/LV0", LockTable: "client:gfs2", Journals: 0, Mountpoint: "/mnt"},
		{Device: "/dev/VG0/LV0", LockTable: "client:gfs2", Journals: 2, Mountpoint: "/etc"},
		{Device: "/dev/VG0/LV0", LockTable: "client:gfs2", Journals: 2, Mountpoint: "/mnt/"},
		{Device: "/dev/VG0/LV0", LockTable: "client:gfs2", Journals: 2, Mountpoint: "/var/gfs2"},
		{Device: "/dev/VG0/LV0", LockTable: "client:gfs2", Journals: 2, Mountpoint: "/tmp"},
		{Device: "/dev/VG0/LV0", LockTable: "client:gfs2", Journals: 2, Mountpoint: "/root/x"},
		{Device: "/dev/VG0/LV0", LockTable: "client:gfs2", Journals: 2, Mountpoint: "/usr"},
		{Device: "/dev/VG0/LV0", LockTable: "client:gfs2", Journals: 2, Mountpoint: "/"},
		{Device: "/dev/xvda1", LockTable: "client:gfs2", Journals: 2, Mountpoint: "/mnt"},
	} {
		for name, err := range map[string]error{
			"mkfs":  errOf(h.MakeFilesystem(ctx, in)),
			"mount": errOf(h.MountFilesystem(ctx, in)),
		} {
			if errType(err) != ErrBadInput {
				t.Errorf("%s %+v: %v, want %s", name, in, err, ErrBadInput)
			}
		}
	}
	for _, in := range []FileCheckInput{{Mountpoint: "/mnt", Name: ".."}, {Mountpoint: "/mnt", Name: "a/b"}, {Mountpoint: "/mnt/../etc", Name: "x"}} {
		if _, err := h.TouchFile(ctx, in); errType(err) != ErrBadInput {
			t.Errorf("touch %+v: %v, want %s", in, err, ErrBadInput)
		}
	}
	if ran := c.ran(t, "client0"); len(ran) > 0 {
		t.Errorf("refused inputs ran %q, want nothing", ran)
	}
}
