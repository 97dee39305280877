package kmod

import (
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

func TestLoadUnload(t *testing.T) {
	h := host.Host{Lab: t.TempDir(), FQDN: "a.example.org"}
	h.Root = host.Root(h.Lab, h.FQDN)
	for _, step := range []struct {
		do   func() error
		want map[string]bool
	}{
		{func() error { return nil }, map[string]bool{"drbd": false}},
		{func() error { return Load(h, "drbd", 242384) }, map[string]bool{"drbd": true, "gnbd": false}},
		{func() error { return Load(h, "drbd", 242384) }, map[string]bool{"drbd": true}},
		{func() error { return Load(h, "gnbd", 48776) }, map[string]bool{"drbd": true, "gnbd": true}},
		{func() error { return Unload(h, "drbd") }, map[string]bool{"drbd": false, "gnbd": true}},
	} {
		if err := step.do(); err != nil {
			t.Fatal(err)
		}
		for mod, want := range step.want {
			if got, err := Loaded(h, mod); got != want || err != nil {
				t.Errorf("Loaded(%s) = %v, %v; want %v", mod, got, err, want)
			}
		}
	}
}
