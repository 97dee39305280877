package host

import (
	"os"
	"path/filepath"
	"testing"
)

func makeLab(t *testing.T, fqdns ...string) string {
	t.Helper()
	lab := t.TempDir()
	for _, f := range fqdns {
		if err := os.MkdirAll(filepath.Join(Root(lab, f), "sbin"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := Mark(lab, f); err != nil {
			t.Fatal(err)
		}
	}
	return lab
}

func TestFindWalksUpWithoutResolvingTheLink(t *testing.T) {
	lab := makeLab(t, "storage0a.example.org")
	tool := filepath.Join(Root(lab, "storage0a.example.org"), "sbin", "cman_tool")
	// The link points outside the lab, as it points at the lab binary.
	if err := os.Symlink("/bin/true", tool); err != nil {
		t.Fatal(err)
	}
	h, err := Find(tool)
	if err != nil {
		t.Fatal(err)
	}
	if h.FQDN != "storage0a.example.org" || h.Lab != lab || h.Root != Root(lab, "storage0a.example.org") {
		t.Errorf("got %+v", h)
	}
	if got := h.HostPath(tool); got != "/sbin/cman_tool" {
		t.Errorf("HostPath: %s", got)
	}

	// Found on PATH, as exec.Command("cman_tool") would.
	t.Setenv("PATH", filepath.Dir(tool))
	if h2, err := Find("cman_tool"); err != nil || h2 != h {
		t.Errorf("by PATH: %+v, %v", h2, err)
	}
	if _, err := Find("/bin/true"); err == nil {
		t.Error("a binary outside any lab host found a host")
	}
}

func TestPathStaysInsideTheRoot(t *testing.T) {
	h := Host{Root: "/lab/hosts/a"}
	for in, want := range map[string]string{
		"/etc/cluster/cluster.conf": "/lab/hosts/a/etc/cluster/cluster.conf",
		"/../../etc/passwd":         "/lab/hosts/a/etc/passwd",
		"etc/hosts":                 "/lab/hosts/a/etc/hosts",
	} {
		if got := h.Path(in); got != want {
			t.Errorf("Path(%s) = %s, want %s", in, got, want)
		}
	}
	if got := h.HostPath("/lab/hosts/b/etc"); got != "" {
		t.Errorf("HostPath outside: %q", got)
	}
}

func TestOpen(t *testing.T) {
	lab := makeLab(t, "storage0a.example.org", "node1.example.org", "node1.example.com")
	if h, err := Open(lab, "storage0a"); err != nil || h.FQDN != "storage0a.example.org" {
		t.Errorf("short name: %+v, %v", h, err)
	}
	if h, err := Open(lab, "node1.example.com"); err != nil || h.FQDN != "node1.example.com" {
		t.Errorf("fqdn: %+v, %v", h, err)
	}
	if _, err := Open(lab, "node1"); err == nil {
		t.Error("an ambiguous short name was accepted")
	}
	if _, err := Open(lab, "client0"); err == nil {
		t.Error("a host not in the lab was accepted")
	}
	// A name is looked up as a host of the lab, never as a path: the
	// hosts directory has a marker of no host.
	for _, name := range []string{"..", ".", "", "../hosts/storage0a.example.org", "storage0a.example.org/"} {
		if h, err := Open(lab, name); err == nil {
			t.Errorf("%q opened as %+v", name, h)
		}
	}
}
