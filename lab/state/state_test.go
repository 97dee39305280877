package state

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestLockExcludes(t *testing.T) {
	lab := t.TempDir()
	unlock, err := Lock(lab)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(Dir(lab), "lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != syscall.EWOULDBLOCK {
		t.Fatalf("a second lock while held: %v", err)
	}
	unlock()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatalf("lock after release: %v", err)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b.json")
	v := map[string]int{"x": 1}
	if err := ReadJSON(path, &v); err != nil || v["x"] != 1 {
		t.Fatalf("a missing file: %v, %v", v, err)
	}
	if err := WriteJSON(path, map[string]int{"y": 2}); err != nil {
		t.Fatal(err)
	}
	var got map[string]int
	if err := ReadJSON(path, &got); err != nil || got["y"] != 2 {
		t.Fatalf("got %v, %v", got, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	os.WriteFile(path, []byte("{"), 0o644)
	if err := ReadJSON(path, &got); err == nil {
		t.Error("a torn file read fine")
	}
}

func TestHostFiles(t *testing.T) {
	lab := t.TempDir()
	type maps struct{ Maps []string }
	for _, fqdn := range []string{"a.example.org", "b.example.org"} {
		err := ChangeHost(lab, "mp", fqdn, func(m *maps) error {
			m.Maps = append(m.Maps, "of "+fqdn)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Each host's change is in its own file.
	for _, fqdn := range []string{"a.example.org", "b.example.org"} {
		var m maps
		if err := ReadJSON(filepath.Join(Dir(lab), "mp", fqdn+".json"), &m); err != nil || len(m.Maps) != 1 || m.Maps[0] != "of "+fqdn {
			t.Errorf("%s: %+v, %v", fqdn, m, err)
		}
	}
	// A state left as it was is not written again.
	aPath, _ := HostPath(lab, "mp", "a.example.org")
	before, _ := os.Stat(aPath)
	if err := ChangeHost(lab, "mp", "a.example.org", func(*maps) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if after, err := os.Stat(aPath); err != nil || !os.SameFile(before, after) {
		t.Errorf("an unchanged state was written again: %v", err)
	}
	// Looking at a host without state writes no file for it.
	if err := ChangeHost(lab, "mp", "c.example.org", func(*maps) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if hosts, err := Hosts(lab, "mp"); err != nil || len(hosts) != 2 || hosts[0] != "a.example.org" || hosts[1] != "b.example.org" {
		t.Errorf("hosts: %v, %v", hosts, err)
	}
	if m, err := LoadHost[maps](lab, "mp", "c.example.org"); err != nil || m.Maps != nil {
		t.Errorf("a host without a file: %+v, %v", m, err)
	}
}

func TestHostPathRefusesPaths(t *testing.T) {
	for _, name := range []string{"", "..", "../x", "a/b", ".hidden", "a..b"} {
		if _, err := HostPath(t.TempDir(), "mp", name); err == nil {
			t.Errorf("%q makes a path", name)
		}
		if _, err := LoadHost[struct{}](t.TempDir(), "mp", name); err == nil {
			t.Errorf("%q loads", name)
		}
	}
	if _, err := HostPath(t.TempDir(), "../mp", "a"); err == nil {
		t.Error("a kind with .. makes a path")
	}
}
