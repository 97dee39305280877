package multipath

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// BenchmarkListAmongHosts times one host's `multipath -l` in labs of 10 and
// 1,000 hosts with the blog's two maps each. A tool run on one host should
// cost the same whatever the number of other hosts.
func BenchmarkListAmongHosts(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("hosts=%d", n), func(b *testing.B) {
			lab := b.TempDir()
			const c0 = "client0.example.org"
			h := host.Host{Lab: lab, FQDN: c0, Root: host.Root(lab, c0)}
			if err := os.MkdirAll(h.Path("/var/lib/rpm"), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(h.Path("/var/lib/rpm/lab-installed"), []byte("device-mapper-multipath-0.4.7-17.el5\n"), 0o644); err != nil {
				b.Fatal(err)
			}
			manyHosts(b, lab, c0, n)
			var out, errs bytes.Buffer
			p := &host.Proc{Host: h, Name: "multipath", Args: []string{"-l"}, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errs, Cwd: "/", Now: time.Now}
			if MultipathCmd(p) != 0 || !strings.HasPrefix(out.String(), "mpath1 (1) dm-1") || errs.Len() > 0 {
				b.Fatalf("multipath -l: %q %q", out.String(), errs.String())
			}
			for b.Loop() {
				out.Reset()
				if MultipathCmd(p) != 0 {
					b.Fatalf("multipath -l: %s", errs.String())
				}
			}
		})
	}
}

// manyHosts gives n hosts (first the first) the blog's maps in the lab's
// state; only the state is made.
func manyHosts(b *testing.B, lab, first string, n int) {
	b.Helper()
	for j := range n {
		fqdn := first
		if j > 0 {
			fqdn = fmt.Sprintf("client%d.example.org", j)
		}
		err := change(lab, fqdn, func(hs *Host) error {
			*hs = *blogHost()
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
