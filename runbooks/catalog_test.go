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
		// approvals.auto is [] in the file: nothing is approved automatically.
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
	},
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
	want := []string{"lab-three-node", "scalable-storage"}
	if !slices.Equal(got, want) {
		t.Errorf("Builtin() = %q, want %q", got, want)
	}
}

func TestOpenRefuses(t *testing.T) {
	tests := []struct {
		name string
		want string
	}{
		{"no-such-runbook", `open runbook "no-such-runbook": no such built-in runbook; available: lab-three-node, scalable-storage`},
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
	if !approving.AutoApproved(ApproveDRBDOverwrite) || approving.AutoApproved("mkfs") {
		t.Errorf("AutoApproved with auto [%s]: want true for it and false for mkfs", ApproveDRBDOverwrite)
	}
}
