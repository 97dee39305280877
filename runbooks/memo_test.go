package runbooks_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/scale"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// manyClients writes a runbook of n clients into a catalog directory as
// "many", and returns the catalog, pinning.
func manyClients(t testing.TB, n int) (*runbooks.Catalog, []byte) {
	t.Helper()
	data, err := scale.YAML(scale.Options{Clients: n})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "many.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return &runbooks.Catalog{Dir: dir, Pins: t.TempDir()}, data
}

// A kept runbook is shared by the loads of its version: focusing one,
// loading with overrides, loading another version, or all of these at
// once, must leave what the next load gets as a fresh parse gives it.
func TestLoadsShareNoChange(t *testing.T) {
	c, data := manyClients(t, 40)
	first, err := c.Load(runbooks.Ref{Runbook: "many"})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := runbooks.Parse(first.Ref.Source, data)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 16 {
		wg.Go(func() {
			ref := first.Ref
			ref.Focus = []string{fmt.Sprintf("client%d.example.org", i+1)}
			if i%4 == 0 {
				ref.Overrides = json.RawMessage(`{"description": "for tonight"}`)
			}
			l, err := c.Load(ref)
			if err != nil {
				errs <- err
				return
			}
			if len(l.Runbook.Hosts) >= len(fresh.Hosts) {
				errs <- fmt.Errorf("focus %s: %d hosts, not a view of the %d", ref.Focus[0], len(l.Runbook.Hosts), len(fresh.Hosts))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	again, err := c.Load(first.Ref)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.Runbook, fresh) {
		t.Error("the whole runbook loaded after views and overrides of it is not what a fresh parse gives")
	}
	over, err := c.Load(runbooks.Ref{Digest: first.Ref.Digest, Overrides: json.RawMessage(`{"description": "for tonight"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if over.Runbook.Description != "for tonight" || again.Runbook.Description == "for tonight" {
		t.Errorf("overrides: description %q with them, %q without", over.Runbook.Description, again.Runbook.Description)
	}
}

// A catalog file changed between loads is read again: the runbook kept is
// the old version's, named by its content, not by its name.
func TestLoadsSeeAChangedFile(t *testing.T) {
	c, _ := manyClients(t, 20)
	before, err := c.Load(runbooks.Ref{Runbook: "many"})
	if err != nil {
		t.Fatal(err)
	}
	more, err := scale.YAML(scale.Options{Clients: 21})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(c.Dir, "many.yaml"), more, 0o644); err != nil {
		t.Fatal(err)
	}
	after, err := c.Load(runbooks.Ref{Runbook: "many"})
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Runbook.Hosts) != len(before.Runbook.Hosts)+1 || after.Ref.Digest == before.Ref.Digest {
		t.Errorf("after the file changed: %d hosts (digest %s), before %d (digest %s)", len(after.Runbook.Hosts), after.Ref.Digest, len(before.Runbook.Hosts), before.Ref.Digest)
	}
	// The old version still loads by its digest, as a run on it does.
	old, err := c.Load(before.Ref)
	if err != nil || len(old.Runbook.Hosts) != len(before.Runbook.Hosts) {
		t.Errorf("the old version by digest: %v, %v", old.Runbook, err)
	}
}

// BenchmarkLoad is what a thousand-client build's child pays to load its
// client's view of the runbook.
func BenchmarkLoad(b *testing.B) {
	c, _ := manyClients(b, 1000)
	whole, err := c.Load(runbooks.Ref{Runbook: "many"})
	if err != nil {
		b.Fatal(err)
	}
	ref := whole.Ref
	ref.Focus = []string{"client7.example.org"}
	for b.Loop() {
		if _, err := c.Load(ref); err != nil {
			b.Fatal(err)
		}
	}
}
