package scale

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/names"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// load generates the runbook of o and loads it as the orchestrator's
// catalog does, by name from its directory, so that it passes the very
// checks a run of it would; and holds it to Build's value.
func load(t *testing.T, o Options) *runbooks.Runbook {
	t.Helper()
	data, err := YAML(o)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Build(o)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, want.Name+".yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if len(data) > runbooks.MaxSize {
		t.Fatalf("%s: %d bytes, over the loader's %d", want.Name, len(data), runbooks.MaxSize)
	}
	catalog := runbooks.Catalog{Dir: dir}
	loaded, err := catalog.Load(runbooks.Ref{Runbook: want.Name})
	if err != nil {
		t.Fatalf("%+v: %v", o, err)
	}
	if !reflect.DeepEqual(loaded.Runbook, want) {
		t.Errorf("%s: the YAML loads to another runbook than Build's", want.Name)
	}
	return loaded.Runbook
}

// shape is what a test counts in a loaded runbook.
type shape struct {
	pairs, clients int
	// clientClusters are the sizes of the client clusters, in order.
	clientClusters []int
	// volume is the number of nodes that run clvmd and mount GFS2, each
	// with a journal: the first client cluster's; 0 without the volume.
	volume int
}

// check holds a loaded runbook to its shape, counting every layer.
func check(t *testing.T, rb *runbooks.Runbook, want shape) {
	t.Helper()
	if got := len(rb.Hosts); got != 2*want.pairs+want.clients {
		t.Errorf("%s: %d hosts, want %d", rb.Name, got, 2*want.pairs+want.clients)
	}
	if got := len(rb.Clusters); got != want.pairs+len(want.clientClusters) {
		t.Errorf("%s: %d clusters, want %d storage and %d client clusters", rb.Name, got, want.pairs, len(want.clientClusters))
	}
	var sizes []int
	for _, c := range rb.Clusters {
		switch {
		case strings.HasPrefix(c.Name, "storage"):
			if len(c.Nodes) != 2 {
				t.Errorf("%s: storage cluster %s has %d nodes", rb.Name, c.Name, len(c.Nodes))
			}
		case strings.HasPrefix(c.Name, "client"):
			sizes = append(sizes, len(c.Nodes))
		default:
			t.Errorf("%s: cluster %s is neither a storage nor a client cluster", rb.Name, c.Name)
		}
		if len(c.Name) > names.MaxCluster {
			t.Errorf("%s: cluster name %s is longer than cman takes", rb.Name, c.Name)
		}
	}
	if !slices.Equal(sizes, want.clientClusters) {
		t.Errorf("%s: client clusters of %v nodes, want %v", rb.Name, sizes, want.clientClusters)
	}

	stack := rb.Stack()
	if got := len(stack.Exporters); got != 2*want.pairs {
		t.Errorf("%s: %d export hosts, want %d", rb.Name, got, 2*want.pairs)
	}
	if got := len(rb.GNBD.Exports); got != 2*want.pairs {
		t.Errorf("%s: %d exports, want %d", rb.Name, got, 2*want.pairs)
	}
	if got := len(rb.Maps()); got != want.pairs {
		t.Errorf("%s: %d multipath maps, want %d", rb.Name, got, want.pairs)
	}
	// Every client imports every export and multipaths every pair, as a
	// node of a client cluster.
	for _, layer := range []struct {
		name  string
		hosts []string
	}{{"import", stack.Importers}, {"multipath", stack.Multipath}} {
		if len(layer.hosts) != want.clients {
			t.Errorf("%s: %d hosts %s, want every one of the %d clients", rb.Name, len(layer.hosts), layer.name, want.clients)
		}
	}
	for _, h := range rb.GNBD.Imports.Clients {
		if c, ok := rb.ClusterOf(h); !ok || !strings.HasPrefix(c.Name, "client") {
			t.Errorf("%s: import client %s is not a node of a client cluster", rb.Name, h)
		}
	}

	if want.volume == 0 {
		if rb.CLVM != nil || rb.GFS2 != nil {
			t.Errorf("%s: has a volume, want none", rb.Name)
		}
		return
	}
	if rb.CLVM == nil || rb.GFS2 == nil {
		t.Fatalf("%s: no clvm or gfs2 section", rb.Name)
	}
	if got := len(stack.CLVM); got != want.volume {
		t.Errorf("%s: clvmd on %d hosts, want %d", rb.Name, got, want.volume)
	}
	if got := len(stack.Mounts); got != want.volume {
		t.Errorf("%s: %d hosts mount GFS2, want %d", rb.Name, got, want.volume)
	}
	if rb.GFS2.Journals != want.volume {
		t.Errorf("%s: %d journals, want %d, one per node of the first client cluster", rb.Name, rb.GFS2.Journals, want.volume)
	}
	if c, _ := rb.ClusterOf(rb.CLVM.Clients[0]); c.Name != "client0" || rb.GFS2.Cluster() != "client0" {
		t.Errorf("%s: the volume is on cluster %s, lock table %s; want the first client cluster's, client0", rb.Name, c.Name, rb.GFS2.LockTable)
	}
	if got := len(rb.CLVM.PVs); got != want.pairs || rb.CLVM.Extents != runbooks.ExtentsPerPV*want.pairs {
		t.Errorf("%s: %d pvs and %d extents, want all of the %d pairs' maps", rb.Name, got, rb.CLVM.Extents, want.pairs)
	}
}

// repeat is n sizes of size.
func repeat(size, n int) []int { return slices.Repeat([]int{size}, n) }

// TestClientsOfBothPairsLoad: issue #11's runbooks, the blog's two pairs
// under 1 to 1,000 clients in clusters of 16, load and validate. The two
// pairs' volume of 510 extents holds 15 journals, so the first cluster,
// whose every node mounts the file system, has 15 nodes.
func TestClientsOfBothPairsLoad(t *testing.T) {
	for _, tc := range []struct {
		clients  int
		clusters []int
	}{
		{1, []int{1}},
		{10, []int{10}},
		{16, []int{15, 1}},
		{17, []int{15, 2}},
		{100, append(append([]int{15}, repeat(16, 5)...), 5)},   // 15 + 80 + 5
		{1000, append(append([]int{15}, repeat(16, 61)...), 9)}, // 15 + 976 + 9
	} {
		o := Options{Clients: tc.clients}
		rb := load(t, o)
		check(t, rb, shape{pairs: 2, clients: tc.clients, clientClusters: tc.clusters, volume: tc.clusters[0]})
		if tc.clients == 1000 {
			data, _ := YAML(o)
			t.Logf("%s: %d hosts, %d clusters, %d bytes of YAML (the loader takes %d)", rb.Name, len(rb.Hosts), len(rb.Clusters), len(data), runbooks.MaxSize)
		}
	}
}

// TestNoVolume: without clvm and gfs2 no journal bounds the first
// cluster, and every cluster has the cluster size.
func TestNoVolume(t *testing.T) {
	for _, tc := range []struct {
		clients, size int
		clusters      []int
	}{
		{16, 0, []int{16}},
		{1000, 0, append(repeat(16, 62), 8)},
		{1000, 255, []int{255, 255, 255, 235}},
	} {
		rb := load(t, Options{Clients: tc.clients, ClusterSize: tc.size, NoVolume: true})
		check(t, rb, shape{pairs: 2, clients: tc.clients, clientClusters: tc.clusters})
	}
}

// TestOneClientCluster: the benchmarks' shape, many pairs under one client
// cluster of every client, whose nodes all mount the file system.
func TestOneClientCluster(t *testing.T) {
	for _, tc := range []struct{ pairs, clients int }{{1, 2}, {48, 4}, {496, 8}, {9, 64}} {
		rb := load(t, Options{Pairs: tc.pairs, Clients: tc.clients, ClusterSize: tc.clients})
		check(t, rb, shape{pairs: tc.pairs, clients: tc.clients, clientClusters: []int{tc.clients}, volume: tc.clients})
	}
	// More clients than journals on one pair's volume (7): the first
	// cluster is cut to the journals, and the rest is a second cluster.
	rb := load(t, Options{Pairs: 1, Clients: 10, ClusterSize: 10})
	check(t, rb, shape{pairs: 1, clients: 10, clientClusters: []int{7, 3}, volume: 7})
}

// TestBlogShape: the defaults with two clients are the shipped blog
// runbook's stack, host for host and layer for layer.
func TestBlogShape(t *testing.T) {
	blog, err := runbooks.Load(filepath.Join("..", "..", "runbooks", "scalable-storage.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rb := load(t, Options{Clients: 2})
	if !reflect.DeepEqual(rb.Stack(), blog.Stack()) {
		t.Errorf("the stack of 2 clients:\n%+v\nthe blog's:\n%+v", rb.Stack(), blog.Stack())
	}
	if !reflect.DeepEqual(rb.GNBD.Exports, blog.GNBD.Exports) || !reflect.DeepEqual(rb.DRBD, blog.DRBD) || !reflect.DeepEqual(rb.Disks, blog.Disks) {
		t.Errorf("the storage of 2 clients differs from the blog's")
	}
}

// TestBadOptions: options no valid runbook has are refused, not written.
func TestBadOptions(t *testing.T) {
	for _, o := range []Options{
		{},
		{Clients: -1},
		{Clients: 10, Pairs: -2},
		{Clients: 10, ClusterSize: 256},
		{Clients: 10, Name: "Not A Name"},
		{Clients: hostsPerNet + 1},
	} {
		if data, err := YAML(o); err == nil {
			t.Errorf("%+v: no error, %d bytes", o, len(data))
		}
	}
}
