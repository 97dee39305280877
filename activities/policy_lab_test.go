package activities

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
)

// labFiles is every file of the lab, its invocation logs included, as a
// mode and a digest of its content: what a refused call must leave as it
// was.
func labFiles(t *testing.T, c *cluster) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(c.lab.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		sum := ""
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum = fmt.Sprintf("%x", sha256.Sum256(data))
		}
		files[p] = fmt.Sprintf("%v %s", fi.Mode(), sum)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// unchanged fails the test if the lab's files differ from before.
func unchanged(t *testing.T, c *cluster, before map[string]string) {
	t.Helper()
	after := labFiles(t, c)
	for p, was := range before {
		if now, ok := after[p]; !ok {
			t.Errorf("refused calls removed %s", p)
		} else if now != was {
			t.Errorf("refused calls changed %s: %s, was %s", p, now, was)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("refused calls created %s", p)
		}
	}
}

// refusedAs fails the test unless err is a permanent error of type kind.
func refusedAs(t *testing.T, what string, err error, kind string) {
	t.Helper()
	if errType(err) != kind || !isPermanent(err) {
		t.Errorf("%s: %v, want a permanent %s", what, err, kind)
	}
}

func TestRestoreFileOnlyRestoresManagedFilesWithAPlainMode(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a")
	h := c.hosts["storage0a"]
	ctx := context.Background()
	for p, content := range map[string]string{"/etc/shadow": "root:$1$x:14000:0:99999:7:::\n", "/etc/hosts": "127.0.0.1 localhost\n", DRBDConfPath: "global { usage-count no; }\n"} {
		c.lab.WriteFile(t, fqdn("storage0a"), p, content)
	}
	before := labFiles(t, c)

	for _, tc := range []struct {
		name  string
		state FileState
	}{
		{"replace /etc/shadow", FileState{Path: "/etc/shadow", Exists: true, Content: "root::0:0:99999:7:::\n", Mode: 0o600}},
		{"delete /etc/hosts", FileState{Path: "/etc/hosts"}},
		{"create /etc/nologin", FileState{Path: "/etc/nologin", Exists: true, Content: "x\n"}},
		{"write a program", FileState{Path: "/usr/local/bin/x", Exists: true, Content: "#!/bin/sh\n", Mode: 0o755}},
		{"the backup beside a config file", FileState{Path: DRBDConfPath + BackupSuffix}},
		{"a config file's name elsewhere", FileState{Path: "/tmp/drbd.conf", Exists: true, Content: "x"}},
		{"climbing out of a managed directory", FileState{Path: "/etc/cluster/../shadow"}},
		{"setuid, Go's bit", FileState{Path: DRBDConfPath, Exists: true, Content: "x", Mode: uint32(fs.ModeSetuid | 0o755)}},
		{"setgid, Go's bit", FileState{Path: DRBDConfPath, Exists: true, Content: "x", Mode: uint32(fs.ModeSetgid | 0o755)}},
		{"sticky, Go's bit", FileState{Path: DRBDConfPath, Exists: true, Content: "x", Mode: uint32(fs.ModeSticky | 0o644)}},
		{"setuid, Unix's bit", FileState{Path: DRBDConfPath, Exists: true, Content: "x", Mode: 0o4755}},
		{"setgid, Unix's bit", FileState{Path: DRBDConfPath, Exists: true, Content: "x", Mode: 0o2755}},
		{"sticky, Unix's bit", FileState{Path: DRBDConfPath, Exists: true, Content: "x", Mode: 0o1644}},
		{"a symlink", FileState{Path: DRBDConfPath, Exists: true, Content: "/etc/shadow", Mode: uint32(fs.ModeSymlink | 0o777)}},
		{"world-writable", FileState{Path: DRBDConfPath, Exists: true, Content: "x", Mode: 0o666}},
		{"world-writable, restoring an absence", FileState{Path: LVMConfPath, Mode: 0o777}},
	} {
		_, err := h.RestoreFile(ctx, RestoreFileInput{State: tc.state})
		refusedAs(t, tc.name, err, ErrForbidden)
		if tc.state.Path == MultipathConfPath || tc.state.Path == DRBDConfPath {
			_, err := h.UndoMultipath(ctx, UndoMultipathInput{Conf: FileState{Path: MultipathConfPath, Exists: true, Content: "x", Mode: tc.state.Mode}})
			refusedAs(t, "UndoMultipath: "+tc.name, err, ErrForbidden)
		}
	}
	unchanged(t, c, before)
	if got := c.lab.ReadFile(t, fqdn("storage0a"), "/etc/shadow"); !strings.HasPrefix(got, "root:$1$x:") {
		t.Errorf("/etc/shadow after refused restores: %q", got)
	}

	// The managed files are restored as before, with the mode they had.
	for _, p := range ManagedFiles() {
		if r, err := h.RestoreFile(ctx, RestoreFileInput{State: FileState{Path: p, Exists: true, Content: "restored\n", Mode: 0o640}}); err != nil || !r.Changed {
			t.Errorf("restore %s: %+v, %v; want it written", p, r, err)
		}
		if fi, err := os.Stat(filepath.Join(h.Root, p)); err != nil || fi.Mode() != 0o640 {
			t.Errorf("%s after restore: %v (%v), want mode 0640", p, fi.Mode(), err)
		}
	}
}

func TestWriteFileWritesOnlyManagedFiles(t *testing.T) {
	t.Parallel()
	h := NewHost("test.example.org", t.TempDir())
	for _, tc := range []struct {
		path string
		mode fs.FileMode
	}{
		{"/etc/shadow", 0o600},
		{"/etc/nologin", 0o644},
		{"/root/.ssh/authorized_keys", 0o600},
		{ClusterConfPath, fs.ModeSetuid | 0o644},
		{ClusterConfPath, 0o646},
	} {
		if err := h.writeFile(tc.path, []byte("x"), tc.mode); errType(err) != ErrForbidden {
			t.Errorf("writeFile(%s, %v): %v, want %s", tc.path, tc.mode, err, ErrForbidden)
		}
	}
	if entries, _ := os.ReadDir(h.Root); len(entries) > 0 {
		t.Errorf("refused writes left %v in the root", entries)
	}
}

func TestPackagesOnlyFromTheCatalog(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a")
	h := c.hosts["storage0a"]
	ctx := context.Background()
	before := labFiles(t, c)
	for _, pkgs := range [][]string{{"openssh-server"}, {"cman", "nmap"}, {"kernel-xen"}, {"openais"}, {"CMAN"}} {
		_, err := h.EnsurePackages(ctx, PackagesInput{Packages: pkgs})
		refusedAs(t, fmt.Sprintf("install %q", pkgs), err, ErrForbidden)
	}
	for _, pkgs := range [][]string{{"glibc"}, {"openssh-server"}, {"cman", "bash"}} {
		_, err := h.RemovePackages(ctx, PackagesInput{Packages: pkgs})
		refusedAs(t, fmt.Sprintf("remove %q", pkgs), err, ErrForbidden)
	}
	unchanged(t, c, before)

	// Every package of the catalog installs, and the undo removes it and
	// what yum pulled in with it.
	res := must(h.EnsurePackages(ctx, PackagesInput{Packages: PackageCatalog()}))(t)
	for _, p := range PackageCatalog() {
		if !slices.Contains(res.Changed, p) {
			t.Errorf("install of the catalog changed %q, want %s among them", res.Changed, p)
		}
	}
	if len(res.Changed) <= len(PackageCatalog()) {
		t.Errorf("install of the catalog changed %q: want its dependencies too", res.Changed)
	}
	if r := must(h.RemovePackages(ctx, PackagesInput{Packages: res.Changed}))(t); len(r.Changed) != len(res.Changed) {
		t.Errorf("undo removed %q, want %q", r.Changed, res.Changed)
	}
}

func TestModulesOnlyOfTheStack(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a")
	h := c.hosts["storage0a"]
	ctx := context.Background()
	before := labFiles(t, c)
	for _, in := range []ModuleInput{
		{Name: "e1000"},
		{Name: "dm_crypt"},
		{Name: "usbcore"},
		{Name: "drbd", Options: []string{"disable_sendpage=1"}},
		{Name: "drbd", Options: []string{"minor_count=1", "usermode_helper=x"}},
		{Name: "gnbd", Options: []string{"minor_count=1"}},
	} {
		_, err := h.LoadModule(ctx, in)
		refusedAs(t, fmt.Sprintf("load %+v", in), err, ErrForbidden)
		if len(in.Options) == 0 {
			_, err := h.UnloadModule(ctx, in)
			refusedAs(t, fmt.Sprintf("unload %+v", in), err, ErrForbidden)
		}
	}
	unchanged(t, c, before)
}

func TestPrepareDiskRefusesWhatIsNotASpareDisk(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a")
	h := c.hosts["storage0a"]
	ctx := context.Background()
	// The lab's root disk, which the mount table shows holding /
	// (/dev/xvda1), given here without a partition table so that only
	// the mount table tells it from a spare disk.
	if err := blockdev.Create(c.labHost(t, "storage0a"), "/dev/xvda", blockdev.Device{Sectors: 8388608, Major: 202, Minor: 0}); err != nil {
		t.Fatal(err)
	}
	// Nodes under /dev that are no disk.
	for p, mk := range map[string]func(string) error{
		"/dev/xvdc": func(p string) error { return os.Mkdir(p, 0o755) },
		"/dev/xvdd": func(p string) error { return syscall.Mkfifo(p, 0o600) },
	} {
		if err := mk(filepath.Join(h.Root, p)); err != nil {
			t.Fatal(err)
		}
	}
	before := labFiles(t, c)

	for _, in := range []DiskInput{
		{Device: "/dev/mem", Partition: "/dev/mem1"},
		{Device: "/dev/kmem", Partition: "/dev/kmem1"},
		{Device: "/dev/port", Partition: "/dev/port1"},
		{Device: "/dev/null", Partition: "/dev/null1"},
		{Device: "/dev/xvda1", Partition: "/dev/xvda11"},
		{Device: "/dev/mapper/mpath", Partition: "/dev/mapper/mpath1"},
	} {
		_, err := h.PrepareDisk(ctx, in)
		refusedAs(t, fmt.Sprintf("PrepareDisk(%s)", in.Device), err, ErrBadInput)
	}
	for _, in := range []DiskInput{{Device: "/dev/xvdc", Partition: "/dev/xvdc1"}, {Device: "/dev/xvdd", Partition: "/dev/xvdd1"}} {
		_, err := h.PrepareDisk(ctx, in)
		refusedAs(t, fmt.Sprintf("PrepareDisk(%s)", in.Device), err, ErrForbidden)
	}
	unchanged(t, c, before)

	n := len(c.ran(t, "storage0a"))
	// The approval to label a disk that has none does not reach a
	// disk in use.
	_, err := h.PrepareDisk(ctx, DiskInput{Device: "/dev/xvda", Partition: "/dev/xvda1", Label: true})
	refusedAs(t, "PrepareDisk of the root disk", err, ErrForbidden)
	if !strings.Contains(errString(err), "/dev/xvda1 on /") {
		t.Errorf("PrepareDisk of the root disk: %v, want it to name the mount", err)
	}
	// What the host says is read, nothing is written.
	if cmds := c.ranSince(t, "storage0a", n); !slices.Equal(cmds, []string{"/sbin/parted -s /dev/xvda print", "/bin/mount"}) {
		t.Errorf("PrepareDisk of the root disk ran %q, want only a print and the mount table", cmds)
	}
	if d, ok, err := blockdev.Get(c.labHost(t, "storage0a"), "/dev/xvda"); err != nil || !ok || d.Sectors != 8388608 {
		t.Errorf("/dev/xvda after the refusal: %+v %v %v", d, ok, err)
	}
	if _, ok, _ := blockdev.Get(c.labHost(t, "storage0a"), "/dev/xvda1"); ok {
		t.Error("a refused PrepareDisk made /dev/xvda1")
	}
}

func TestCreateMetadataRefusesAMountedDisk(t *testing.T) {
	t.Parallel()
	h := hostWith(t, map[string]string{
		"mount":   `echo "/dev/xvda1 on / type ext3 (rw)"; echo "/dev/xvdb1 on /data type ext3 (rw)"`,
		"drbdadm": `echo "$@" >> "$(dirname "$0")/drbdadm.log"; [ "$1" = create-md ] && exit 0; exit 1`,
	})
	if err := os.MkdirAll(filepath.Join(h.Root, "dev"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.Root, "dev/xvdb1"), []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := h.CreateMetadata(context.Background(), DRBDInput{Resource: pairResource("storage0a", "storage0b")})
	refusedAs(t, "CreateMetadata on a host that is no node of the resource", err, ErrBadInput)
	h.FQDN = fqdn("storage0a")
	_, err = h.CreateMetadata(context.Background(), DRBDInput{Resource: pairResource("storage0a", "storage0b")})
	refusedAs(t, "CreateMetadata on a mounted disk", err, ErrForbidden)
	if log, _ := os.ReadFile(filepath.Join(h.Root, "usr/bin/drbdadm.log")); strings.Contains(string(log), "create-md") {
		t.Errorf("drbdadm ran %q, want no create-md", log)
	}
}

func TestFileCheckOnlyInTheGFS2MountPoint(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "client0")
	h := c.hosts["client0"]
	ctx := context.Background()
	before := labFiles(t, c)
	for _, in := range []FileCheckInput{
		{Mountpoint: "/etc", Name: "nologin"},
		{Mountpoint: "/var/run", Name: "x"},
		{Mountpoint: "/tmp", Name: "x"},
		{Mountpoint: "/root", Name: "x"},
	} {
		_, err := h.TouchFile(ctx, in)
		refusedAs(t, fmt.Sprintf("touch %+v", in), err, ErrBadInput)
		_, err = h.ListFiles(ctx, in)
		refusedAs(t, fmt.Sprintf("ls %+v", in), err, ErrBadInput)
	}
	unchanged(t, c, before)

	// /mnt passes the name rule, but holds no GFS2 file system: the mount
	// table is read and nothing else runs.
	for _, in := range []FileCheckInput{{Mountpoint: "/mnt", Name: "ieiri"}, {Mountpoint: "/mnt"}} {
		n := len(c.ran(t, "client0"))
		if in.Name != "" {
			_, err := h.TouchFile(ctx, in)
			refusedAs(t, "touch in /mnt without GFS2", err, ErrForbidden)
		}
		_, err := h.ListFiles(ctx, in)
		refusedAs(t, "ls /mnt without GFS2", err, ErrForbidden)
		for _, cmd := range c.ranSince(t, "client0", n) {
			if cmd != "/bin/mount" {
				t.Errorf("a refused check ran %q, want only the mount table read", cmd)
			}
		}
	}
	if got := c.lab.Run(t, fqdn("client0"), "ls", "/mnt").Stdout; got != "" {
		t.Errorf("/mnt after refused checks: %q, want empty", got)
	}
}
