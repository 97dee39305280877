package runbooks

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// site is a catalog with a site runbook of its own and a pins directory.
func site(t *testing.T) (Catalog, string, []byte) {
	t.Helper()
	_, data, err := Open("scalable-storage")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	data = []byte(strings.Replace(string(data), "name: scalable-storage", "name: site", 1))
	file := filepath.Join(dir, "site.yaml")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return Catalog{Dir: dir, Pins: filepath.Join(dir, ".pinned")}, file, data
}

// With a pins directory, a loaded runbook's reference is its digest, and
// the version it names is what a child loads, whatever the catalog holds
// by then.
func TestPinnedVersionOutlivesTheCatalogsChange(t *testing.T) {
	c, file, data := site(t)
	first, err := c.Load(Ref{Runbook: "site"})
	if err != nil {
		t.Fatal(err)
	}
	if first.Ref.YAML != "" || first.Ref.Digest != Digest(data) {
		t.Fatalf("pinned reference %+v: want the digest %s and no YAML", first.Ref, Digest(data))
	}
	changed := strings.Replace(string(data), "journals: 4", "journals: 6", 1)
	if changed == string(data) {
		t.Fatal("no journals: 4 to change: the test proves nothing")
	}
	if err := os.WriteFile(file, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	child, err := c.Load(first.Ref)
	if err != nil {
		t.Fatal(err)
	}
	if child.Runbook.GFS2.Journals != 4 || child.Ref.Digest != first.Ref.Digest {
		t.Errorf("a child loaded journals %d, digest %s: want the run's version (4, %s)", child.Runbook.GFS2.Journals, child.Ref.Digest, first.Ref.Digest)
	}
	// Another orchestrator sharing the pins, without the catalog.
	other := Catalog{Pins: c.Pins}
	if got, err := other.Load(first.Ref); err != nil || got.Runbook.GFS2.Journals != 4 {
		t.Errorf("another orchestrator with the same pins: %v", err)
	}
	// A new run takes the new version.
	if now, err := c.Load(Ref{Runbook: "site"}); err != nil || now.Runbook.GFS2.Journals != 6 {
		t.Errorf("a new run after the change: %v", err)
	}
}

// A version that is neither the catalog's nor kept, or whose kept copy
// changed, is refused as invalid, naming the digest: no retry brings it
// back, and no other version is taken for it.
func TestPinnedVersionMissingOrDamaged(t *testing.T) {
	c, file, data := site(t)
	first, err := c.Load(Ref{Runbook: "site"})
	if err != nil {
		t.Fatal(err)
	}
	pin := c.pinPath(first.Ref.Digest)
	// Unchanged catalog: the kept copy is not needed.
	if err := os.Remove(pin); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Load(first.Ref); err != nil {
		t.Errorf("the catalog still holds the version: %v", err)
	}
	if _, err := os.Stat(pin); err != nil {
		t.Errorf("loading the version kept it again: %v", err)
	}
	if err := os.Remove(pin); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, append(data, "\n# changed\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Load(first.Ref); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), first.Ref.Digest) {
		t.Errorf("a version in neither place: %v, want ErrInvalid naming the digest", err)
	}
	if err := os.WriteFile(pin, append(data, ' '), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Load(first.Ref); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("a damaged copy: %v, want ErrInvalid, damaged", err)
	}
	// Loading the version from where it still is keeps it whole again.
	if _, err := c.Load(Ref{YAML: string(data)}); err != nil {
		t.Fatal(err)
	}
	if kept, err := os.ReadFile(pin); err != nil || Digest(kept) != first.Ref.Digest {
		t.Errorf("the damaged copy was not written again: %v", err)
	}
}

// A runbook given as YAML is kept too; without a pins directory the
// reference hands on the YAML, as before pins.
func TestPinningYAMLAndWithoutPins(t *testing.T) {
	c, _, data := site(t)
	inline, err := c.Load(Ref{YAML: string(data), Source: "mine.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if inline.Ref.YAML != "" || inline.Ref.Digest != Digest(data) || inline.Ref.Source != "mine.yaml" {
		t.Errorf("the reference of a YAML runbook: %+v", inline.Ref)
	}
	if _, err := (&Catalog{Pins: c.Pins}).Load(inline.Ref); err != nil {
		t.Errorf("its version from the pins alone: %v", err)
	}
	plain, err := (&Catalog{Dir: c.Dir}).Load(Ref{Runbook: "site"})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Ref.YAML != string(data) || plain.Ref.Digest != "" {
		t.Errorf("without pins the reference carries the YAML: %+v", plain.Ref)
	}
	// Pins that cannot be written: the YAML again, and the run goes on.
	blocked := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocked, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := (&Catalog{Dir: c.Dir, Pins: filepath.Join(blocked, "pins")}).Load(Ref{Runbook: "site"}); err != nil || got.Ref.YAML == "" {
		t.Errorf("unwritable pins: %+v, %v; want the YAML handed on", got.Ref, err)
	}
}

// A digest from outside is checked before it reaches a path.
func TestDigestRefused(t *testing.T) {
	c, _, data := site(t)
	for name, ref := range map[string]Ref{
		"not hex":          {Runbook: "site", Digest: "sha256:../../etc/passwd"},
		"other hash":       {Runbook: "site", Digest: "md5:" + strings.Repeat("a", 32)},
		"upper case":       {Runbook: "site", Digest: strings.ToUpper(Digest(data))},
		"not the YAML's":   {YAML: string(data), Digest: Digest([]byte("other"))},
		"hostile name too": {Runbook: "../site", Digest: Digest(data)},
	} {
		if _, err := c.Load(ref); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if err := (Ref{Digest: "sha256:xyz"}).Check(); err == nil || !strings.Contains(err.Error(), "digest") {
		t.Errorf("Check of a bad digest: %v", err)
	}
}
