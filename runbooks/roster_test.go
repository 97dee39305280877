package runbooks_test

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// An outline answers a build's fan-out questions as the whole runbook
// does: the same hosts, import and multipath clients and cluster members,
// in the same order.
func TestOutlineAnswersAsTheRunbook(t *testing.T) {
	c, _ := manyClients(t, 60)
	whole, err := c.Load(runbooks.Ref{Runbook: "many"})
	if err != nil {
		t.Fatal(err)
	}
	outline, err := c.Outline(runbooks.Ref{Runbook: "many"}, 16)
	if err != nil {
		t.Fatal(err)
	}
	if outline.Roster == nil || whole.Roster != nil {
		t.Fatalf("roster: %v in the outline, %v in the whole load", outline.Roster != nil, whole.Roster != nil)
	}
	if err := outline.Roster.Check(); err != nil {
		t.Fatal(err)
	}
	same := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the outline says %v, the runbook %v", what, got, want)
		}
	}
	same("hosts", outline.HostFQDNs(), whole.HostFQDNs())
	same("import clients", outline.Importers(), whole.Importers())
	same("multipath clients", outline.MultipathClients(), whole.MultipathClients())
	same("clusters", outline.ClusterNames(), whole.ClusterNames())
	for _, name := range append(whole.ClusterNames(), "no-such-cluster") {
		got, gotOK := outline.ClusterMembers(name)
		want, wantOK := whole.ClusterMembers(name)
		same("cluster "+name, []any{got, gotOK}, []any{want, wantOK})
	}
	same("reference", outline.Ref, whole.Ref)
	if len(whole.Importers()) != 60 || len(whole.ClusterNames()) < 5 {
		t.Fatalf("the runbook has %d import clients and %d clusters: not the many the test is about", len(whole.Importers()), len(whole.ClusterNames()))
	}

	// The view keeps the servers and the volume's hosts, not the others.
	volume := whole.Runbook.VolumeHosts()
	for _, h := range outline.Runbook.Hosts {
		server := slices.Contains(whole.Runbook.Stack().DRBD, h.FQDN)
		if !server && !slices.Contains(volume, h.FQDN) {
			t.Errorf("the outline's view keeps %s, neither a server nor a volume host", h.FQDN)
		}
	}
	if len(outline.Runbook.Hosts) != 4+len(volume) {
		t.Errorf("the outline's view has %d hosts, want the 4 servers and %d volume hosts", len(outline.Runbook.Hosts), len(volume))
	}
}

// A runbook of few hosts, or a focused load, is its load as it was: the
// outline would save nothing.
func TestOutlineOfFewHostsIsTheRunbook(t *testing.T) {
	c := &runbooks.Catalog{Pins: t.TempDir()}
	for _, ref := range []runbooks.Ref{
		{Runbook: "scalable-storage"},
		{Runbook: "scalable-storage", Focus: []string{"client1.example.org"}},
	} {
		whole, err := c.Load(ref)
		if err != nil {
			t.Fatal(err)
		}
		outline, err := c.Outline(ref, 16)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(outline, whole) {
			t.Errorf("%+v: the outline is not the runbook's load", ref)
		}
	}
	many, _ := manyClients(t, 40)
	focused, err := many.Outline(runbooks.Ref{Runbook: "many", Focus: []string{"client3.example.org"}}, 16)
	if err != nil || focused.Roster != nil {
		t.Errorf("a focused load of many hosts: roster %v, %v", focused.Roster != nil, err)
	}
}

// A thousand clients' outline is a payload: well under 64 KiB.
func TestAThousandClientsOutlineFits(t *testing.T) {
	c, _ := manyClients(t, 1000)
	outline, err := c.Outline(runbooks.Ref{Runbook: "many"}, 16)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(outline)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 48<<10 {
		t.Errorf("a thousand clients' outline is %d bytes, past 48 KiB", len(data))
	}
	t.Logf("a thousand clients' outline: %d bytes", len(data))
}

// Spans give back the positions they were made of, in any order, and a
// roster whose spans leave its hosts is refused.
func TestSpans(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		n := 1 + r.IntN(40)
		hosts := make([]string, n)
		for i := range hosts {
			hosts[i] = string(rune('a'+i%26)) + string(rune('0'+i/26))
		}
		order := r.Perm(n)[:r.IntN(n+1)]
		if r.IntN(2) == 0 {
			slices.Sort(order)
		}
		ro := &runbooks.Roster{Hosts: hosts, Importers: runbooks.SpansOf(order)}
		if err := ro.Check(); err != nil {
			t.Fatal(err)
		}
		want := make([]string, 0, len(order))
		for _, p := range order {
			want = append(want, hosts[p])
		}
		got := runbooks.Loaded{Roster: ro}.Importers()
		if !slices.Equal(got, want) {
			t.Fatalf("positions %v: got %v, want %v", order, got, want)
		}
	}
	for _, bad := range []runbooks.Spans{{{0, 4}}, {{-1, 1}}, {{2, 2}}, {{3, 1}}} {
		ro := &runbooks.Roster{Hosts: []string{"a", "b", "c"}, Clusters: []runbooks.RosterCluster{{Name: "c", Members: bad}}}
		if ro.Check() == nil {
			t.Errorf("span %v of 3 hosts: not refused", bad)
		}
	}
}
