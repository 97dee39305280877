package runbooks

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func node(host string, id int) Node { return Node{Host: host, NodeID: id, Votes: 1} }

func host(name, addr string) Host {
	return Host{Name: name, FQDN: name + ".example.org", Address: addr}
}

// shippedWant is the exact content of the shipped runbooks; workflows and
// the lab rely on these names and addresses.
var shippedWant = map[string]*Runbook{
	"scalable-storage": {
		Name:        "scalable-storage",
		Description: "Two DRBD storage pairs (storage0a/b, storage1a/b) exported with GNBD to client0 and client1, joined with DM-Multipath, CLVM and GFS2.",
		Hosts: []Host{
			host("client0", "192.168.10.10"),
			host("client1", "192.168.10.11"),
			host("storage0a", "192.168.10.20"),
			host("storage0b", "192.168.10.27"),
			host("storage1a", "192.168.10.30"),
			host("storage1b", "192.168.10.37"),
		},
		Clusters: []Cluster{
			{Name: "storage0", Nodes: []Node{node("storage0a", 1), node("storage0b", 2)}},
			{Name: "storage1", Nodes: []Node{node("storage1a", 1), node("storage1b", 2)}},
			{Name: "client", Nodes: []Node{node("client0", 1), node("client1", 2)}},
		},
		Disks: []Disk{
			{Host: "storage0a", Device: "/dev/xvdb", Partition: "/dev/xvdb1"},
			{Host: "storage0b", Device: "/dev/xvdb", Partition: "/dev/xvdb1"},
			{Host: "storage1a", Device: "/dev/xvdb", Partition: "/dev/xvdb1"},
			{Host: "storage1b", Device: "/dev/xvdb", Partition: "/dev/xvdb1"},
		},
		DRBD: []DRBDResource{
			{Name: "r0", Device: "/dev/drbd0", Protocol: "C", Rate: "10M", Port: 7788, Hosts: []string{"storage0a", "storage0b"}, SyncFrom: "storage0a"},
			{Name: "r0", Device: "/dev/drbd0", Protocol: "C", Rate: "10M", Port: 7788, Hosts: []string{"storage1a", "storage1b"}, SyncFrom: "storage1a"},
		},
		GNBD: &GNBD{
			Exports: []Export{
				{Host: "storage0a", Name: "gnbd0a", Device: "/dev/drbd0", UID: 0},
				{Host: "storage0b", Name: "gnbd0b", Device: "/dev/drbd0", UID: 0},
				{Host: "storage1a", Name: "gnbd1a", Device: "/dev/drbd0", UID: 1},
				{Host: "storage1b", Name: "gnbd1b", Device: "/dev/drbd0", UID: 1},
			},
			Imports: Imports{Clients: []string{"client0", "client1"}},
		},
		Multipath: &Multipath{Clients: []string{"client0", "client1"}},
		CLVM: &CLVM{
			Clients: []string{"client0", "client1"},
			Creator: "client0",
			VG:      "VG0",
			LV:      "LV0",
			PVs:     []string{"/dev/mapper/mpath0", "/dev/mapper/mpath1"},
			Extents: 510,
		},
		GFS2: &GFS2{
			LockTable:  "client:gfs2",
			Journals:   4,
			Mountpoint: "/mnt",
			Clients:    []string{"client0", "client1"},
			Creator:    "client0", // left to its default, clvm.creator
		},
		// approvals.auto is [] in the file: nothing is approved
		// automatically; the lab takes decisions without a key.
		Approvals: Approvals{Unsigned: true},
		Checks:    Checks{Ignore: []string{"CLUSTER_NO_FENCING"}},
	},
	"lab-three-node": {
		Name:        "lab-three-node",
		Description: "Three hosts forming the cman cluster trio, for tests of concurrent joins.",
		Hosts: []Host{
			host("node1", "192.168.20.11"),
			host("node2", "192.168.20.12"),
			host("node3", "192.168.20.13"),
		},
		Clusters: []Cluster{
			{Name: "trio", Nodes: []Node{node("node1", 1), node("node2", 2), node("node3", 3)}},
		},
		Checks: Checks{Ignore: []string{"CLUSTER_NO_FENCING"}},
	},
}

func init() {
	shippedWant["scalable-storage-expand"] = expanded(shippedWant["scalable-storage"])
}

// expanded returns scalable-storage grown by a third storage pair, which
// is what scalable-storage-expand must be: the same runbook plus the pair's
// hosts, cluster, disks, DRBD resource and exports, its multipath map as a
// physical volume, and the logical volume over all three. Its name and
// description are its own.
func expanded(storage *Runbook) *Runbook {
	js, err := json.Marshal(storage)
	if err != nil {
		panic(err)
	}
	var r Runbook
	if err := json.Unmarshal(js, &r); err != nil {
		panic(err)
	}
	r.Name = "scalable-storage-expand"
	r.Description = "Three DRBD storage pairs (storage0a/b, storage1a/b, storage2a/b) exported with GNBD to client0 and client1, joined with DM-Multipath, CLVM and GFS2: scalable-storage grown by one pair."
	r.Hosts = append(r.Hosts, host("storage2a", "192.168.10.40"), host("storage2b", "192.168.10.47"))
	// After the other storage clusters, before the client cluster.
	r.Clusters = slices.Insert(r.Clusters, 2, Cluster{Name: "storage2", Nodes: []Node{node("storage2a", 1), node("storage2b", 2)}})
	r.Disks = append(r.Disks,
		Disk{Host: "storage2a", Device: "/dev/xvdb", Partition: "/dev/xvdb1"},
		Disk{Host: "storage2b", Device: "/dev/xvdb", Partition: "/dev/xvdb1"})
	r.DRBD = append(r.DRBD, DRBDResource{Name: "r0", Device: "/dev/drbd0", Protocol: "C", Rate: "10M", Port: 7788, Hosts: []string{"storage2a", "storage2b"}, SyncFrom: "storage2a"})
	r.GNBD.Exports = append(r.GNBD.Exports,
		Export{Host: "storage2a", Name: "gnbd2a", Device: "/dev/drbd0", UID: 2},
		Export{Host: "storage2b", Name: "gnbd2b", Device: "/dev/drbd0", UID: 2})
	r.CLVM.PVs = append(r.CLVM.PVs, "/dev/mapper/mpath2")
	r.CLVM.Extents = 3 * 255
	return &r
}

// TestScalableStorageExpand checks that the expansion runbook is the
// shipped scalable-storage grown by one pair and nothing else, reading
// both files, so that a change to one that the other lacks fails here.
func TestScalableStorageExpand(t *testing.T) {
	load := func(name string) *Runbook {
		t.Helper()
		source, data, err := Open(name)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Parse(source, data)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	storage, expand := load("scalable-storage"), load("scalable-storage-expand")
	if want := expanded(storage); !reflect.DeepEqual(expand, want) {
		g, _ := json.MarshalIndent(expand, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("scalable-storage-expand =\n%s\nwant scalable-storage grown by one pair:\n%s", g, w)
	}
	// The new map is the third uid's: mpath2 for uid 2.
	if got := expand.ExportsOf("storage2b"); len(got) != 1 || got[0].UID != 2 {
		t.Errorf("ExportsOf(storage2b) = %+v, want one export with uid 2", got)
	}
	if c, ok := expand.ClusterOf("storage2a"); !ok || c.Name != "storage2" {
		t.Errorf("ClusterOf(storage2a) = %+v, %v; want storage2", c, ok)
	}
}

func TestShippedRunbooks(t *testing.T) {
	for _, name := range Builtin() {
		t.Run(name, func(t *testing.T) {
			source, data, err := Open(name)
			if err != nil {
				t.Fatalf("Open(%q) = %v", name, err)
			}
			if want := "runbooks/" + name + ".yaml"; source != want {
				t.Errorf("source = %q, want %q", source, want)
			}
			got, err := Parse(source, data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			want, ok := shippedWant[name]
			if !ok {
				t.Fatalf("no expected content for shipped runbook %q; add it to shippedWant", name)
			}
			if !reflect.DeepEqual(got, want) {
				g, _ := json.MarshalIndent(got, "", "  ")
				w, _ := json.MarshalIndent(want, "", "  ")
				t.Errorf("runbook =\n%s\nwant\n%s", g, w)
			}
			// The file on disk is the one embedded.
			fromDisk, err := Load(name + ".yaml")
			if err != nil || !reflect.DeepEqual(fromDisk, got) {
				t.Errorf("Load(%s.yaml) = %v, %v; want the embedded runbook", name, fromDisk, err)
			}
		})
	}
}

func TestBuiltin(t *testing.T) {
	got := Builtin()
	want := []string{"lab-three-node", "scalable-storage", "scalable-storage-expand"}
	if !slices.Equal(got, want) {
		t.Errorf("Builtin() = %q, want %q", got, want)
	}
}

func TestOpenRefuses(t *testing.T) {
	tests := []struct {
		name string
		want string
	}{
		{"no-such-runbook", `open runbook "no-such-runbook": no such built-in runbook; available: lab-three-node, scalable-storage, scalable-storage-expand`},
		{"", "not a runbook name"},
		{"../go.mod", "not a runbook name"},
		{"../../etc/passwd", "not a runbook name"},
		{"scalable-storage.yaml", "not a runbook name"},
		{"/etc/passwd", "not a runbook name"},
		{"Scalable-Storage", "not a runbook name"},
		{"-rf", "not a runbook name"},
		{"scalable-storage\n", "not a runbook name"},
		{"scalable-storage\x00", "not a runbook name"},
		{"*", "not a runbook name"},
		{"scalable storage", "not a runbook name"},
	}
	for _, tt := range tests {
		source, data, err := Open(tt.name)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Open(%q) = %q, %d bytes, %v; want error containing %q", tt.name, source, len(data), err, tt.want)
			continue
		}
		if strings.ContainsAny(err.Error(), "\n\x00") {
			t.Errorf("Open(%q) error %q is not one clean line", tt.name, err)
		}
	}
}

func TestLookups(t *testing.T) {
	r := shippedWant["scalable-storage"]
	if h, ok := r.Host("storage0b"); !ok || h.Address != "192.168.10.27" {
		t.Errorf("Host(storage0b) = %+v, %v; want address 192.168.10.27", h, ok)
	}
	if _, ok := r.Host("storage9a"); ok {
		t.Errorf("Host(storage9a) found a host, want none")
	}
	if c, ok := r.Cluster("client"); !ok || len(c.Nodes) != 2 || c.Nodes[1].Host != "client1" {
		t.Errorf("Cluster(client) = %+v, %v; want client0 and client1", c, ok)
	}
	if _, ok := r.Cluster("storage2"); ok {
		t.Errorf("Cluster(storage2) found a cluster, want none")
	}
	if got, want := r.FQDN("storage1a"), "storage1a.example.org"; got != want {
		t.Errorf("FQDN(storage1a) = %q, want %q", got, want)
	}
	if got := r.FQDN("nobody"); got != "" {
		t.Errorf("FQDN(nobody) = %q, want \"\"", got)
	}

	if d, ok := r.Disk("storage1b"); !ok || d.Partition != "/dev/xvdb1" {
		t.Errorf("Disk(storage1b) = %+v, %v; want partition /dev/xvdb1", d, ok)
	}
	if _, ok := r.Disk("client0"); ok {
		t.Errorf("Disk(client0) found a disk, want none")
	}
	if got, want := r.ExportsOf("storage1a"), []Export{{Host: "storage1a", Name: "gnbd1a", Device: "/dev/drbd0", UID: 1}}; !reflect.DeepEqual(got, want) {
		t.Errorf("ExportsOf(storage1a) = %+v, want %+v", got, want)
	}
	if got := r.ExportsOf("client0"); got != nil {
		t.Errorf("ExportsOf(client0) = %+v, want nil", got)
	}
	if c, ok := r.ClusterOf("storage0b"); !ok || c.Name != "storage0" {
		t.Errorf("ClusterOf(storage0b) = %+v, %v; want cluster storage0", c, ok)
	}
	if c, ok := r.ClusterOf("nobody"); ok {
		t.Errorf("ClusterOf(nobody) = %+v, want none", c)
	}
	if r.AutoApproved(ApproveDRBDOverwrite) {
		t.Errorf("AutoApproved(%s) = true for a runbook that approves nothing", ApproveDRBDOverwrite)
	}

	lab := shippedWant["lab-three-node"]
	if got := lab.ExportsOf("node1"); got != nil {
		t.Errorf("ExportsOf(node1) without a gnbd section = %+v, want nil", got)
	}
	if _, ok := lab.Disk("node1"); ok {
		t.Errorf("Disk(node1) without a disks section found a disk")
	}
	approving := &Runbook{Approvals: Approvals{Auto: []string{ApproveDRBDOverwrite}}}
	if !approving.AutoApproved(ApproveDRBDOverwrite) || approving.AutoApproved(ApproveMkfs) || approving.AutoApproved(ApprovePVCreate) {
		t.Errorf("AutoApproved with auto [%s]: want true for it and false for %s and %s", ApproveDRBDOverwrite, ApproveMkfs, ApprovePVCreate)
	}
	if r.AutoApproved(ApprovePVCreate) || r.AutoApproved(ApproveMkfs) {
		t.Errorf("scalable-storage approves pvcreate or mkfs automatically; it approves nothing")
	}
	if got, want := r.GFS2.Cluster(), "client"; got != want {
		t.Errorf("GFS2.Cluster() = %q, want %q", got, want)
	}
	if got, want := r.GFS2.FSName(), "gfs2"; got != want {
		t.Errorf("GFS2.FSName() = %q, want %q", got, want)
	}
	if c, ok := r.ClusterOf(r.CLVM.Clients[0]); !ok || c.Name != r.GFS2.Cluster() {
		t.Errorf("the lock table's cluster %q is not the cluster of the clvm clients, %+v", r.GFS2.Cluster(), c)
	}
}
