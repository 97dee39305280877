package blockdev

import (
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

func TestCreateGetRemove(t *testing.T) {
	h := host.Host{Lab: t.TempDir(), FQDN: "a.example.org"}
	h.Root = host.Root(h.Lab, h.FQDN)
	if _, ok, err := Get(h, "/dev/xvdb"); ok || err != nil {
		t.Fatalf("a fresh host has /dev/xvdb: %v %v", ok, err)
	}
	want := Device{Sectors: 2097152, Major: 202, Minor: 16}
	if err := Create(h, "/dev/xvdb", want); err != nil {
		t.Fatal(err)
	}
	got, ok, err := Get(h, "/dev/xvdb")
	if !ok || err != nil || got != want {
		t.Errorf("got %+v %v %v, want %+v", got, ok, err, want)
	}
	if err := Remove(h, "/dev/xvdb"); err != nil {
		t.Fatal(err)
	}
	if err := Remove(h, "/dev/xvdb"); err != nil {
		t.Errorf("removing a missing device: %v", err)
	}
	if _, ok, _ := Get(h, "/dev/xvdb"); ok {
		t.Error("device still there after Remove")
	}
}
