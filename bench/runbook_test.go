package bench

import (
	"fmt"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/scale"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// scaled is the blog's stack grown to pairs storage pairs and clients
// clients (package lab/scale): every pair is a two-node cman cluster of
// its own mirroring its hosts' spare disks with DRBD and exporting them
// with GNBD under the pair's uid; every client, a node of the one client
// cluster, imports every export, joins each pair's two paths into a
// multipath map, runs clvmd on the volume group of all the maps and
// mounts its GFS2. It is the shape that grows a real site of this stack:
// storage is added a pair at a time, while the clients that mount the one
// file system stay few (a GFS2 has at most names.MaxJournals journals).
// Hosts: 2*pairs+clients.
func scaled(tb testing.TB, name string, pairs, clients int) string {
	tb.Helper()
	data, err := scale.YAML(scale.Options{Name: name, Pairs: pairs, Clients: clients, ClusterSize: clients})
	if err != nil {
		tb.Fatal(err)
	}
	return string(data)
}

// TestScaledRunbooksLoad: the generated runbooks of the benchmarks are
// valid runbooks of the size they claim, every host in a role, all the
// clients in one cluster (package lab/scale tests the other shapes).
func TestScaledRunbooksLoad(t *testing.T) {
	for _, tc := range []struct{ pairs, clients int }{{1, 2}, {48, 4}, {496, 8}} {
		name := fmt.Sprintf("scaled-%d", 2*tc.pairs+tc.clients)
		data := scaled(t, name, tc.pairs, tc.clients)
		rb, err := runbooks.Parse(name+".yaml", []byte(data))
		if err != nil {
			t.Fatalf("%d pairs, %d clients: %v", tc.pairs, tc.clients, err)
		}
		if got, want := len(rb.Hosts), 2*tc.pairs+tc.clients; got != want {
			t.Errorf("%s: %d hosts, want %d", name, got, want)
		}
		if got := len(rb.Clusters); got != tc.pairs+1 {
			t.Errorf("%s: %d clusters, want one per pair and the one client cluster", name, got)
		}
		stack := rb.Stack()
		if got := len(stack.Exporters); got != 2*tc.pairs {
			t.Errorf("%s: %d export hosts, want %d", name, got, 2*tc.pairs)
		}
		if got := len(stack.Mounts); got != tc.clients {
			t.Errorf("%s: %d hosts mount GFS2, want %d", name, got, tc.clients)
		}
		if got := len(rb.Maps()); got != tc.pairs {
			t.Errorf("%s: %d multipath maps, want %d", name, got, tc.pairs)
		}
		if len(data) > runbooks.MaxSize {
			t.Errorf("%s: %d bytes, over the loader's %d", name, len(data), runbooks.MaxSize)
		}
	}
}
