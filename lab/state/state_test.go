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
