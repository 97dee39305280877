package runbooks_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/scale"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

func clientFQDN(j int) string { return fmt.Sprintf("client%d.example.org", j) }

// thousand is lab/scale's runbook of the blog's pairs and a thousand
// clients, with the volume on its first client cluster.
func thousand(t *testing.T) runbooks.Ref {
	t.Helper()
	data, err := scale.YAML(scale.Options{Clients: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return runbooks.Ref{YAML: string(data)}
}

func load(t *testing.T, c *runbooks.Catalog, ref runbooks.Ref) runbooks.Loaded {
	t.Helper()
	loaded, err := c.Load(ref)
	if err != nil {
		t.Fatal(err)
	}
	return loaded
}

func focused(ref runbooks.Ref, hosts ...string) runbooks.Ref {
	ref.Focus = hosts
	return ref
}

// The blog's runbook focused on one client drops the other from every
// list; the servers, their pairs and exports, and the client cluster
// stay.
func TestFocusDropsTheOtherClients(t *testing.T) {
	c := &runbooks.Catalog{}
	whole := load(t, c, runbooks.Ref{Runbook: "scalable-storage"}).Runbook
	loaded := load(t, c, runbooks.Ref{Runbook: "scalable-storage", Focus: []string{"client1.example.org"}})
	v := loaded.Runbook
	var hosts []string
	for _, h := range v.Hosts {
		hosts = append(hosts, h.Name)
	}
	if want := []string{"client1", "storage0a", "storage0b", "storage1a", "storage1b"}; !slices.Equal(hosts, want) {
		t.Errorf("hosts %q, want %q", hosts, want)
	}
	client, ok := v.Cluster("client")
	if !ok || len(client.Nodes) != 1 || client.Nodes[0].Host != "client1" || client.Nodes[0].NodeID != 2 {
		t.Errorf("cluster client %+v, want client1 alone, node id 2", client)
	}
	for _, name := range []string{"storage0", "storage1"} {
		got, _ := v.Cluster(name)
		want, _ := whole.Cluster(name)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("cluster %s %+v, want it whole %+v", name, got, want)
		}
	}
	for name, list := range map[string][]string{
		"gnbd.imports.clients": v.GNBD.Imports.Clients,
		"multipath.clients":    v.Multipath.Clients,
		"clvm.clients":         v.CLVM.Clients,
		"gfs2.clients":         v.GFS2.Clients,
	} {
		if !slices.Equal(list, []string{"client1"}) {
			t.Errorf("%s %q, want [client1]", name, list)
		}
	}
	if !reflect.DeepEqual(v.Disks, whole.Disks) || !reflect.DeepEqual(v.DRBD, whole.DRBD) || !reflect.DeepEqual(v.GNBD.Exports, whole.GNBD.Exports) {
		t.Error("the view lost part of the servers' disks, pairs or exports")
	}
	if v.CLVM.Creator != whole.CLVM.Creator || v.GFS2.LockTable != whole.GFS2.LockTable || !reflect.DeepEqual(v.Approvals, whole.Approvals) {
		t.Error("the view changed a setting")
	}
	if !slices.Equal(loaded.Ref.Focus, []string{"client1.example.org"}) {
		t.Errorf("the loaded reference's focus %q, want the request's, for the children", loaded.Ref.Focus)
	}
	// The view is a copy: the whole runbook loads as before.
	if again := load(t, c, runbooks.Ref{Runbook: "scalable-storage"}).Runbook; !reflect.DeepEqual(again, whole) {
		t.Error("loading a view changed the whole runbook")
	}
}

// A child handed the loaded reference loads the same view, from the pins
// directory's copy.
func TestFocusHandedOn(t *testing.T) {
	c := &runbooks.Catalog{Pins: t.TempDir()}
	first := load(t, c, focused(thousand(t), clientFQDN(7), clientFQDN(8)))
	if first.Ref.YAML != "" || first.Ref.Digest == "" {
		t.Fatalf("reference %+v: want the digest alone", first.Ref)
	}
	child := load(t, c, first.Ref)
	if !reflect.DeepEqual(child, first) {
		t.Error("a child handed the loaded reference loaded another view")
	}
}

// A focus host the runbook does not have, or names by its short name, is
// invalid input, named.
func TestFocusRefusesAHostNotInTheRunbook(t *testing.T) {
	c := &runbooks.Catalog{}
	for _, host := range []string{"client9.example.org", "client0"} {
		_, err := c.Load(runbooks.Ref{Runbook: "scalable-storage", Focus: []string{"client0.example.org", host}})
		if !errors.Is(err, runbooks.ErrInvalid) || !strings.Contains(err.Error(), "focus[1]") || !strings.Contains(err.Error(), host) {
			t.Errorf("focus on %s: %v, want ErrInvalid naming focus[1] and the host", host, err)
		}
	}
}

func TestRefCheckBoundsTheFocus(t *testing.T) {
	many := make([]string, runbooks.MaxFocus+1)
	for j := range many {
		many[j] = clientFQDN(j)
	}
	for _, tc := range []struct {
		focus []string
		want  string // "" for none
	}{
		{many[:runbooks.MaxFocus], ""},
		{many, "focus: 33 hosts, at most 32"},
		{[]string{clientFQDN(0), "client1"}, "focus[1]: "},
		{[]string{clientFQDN(0), "Client1.example.org"}, "focus[1]: "},
		{[]string{""}, "focus[0]: "},
		{[]string{clientFQDN(0), clientFQDN(1), clientFQDN(0)}, "focus[2]: "},
	} {
		err := runbooks.Ref{Runbook: "scalable-storage", Focus: tc.focus}.Check()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("focus of %d hosts: %v", len(tc.focus), err)
		case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)):
			t.Errorf("focus %q: %v, want %q...", tc.focus, err, tc.want)
		}
	}
}

// asked is what the data path's per-client procedures (GNBDImport,
// Multipath, ClientBatch and the hostProc they share) ask of a runbook
// about one host.
type asked struct {
	Name        string
	Host        runbooks.Host
	HostFound   bool
	Cluster     string
	TwoNode     bool
	Node        runbooks.Node
	Servers     []runbooks.ExportServer
	Exports     []string
	Maps        []runbooks.Map
	Approvals   runbooks.Approvals
	Imports     bool
	Multipaths  bool
	Clvmd       bool
	Mounts      bool
	ExportsHere []runbooks.Export
	Pair        runbooks.DRBDResource
	LVPath      string
}

func ask(rb *runbooks.Runbook, fqdn string) asked {
	a := asked{Name: rb.Name, Servers: rb.ExportServers(), Exports: rb.ExportNames(), Maps: rb.Maps(), Approvals: rb.Approvals, LVPath: rb.LVPath()}
	a.Host, a.HostFound = rb.Lookup(fqdn)
	if c, ok := rb.ClusterOf(a.Host.Name); ok {
		a.Cluster, a.TwoNode = c.Name, c.TwoNode
		a.Node = c.Nodes[slices.IndexFunc(c.Nodes, func(n runbooks.Node) bool { return n.Host == a.Host.Name })]
	}
	s := rb.Stack()
	a.Imports = slices.Contains(s.Importers, fqdn)
	a.Multipaths = slices.Contains(s.Multipath, fqdn)
	a.Clvmd = slices.Contains(s.CLVM, fqdn)
	a.Mounts = slices.Contains(s.Mounts, fqdn)
	a.ExportsHere = rb.ExportsOf(a.Host.Name)
	a.Pair, _ = rb.PairOn(fqdn)
	return a
}

// A view answers what the per-client procedures ask about its hosts as
// the whole runbook does: clients of the volume's cluster and of others,
// the first and last of a cluster, alone or a batch's twelve.
func TestFocusAnswersAsTheWhole(t *testing.T) {
	c := &runbooks.Catalog{}
	ref := thousand(t)
	whole := load(t, c, ref).Runbook
	batch := make([]string, 12)
	for j := range batch {
		batch[j] = clientFQDN(490 + j)
	}
	for _, focus := range [][]string{{clientFQDN(0)}, {clientFQDN(14)}, {clientFQDN(15)}, {clientFQDN(500)}, {clientFQDN(999)}, batch} {
		v := load(t, c, focused(ref, focus...)).Runbook
		for _, h := range append(focus, "storage0a.example.org", "storage1b.example.org") {
			if got, want := ask(v, h), ask(whole, h); !reflect.DeepEqual(got, want) {
				t.Errorf("focus %s: %s: the view answers\n%+v\nthe whole runbook\n%+v", focus[0], h, got, want)
			}
		}
		// What ClientBatch checks its hosts against, and what it brings up.
		s, ws := v.Stack(), whole.Stack()
		inFocus := func(h string) bool { return slices.Contains(focus, h) }
		if want := slices.DeleteFunc(slices.Clone(ws.Importers), func(h string) bool { return !inFocus(h) }); !slices.Equal(s.Importers, want) {
			t.Errorf("focus %s: importers %q, want %q", focus[0], s.Importers, want)
		}
		if want := slices.DeleteFunc(slices.Clone(ws.Multipath), func(h string) bool { return !inFocus(h) }); !slices.Equal(s.Multipath, want) {
			t.Errorf("focus %s: multipath clients %q, want %q", focus[0], s.Multipath, want)
		}
		if !slices.Equal(s.Exporters, ws.Exporters) || !slices.Equal(s.DRBD, ws.DRBD) {
			t.Errorf("focus %s: servers %q %q, want %q %q", focus[0], s.Exporters, s.DRBD, ws.Exporters, ws.DRBD)
		}
		if n := len(v.Hosts); n != len(focus)+4 {
			t.Errorf("focus %s: %d hosts, want the %d of the focus and the 4 servers", focus[0], n, len(focus))
		}
	}
}

// size is the JSON of what a run's history records when it loads ref.
func size(t *testing.T, c *runbooks.Catalog, ref runbooks.Ref) int {
	t.Helper()
	b, err := json.Marshal(load(t, c, ref))
	if err != nil {
		t.Fatal(err)
	}
	return len(b)
}

// A per-client child of a thousand-client data path records its own part
// of the runbook, well under the 64 KiB a payload should keep to.
func TestFocusedViewOfAThousandClientsIsSmall(t *testing.T) {
	const bound = 16 << 10
	c := &runbooks.Catalog{Pins: t.TempDir()}
	ref := thousand(t)
	batch := make([]string, 12)
	for j := range batch {
		batch[j] = clientFQDN(500 + j)
	}
	whole, one, twelve := size(t, c, ref), size(t, c, focused(ref, clientFQDN(500))), size(t, c, focused(ref, batch...))
	t.Logf("Loaded of 1,000 clients, as JSON: whole %d bytes, focused on one client %d, on twelve %d", whole, one, twelve)
	if one > bound {
		t.Errorf("focused on one client, Loaded is %d bytes of JSON, want at most %d", one, bound)
	}
	if twelve > 4*bound {
		t.Errorf("focused on a batch of twelve, Loaded is %d bytes of JSON, want at most %d", twelve, 4*bound)
	}
}
