package gnbd

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/kmod"
)

// benchServers are the storage hosts every client of the benchmarks imports
// from, one export each, as the fan-out's clients do.
var benchServers = []string{"storage0a.example.org", "storage0b.example.org", "storage1a.example.org", "storage1b.example.org"}

// BenchmarkImportListAmongClients times one client's `gnbd_import -l` in
// labs of 10 and 1,000 clients, each importing the 4 servers' exports. A
// tool run on one host should cost the same whatever the number of other
// hosts: real hosts share nothing but the network.
func BenchmarkImportListAmongClients(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			hs := newLab(b, c0)
			c := hs[c0]
			startCman(b, c)
			if err := kmod.Load(c, "gnbd", 48416); err != nil {
				b.Fatal(err)
			}
			fanIn(b, c.Lab, n)
			if r := run(c, ImportCmd(nil), "gnbd_import", "-l"); strings.Count(r.stdout, "Close Connected Clear") != len(benchServers) {
				b.Fatalf("gnbd_import -l: %+v", r)
			}
			for b.Loop() {
				if r := run(c, ImportCmd(nil), "gnbd_import", "-l"); r.exit != 0 || r.stderr != "" {
					b.Fatalf("gnbd_import -l: %+v", r)
				}
			}
		})
	}
}

// fanIn puts in the lab's state the benchmark's servers, serving, and n
// clients (c0 the first) that imported every export. Only the state is
// made: the clients other than c0 have no host directory.
func fanIn(b *testing.B, lab string, n int) {
	b.Helper()
	clients := []string{c0}
	for j := 1; j < n; j++ {
		clients = append(clients, fmt.Sprintf("client%d.example.org", j))
	}
	err := change(lab, append(slices.Clone(benchServers), clients...), func(s *State) error {
		s.Servers = map[string]*Server{}
		for i, srv := range benchServers {
			e := Export{Name: fmt.Sprintf("gnbd%d", i), File: "/dev/drbd0", Sectors: blogSectors, Timeout: defaultTimeout, UID: fmt.Sprint(i)}
			s.Servers[srv] = &Server{Running: true, PID: 1000 + i, Port: DefaultPort, Clustered: true, Exports: []Export{e}}
		}
		for _, c := range clients {
			cl := s.client(c)
			for i, srv := range benchServers {
				cl.Imports = append(cl.Imports, Import{Name: fmt.Sprintf("gnbd%d", i), Minor: i, Server: srv, Host: srv, Port: DefaultPort, Sectors: blogSectors, Timeout: defaultTimeout})
			}
			cl.Monitor = true
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
