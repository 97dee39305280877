package activities

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/emu"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// The helpers of the data-path tests (parts #2 to #4): the lab's view of a
// host, what ran on it, and the steps several tests take to get a host to
// where theirs begins.

func fqdn(name string) string { return name + ".example.org" }

// labHost is the lab's own handle on a host, for the few things a test
// sets up behind the agent's back (a DRBD device, a fault).
func (c *cluster) labHost(t *testing.T, name string) host.Host {
	t.Helper()
	h, err := host.Open(c.lab.Dir, fqdn(name))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// ran is every command the lab logged on a host, oldest first, as
// "argv0 args...".
func (c *cluster) ran(t *testing.T, name string) []string {
	t.Helper()
	invs, err := emu.Invocations(c.lab.Dir, fqdn(name))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, inv := range invs {
		lines = append(lines, strings.Join(inv.Argv, " "))
	}
	return lines
}

// ranSince is what ran on a host after the first n commands.
func (c *cluster) ranSince(t *testing.T, name string, n int) []string {
	t.Helper()
	return c.ran(t, name)[n:]
}

// containing are the commands that contain all of words, in order of running.
func containing(cmds []string, words ...string) []string {
	var out []string
	for _, cmd := range cmds {
		all := true
		for _, w := range words {
			all = all && strings.Contains(cmd, w)
		}
		if all {
			out = append(out, cmd)
		}
	}
	return out
}

// isPermanent tells whether the SDK would stop retrying err at once: a
// non-retryable application error. A *CommandError, like any plain error,
// is retried.
func isPermanent(err error) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.NonRetryable()
}

// retryable is an error the SDK retries: a typed NotReady, or a command
// that failed.
func retryable(err error) bool {
	var cerr *CommandError
	return err != nil && !isPermanent(err) && (errType(err) == ErrNotReady || errors.As(err, &cerr))
}

// waitFor polls cond until it holds, failing the test at the deadline with
// what cond last said.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, last := cond()
		if ok {
			return
		}
		select {
		case <-deadline.C:
			t.Fatalf("%s: not within %v; last: %s", what, timeout, last)
		case <-tick.C:
		}
	}
}

// pairResource is PROCEDURES.md's r0 over hosts a and b (part #2b).
func pairResource(a, b string) DRBDResource {
	return DRBDResource{Name: "r0", Device: "/dev/drbd0", Protocol: "C", Rate: "10M", Port: 7788, Nodes: []DRBDNode{
		{Host: fqdn(a), Address: "192.168.10.20", Disk: "/dev/xvdb1"},
		{Host: fqdn(b), Address: "192.168.10.27", Disk: "/dev/xvdb1"},
	}}
}

// drbd0Sectors is the size GNBD reports for the blog's /dev/drbd0.
const drbd0Sectors = 2096944

// fakeDRBD gives a storage host the /dev/drbd0 a DRBD pair would, so the
// GNBD and multipath tests need not bring a pair up and sync it.
func (c *cluster) fakeDRBD(t *testing.T, name string) {
	t.Helper()
	if err := blockdev.Create(c.labHost(t, name), "/dev/drbd0", blockdev.Device{Sectors: drbd0Sectors, Major: 147, Minor: 0, Backing: "/dev/xvdb1"}); err != nil {
		t.Fatal(err)
	}
}

// storagePair forms the two-node cman cluster of a storage pair (part #3).
func (c *cluster) storagePair(t *testing.T, cluster, a, b string) {
	t.Helper()
	c.bootstrap(t, cluster, a)
	must(c.hosts[a].AddNode(context.Background(), NodeInput{Cluster: cluster, Node: node(b, 2)}))(t)
	c.join(t, cluster, b)
}

// exportDRBD runs part #3's server half on a host that runs cman: gnbd
// installed, gnbd_serv started, /dev/drbd0 exported as export with uid.
func (c *cluster) exportDRBD(t *testing.T, name, export string, uid int) {
	t.Helper()
	ctx := context.Background()
	h := c.hosts[name]
	c.fakeDRBD(t, name)
	must(h.EnsurePackages(ctx, PackagesInput{Packages: []string{"gnbd"}}))(t)
	must(h.GNBDServe(ctx, ServerInput{}))(t)
	must(h.GNBDExport(ctx, ExportInput{Device: "/dev/drbd0", Name: export, UID: uid}))(t)
}

// gnbdClient makes a host a GNBD client of its own one-node cman cluster:
// cman running, gnbd and its module installed and loaded.
func (c *cluster) gnbdClient(t *testing.T, cluster, name string) {
	t.Helper()
	ctx := context.Background()
	h := c.hosts[name]
	c.bootstrap(t, cluster, name)
	must(h.EnsurePackages(ctx, PackagesInput{Packages: []string{"kmod-gnbd-xen", "gnbd"}}))(t)
	must(h.LoadModule(ctx, ModuleInput{Name: "gnbd"}))(t)
}
