package runbooks

import (
	"reflect"
	"testing"
)

func blog(t *testing.T) *Runbook {
	t.Helper()
	loaded, err := (&Catalog{}).Load(Ref{Runbook: "scalable-storage"})
	if err != nil {
		t.Fatal(err)
	}
	return loaded.Runbook
}

func TestStackOfTheBlogsBuild(t *testing.T) {
	rb := blog(t)
	storage := []string{"storage0a.example.org", "storage0b.example.org", "storage1a.example.org", "storage1b.example.org"}
	clients := []string{"client0.example.org", "client1.example.org"}
	want := Stack{
		Nodes:     append(append([]string{}, storage...), clients...),
		DRBD:      storage,
		Exporters: storage,
		Importers: clients,
		Multipath: clients,
		CLVM:      clients,
		Mounts:    clients,
	}
	if got := rb.Stack(); !reflect.DeepEqual(got, want) {
		t.Errorf("Stack() = %+v\nwant %+v", got, want)
	}
}

func TestQueriesOfThePairs(t *testing.T) {
	rb := blog(t)
	if got := rb.Maps(); len(got) != 2 || got[0].UID != 0 || len(got[0].Exports) != 2 || got[1].UID != 1 {
		t.Errorf("Maps() = %+v, want one map per pair over its two exports", got)
	}
	servers := rb.ExportServers()
	if len(servers) != 4 || servers[0].FQDN != "storage0a.example.org" {
		t.Errorf("ExportServers() = %+v", servers)
	}
	r, ok := rb.PairOn("storage1b.example.org")
	if !ok || rb.ClusterOfPair(r) != "storage1" {
		t.Errorf("PairOn(storage1b) = %+v, %v; want the pair of cluster storage1", r, ok)
	}
	if _, ok := rb.PairOn("client0"); ok {
		t.Error("a client serves no DRBD pair")
	}
	if p, ok := rb.PairOf("storage0", ""); !ok || p.Hosts[0] != "storage0a" {
		t.Errorf("PairOf(storage0) = %+v, %v", p, ok)
	}
	if _, ok := rb.PairOf("client", ""); ok {
		t.Error("the client cluster has no pair")
	}
	if got := rb.LVPath(); got != "/dev/VG0/LV0" {
		t.Errorf("LVPath() = %q", got)
	}
}
