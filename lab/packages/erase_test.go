package packages

import (
	"os"
	"testing"
)

func TestErase(t *testing.T) {
	h := newHost(t)
	if r := run(h, Yum, "", "-y", "install", "cman", "device-mapper-multipath"); r.exit != 0 {
		t.Fatalf("yum: %+v", r)
	}
	// What cman requires goes alone: no dependency is followed.
	if err := Erase(h, "openais"); err != nil {
		t.Fatal(err)
	}
	if r := run(h, Rpm, "", "-q", "openais", "cman"); r.exit != 1 || r.stdout != "package openais is not installed\ncman-2.0.84-2.el5\n" {
		t.Errorf("rpm -q after erasing openais: %+v", r)
	}
	if err := Erase(h, "cman"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(h.Path("/sbin/cman_tool")); !os.IsNotExist(err) {
		t.Errorf("/sbin/cman_tool outlived cman: %v", err)
	}
	if err := Erase(h, "cman"); err == nil || err.Error() != "package cman is not installed" {
		t.Errorf("erasing it twice: %v", err)
	}
	// An unchanged config file goes, a changed one stays.
	if err := Erase(h, "device-mapper-multipath"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(h.Path("/etc/multipath.conf")); !os.IsNotExist(err) {
		t.Errorf("an unchanged multipath.conf stayed: %v", err)
	}
	if r := run(h, Yum, "", "-y", "install", "cman", "device-mapper-multipath"); r.exit != 0 {
		t.Fatalf("yum install again: %+v", r)
	}
	os.WriteFile(h.Path("/etc/multipath.conf"), []byte("defaults { }\n"), 0o644)
	if err := Erase(h, "device-mapper-multipath"); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(h.Path("/etc/multipath.conf")); string(data) != "defaults { }\n" {
		t.Errorf("a changed multipath.conf: %q", data)
	}
	if _, err := os.Lstat(h.Path("/sbin/cman_tool")); err != nil {
		t.Errorf("yum install gave no /sbin/cman_tool back: %v", err)
	}
}
