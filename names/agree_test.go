package names_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"go.temporal.io/sdk/temporal"
)

// The loader and the agent must agree on every value: a runbook that loads
// must never carry a value the agent refuses at run time, minutes into a
// build, and a value the loader refuses must not slip through a workflow
// input to the agent. Each case below puts one value into the blog's
// runbook, in the field named, and into the agent's input for the step
// that uses it; both must accept it or both refuse it.

// blogRunbook is the blog's runbook, the file the cases edit.
func blogRunbook(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "runbooks", "scalable-storage.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// field is one value of the runbook as both sides see it.
type field struct {
	path string // the loader's field path
	// line is the blog runbook's text around the value, %s where it
	// goes; blog is the value it holds there.
	line, blog string
	// prefix goes before the value on both sides (the cluster part of
	// a lock table).
	prefix string
	agent  func(context.Context, *activities.Host, string) error
}

var fields = []field{
	{"clusters[2].name", "  - name: %s\n    nodes:\n      - host: client0\n", "client", "", func(ctx context.Context, h *activities.Host, v string) error {
		return errOf(h.CreateClusterConf(ctx, activities.ClusterInput{Cluster: v}))
	}},
	{"hosts[0].fqdn", "    fqdn: %s\n    address: 192.168.10.10\n", "client0.example.org", "", func(ctx context.Context, h *activities.Host, v string) error {
		return errOf(h.GNBDImport(ctx, activities.ImportInput{Server: v, Exports: []string{"gnbd0a"}}))
	}},
	{"hosts[2].address", "    fqdn: storage0a.example.org\n    address: %s\n", "192.168.10.20", "", func(ctx context.Context, h *activities.Host, v string) error {
		r := pair()
		r.Nodes[0].Address = v
		return errOf(h.WriteDRBDConf(ctx, activities.DRBDConfInput{Resources: []activities.DRBDResource{r}}))
	}},
	{"disks[0].device", "  - host: storage0a\n    device: %s\n", "/dev/xvdb", "", func(ctx context.Context, h *activities.Host, v string) error {
		return errOf(h.PrepareDisk(ctx, activities.DiskInput{Device: v, Partition: v + "1"}))
	}},
	{"disks[0].partition", "    device: /dev/xvdb\n    partition: %s\n  - host: storage0b\n", "/dev/xvdb1", "", func(ctx context.Context, h *activities.Host, v string) error {
		return errOf(h.PrepareDisk(ctx, activities.DiskInput{Device: "/dev/xvdb", Partition: v}))
	}},
	{"drbd[0].name", "  - name: %s\n    device: /dev/drbd0\n    protocol: C\n    rate: 10M\n    port: 7788\n    hosts: [storage0a, storage0b]\n", "r0", "", func(ctx context.Context, h *activities.Host, v string) error {
		r := pair()
		r.Name = v
		return errOf(h.WriteDRBDConf(ctx, activities.DRBDConfInput{Resources: []activities.DRBDResource{r}}))
	}},
	{"drbd[0].device", "    device: %s\n    protocol: C\n    rate: 10M\n    port: 7788\n    hosts: [storage0a, storage0b]\n", "/dev/drbd0", "", func(ctx context.Context, h *activities.Host, v string) error {
		r := pair()
		r.Device = v
		return errOf(h.WriteDRBDConf(ctx, activities.DRBDConfInput{Resources: []activities.DRBDResource{r}}))
	}},
	{"drbd[0].rate", "    rate: %s\n    port: 7788\n    hosts: [storage0a, storage0b]\n", "10M", "", func(ctx context.Context, h *activities.Host, v string) error {
		r := pair()
		r.Rate = v
		return errOf(h.WriteDRBDConf(ctx, activities.DRBDConfInput{Resources: []activities.DRBDResource{r}}))
	}},
	{"drbd[0].protocol", "    protocol: %s\n    rate: 10M\n    port: 7788\n    hosts: [storage0a, storage0b]\n", "C", "", func(ctx context.Context, h *activities.Host, v string) error {
		r := pair()
		r.Protocol = v
		return errOf(h.WriteDRBDConf(ctx, activities.DRBDConfInput{Resources: []activities.DRBDResource{r}}))
	}},
	{"gnbd.exports[0].device", "      name: gnbd0a\n      device: %s\n", "/dev/drbd0", "", func(ctx context.Context, h *activities.Host, v string) error {
		return errOf(h.GNBDExport(ctx, activities.ExportInput{Device: v, Name: "gnbd0a", UID: 0}))
	}},
	{"gnbd.exports[0].name", "      name: %s\n      device: /dev/drbd0\n      uid: 0\n    - host: storage0b\n", "gnbd0a", "", func(ctx context.Context, h *activities.Host, v string) error {
		return errOf(h.GNBDExport(ctx, activities.ExportInput{Device: "/dev/drbd0", Name: v, UID: 0}))
	}},
	{"clvm.vg", "  vg: %s\n", "VG0", "", func(ctx context.Context, h *activities.Host, v string) error {
		return errOf(h.VGCreate(ctx, activities.VolumeInput{VG: v, LV: "LV0", PVs: []string{"/dev/mapper/mpath0"}, Extents: 510}))
	}},
	{"clvm.lv", "  lv: %s\n", "LV0", "", func(ctx context.Context, h *activities.Host, v string) error {
		return errOf(h.LVCreate(ctx, activities.VolumeInput{VG: "VG0", LV: v, Extents: 510}))
	}},
	{"clvm.pvs[1]", "  pvs: [/dev/mapper/mpath0, %s]\n", "/dev/mapper/mpath1", "", func(ctx context.Context, h *activities.Host, v string) error {
		return errOf(h.PVCreate(ctx, activities.PVInput{Device: v}))
	}},
	{"gfs2.lock_table", "  lock_table: %s\n", "client:gfs2", "client:", func(ctx context.Context, h *activities.Host, v string) error {
		return errOf(h.MakeFilesystem(ctx, activities.FilesystemInput{Device: "/dev/VG0/LV0", LockTable: v, Journals: 4, Mountpoint: "/mnt"}))
	}},
	{"gfs2.mountpoint", "  mountpoint: %s\n", "/mnt", "", func(ctx context.Context, h *activities.Host, v string) error {
		return errOf(h.MountFilesystem(ctx, activities.FilesystemInput{Device: "/dev/VG0/LV0", LockTable: "client:gfs2", Journals: 4, Mountpoint: v}))
	}},
}

// values are the edge and hostile values each field is tried with: the
// blog's own, near misses, and what an attacker would try.
var values = map[string][]string{
	"clusters[2].name":       {"client", "c", "client_2", "a-name-of-15-ch", "a-name-of-16-chr", "-client", "client;reboot", "cli ent", "client\n", "clïent"},
	"hosts[0].fqdn":          {"client0.example.org", "client0", "Client0.example.org", "client0.example.org.", "-client0.example.org", "client_0.example.org", "client0..example.org", "client0.example.org;reboot", strings.Repeat("a", 64) + ".example.org"},
	"hosts[2].address":       {"192.168.10.20", "10.0.0.1", "127.0.0.1", "127.1.2.3", "0.0.0.0", "0.1.2.3", "255.255.255.255", "224.0.0.1", "239.255.255.250", "240.0.0.1", "::1", "::", "fe80::1", "fe80::1%eth0", "2001:db8::1", "::ffff:192.168.10.20", "192.168.010.020", "192.168.10.20:7788", "storage0a.example.org", " 192.168.10.20"},
	"disks[0].device":        {"/dev/xvdb", "/dev/xvdc", "/dev/sdb", "/dev/hdb", "/dev/vdb", "/dev/xvdaa", "/dev/mem", "/dev/kmem", "/dev/port", "/dev/null", "/dev/zero", "/dev/loop", "/dev/md", "/dev/xvdb1", "/dev/sdb1", "/dev/mapper/mpath", "/dev/drbd", "/dev/xvdabc", "/dev/xvd", "/dev/../dev/xvdb", "/dev/XVDB"},
	"gnbd.exports[0].device": {"/dev/drbd0", "/dev/xvda", "/dev/xvdb1", "/dev/sda", "/dev/mem", "/dev/drbd00", "/dev/drbd", "/dev/mapper/mpath0", "/dev/drbd0/../xvda"},
	"disks[0].partition":     {"/dev/xvdb1", "/dev/xvdb2", "/dev/xvdb01", "/dev/xvdb", "/dev/xvdb1/", "/dev/xvdc1", "/dev/xvdb1/../sda", "/dev//xvdb1"},
	"drbd[0].name":           {"r0", "all", "R0", "r-0", "r_0", "-r0", "r0;reboot", strings.Repeat("r", 31), strings.Repeat("r", 32)},
	"drbd[0].device":         {"/dev/drbd0", "/dev/drbd999", "/dev/drbd00", "/dev/drbd1000", "/dev/drbd", "/dev/drbd0/", "/dev/sda"},
	"drbd[0].rate":           {"10M", "1K", "999999G", "0M", "10", "10MB", "10m", "1000000M", "-10M"},
	"drbd[0].protocol":       {"C", "A", "B", "c", "CC"},
	"gnbd.exports[0].name":   {"gnbd0a", "g", "gnbd_0a", strings.Repeat("g", 16), strings.Repeat("g", 17), "Gnbd0a", "0gnbd", "-gnbd", "gnbd/0a", "gnbd0a;id"},
	"clvm.vg":                {"VG0", "vg", "V", strings.Repeat("V", 32), strings.Repeat("V", 33), "0VG", "-VG0", "VG-0", "VG0;reboot", "VG0/LV0"},
	"clvm.lv":                {"LV0", "lv_data", "snapshot0", "pvmove1", "LV_mimage_0", "LV_tmeta", "0LV", "-LV0", "LV 0", strings.Repeat("L", 33)},
	"clvm.pvs[1]":            {"/dev/mapper/mpath1", "/dev/mapper/mpath01", "/dev/mapper/mpath-1", "/dev/mapper/../mpath1", "/dev/mapper/mpath1/", "/dev/mpath1", "/dev/mapper/mpatha"},
	"gfs2.lock_table":        {"gfs2", "g", strings.Repeat("g", 16), strings.Repeat("g", 17), "", "a:b", "gfs 2", "gfs2;reboot", "gfs2/x"},
	"gfs2.mountpoint":        {"/mnt", "/mnt/gfs2", "/srv/shared_1", "/", "/mnt/", "/mnt//gfs2", "/mnt/../etc", "mnt", "/etc", "/etc/cluster", "/usr/local/x", "/var", "/var/gfs2", "/tmp", "/tmp/gfs2", "/root", "/root/x", "/home/shared", "/srv", "/boot/x", "/proc", "/sys/x", "/dev", "/dev/shm", "/bin", "/sbin", "/lib", "/lib64/x", "/opt/gfs2", "/gfs2", "/gfs2/data", "/shared", "/mnt/a/b/c", "/MNT", "/mnt gfs2", "/" + strings.Repeat("m", 64)},
}

func TestLoaderAndAgentAgree(t *testing.T) {
	base := blogRunbook(t)
	for _, f := range fields {
		if vals := values[f.path]; len(vals) < 2 || vals[0] != strings.TrimPrefix(f.blog, f.prefix) {
			t.Fatalf("%s: the values must start with the blog's, %q, and try others", f.path, f.blog)
		}
		for _, v := range values[f.path] {
			t.Run(f.path+"="+strconv.Quote(v), func(t *testing.T) {
				t.Parallel()
				v := f.prefix + v
				at := fmt.Sprintf(f.line, f.blog)
				if strings.Count(base, at) != 1 {
					t.Fatalf("the blog's runbook holds %q %d times, want once", at, strings.Count(base, at))
				}
				doc := strings.Replace(base, at, fmt.Sprintf(f.line, strconv.Quote(v)), 1)
				_, err := runbooks.Parse("scalable-storage.yaml", []byte(doc))
				loaderRefuses := fieldsNamed(err)[f.path]
				if v == f.blog && err != nil {
					t.Fatalf("the blog's runbook does not load: %v", err)
				}
				h := activities.NewHost("client0.example.org", t.TempDir())
				agentErr := f.agent(context.Background(), h, v)
				agentRefuses := errType(agentErr) == activities.ErrBadInput
				if loaderRefuses != agentRefuses {
					t.Errorf("%s = %q: loader refuses %v (%v); agent refuses %v (%v)", f.path, v, loaderRefuses, err, agentRefuses, agentErr)
				}
			})
		}
	}
}

// fieldsNamed are the fields the loader's errors name.
func fieldsNamed(err error) map[string]bool {
	fields := map[string]bool{}
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else if err != nil {
		list = []error{err}
	}
	for _, e := range list {
		var re *runbooks.Error
		if errors.As(e, &re) {
			fields[re.Field] = true
		}
	}
	return fields
}

func errOf[T any](_ T, err error) error { return err }

func errType(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Type()
	}
	return ""
}

// pair is the blog's r0 between storage0a and storage0b.
func pair() activities.DRBDResource {
	return activities.DRBDResource{Name: "r0", Device: "/dev/drbd0", Protocol: "C", Rate: "10M", Port: 7788, Nodes: []activities.DRBDNode{
		{Host: "storage0a.example.org", Address: "192.168.10.20", Disk: "/dev/xvdb1"},
		{Host: "storage0b.example.org", Address: "192.168.10.27", Disk: "/dev/xvdb1"},
	}}
}
