package coreutils

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/kmod"
	"github.com/tetsuzuki/tetsuzuki/lab/kmsg"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

func newHost(t *testing.T, installed ...string) host.Host {
	t.Helper()
	lab := t.TempDir()
	h := host.Host{Lab: lab, FQDN: "storage0a.example.org", Root: host.Root(lab, "storage0a.example.org")}
	if err := host.Mark(lab, h.FQDN); err != nil {
		t.Fatal(err)
	}
	var db strings.Builder
	for _, name := range installed {
		db.WriteString(packages.Catalogue[name].NVR() + "\n")
	}
	if err := os.MkdirAll(h.Path("/var/lib/rpm"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(h.Path(packages.DBPath), []byte(db.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return h
}

type result struct {
	stdout, stderr string
	exit           int
}

func run(h host.Host, tool func(*host.Proc) int, name string, args ...string) result {
	var out, errs bytes.Buffer
	p := &host.Proc{Host: h, Name: name, Args: args, Stdin: strings.NewReader("from stdin\n"), Stdout: &out, Stderr: &errs, Cwd: "/", Now: time.Now}
	exit := tool(p)
	return result{out.String(), errs.String(), exit}
}

func TestCat(t *testing.T) {
	h := newHost(t)
	os.MkdirAll(h.Path("/etc"), 0o755)
	os.WriteFile(h.Path("/etc/drbd.conf"), []byte("global { }\n"), 0o644)
	if r := run(h, Cat, "cat", "/etc/drbd.conf"); r.exit != 0 || r.stdout != "global { }\n" {
		t.Errorf("a file: %+v", r)
	}
	if r := run(h, Cat, "cat", "/etc/nosuch", "/etc/drbd.conf"); r.exit != 1 || r.stdout != "global { }\n" || r.stderr != "cat: /etc/nosuch: No such file or directory\n" {
		t.Errorf("a missing file then a file: %+v", r)
	}
	if r := run(h, Cat, "cat", "/etc"); r.exit != 1 || r.stderr != "cat: /etc: Is a directory\n" {
		t.Errorf("a directory: %+v", r)
	}
	if r := run(h, Cat, "cat"); r.exit != 0 || r.stdout != "from stdin\n" {
		t.Errorf("stdin: %+v", r)
	}
}

func TestCatProcFile(t *testing.T) {
	h := newHost(t)
	exists := false
	procFiles["/proc/lab-test"] = func(p *host.Proc) (string, bool, error) { return "live\n", exists, nil }
	defer delete(procFiles, "/proc/lab-test")
	if r := run(h, Cat, "cat", "/proc/lab-test"); r.exit != 1 || r.stderr != "cat: /proc/lab-test: No such file or directory\n" {
		t.Errorf("while absent: %+v", r)
	}
	exists = true
	if r := run(h, Cat, "cat", "/proc/lab-test"); r.exit != 0 || r.stdout != "live\n" {
		t.Errorf("while present: %+v", r)
	}
}

func TestModprobeNeedsThePackage(t *testing.T) {
	h := newHost(t)
	if r := run(h, Modprobe, "modprobe", "drbd"); r.exit != 1 || r.stderr != "FATAL: Module drbd not found.\n" {
		t.Errorf("without kmod-drbd82-xen: %+v", r)
	}
	if r := run(h, Modprobe, "modprobe", "frobnicate"); r.exit != 1 || r.stderr != "FATAL: Module frobnicate not found.\n" {
		t.Errorf("unknown module: %+v", r)
	}
	if r := run(h, Modprobe, "modprobe", "dm-multipath"); r.exit != 0 {
		t.Errorf("a kernel module: %+v", r)
	}
	if ok, _ := kmod.Loaded(h, "dm_multipath"); !ok {
		t.Error("dm-multipath is not loaded as dm_multipath")
	}
}

func TestModprobeLoadAndRemove(t *testing.T) {
	h := newHost(t, "kmod-drbd82-xen", "kmod-gnbd-xen")
	if r := run(h, Modprobe, "/sbin/modprobe", "drbd", "minor_count=1"); r.exit != 0 || r.stdout+r.stderr != "" {
		t.Fatalf("modprobe drbd: %+v", r)
	}
	if data, _ := os.ReadFile(h.Path("/sys/module/drbd/parameters/minor_count")); string(data) != "1\n" {
		t.Errorf("minor_count: %q", data)
	}
	if r := run(h, Modprobe, "modprobe", "drbd"); r.exit != 0 {
		t.Errorf("loading again: %+v", r)
	}
	run(h, Modprobe, "modprobe", "gnbd")
	if r := run(h, Lsmod, "lsmod"); r.stdout != "Module                  Size  Used by\ndrbd                  242384  0\ngnbd                   48776  0\n" {
		t.Errorf("lsmod:\n%s", r.stdout)
	}

	busy := true
	inUse["drbd"] = func(host.Host) (bool, error) { return busy, nil }
	defer func(fn func(host.Host) (bool, error)) { inUse["drbd"] = fn }(inUse["drbd"])
	if r := run(h, Modprobe, "modprobe", "-r", "drbd"); r.exit != 1 || r.stderr != "FATAL: Module drbd is in use.\n" {
		t.Errorf("remove while in use: %+v", r)
	}
	busy = false
	if r := run(h, Modprobe, "modprobe", "-r", "drbd"); r.exit != 0 {
		t.Errorf("remove: %+v", r)
	}
	if ok, _ := kmod.Loaded(h, "drbd"); ok {
		t.Error("drbd still loaded")
	}
	if _, err := os.Stat(h.Path("/sys/module/drbd")); !os.IsNotExist(err) {
		t.Errorf("/sys/module/drbd left: %v", err)
	}
	if r := run(h, Modprobe, "modprobe", "-r", "drbd"); r.exit != 0 || r.stderr != "" {
		t.Errorf("removing a module that is not loaded: %+v", r)
	}
	if r := run(h, Modprobe, "modprobe"); r.exit != 1 || !strings.HasPrefix(r.stderr, "Usage: modprobe ") {
		t.Errorf("no module: %+v", r)
	}
}

func TestHuman(t *testing.T) {
	for kb, want := range map[int64]string{0: "0", 512: "512K", 1023: "1023K", 1024: "1.0M", 1536: "1.5M", 530000: "518M", 2088932: "2.0G", 10239: "10M", 3132400: "3.0G"} {
		if got := human(kb); got != want {
			t.Errorf("human(%d): %q, want %q", kb, got, want)
		}
	}
}

func TestDmesg(t *testing.T) {
	h := newHost(t)
	if r := run(h, Dmesg, "dmesg"); r.exit != 0 || r.stdout+r.stderr != "" {
		t.Errorf("an empty buffer: %+v", r)
	}
	err := state.With(h.Lab, func() error {
		return kmsg.Append(h.Lab, kmsg.Printf(h.FQDN, kmsg.Alert, "drbd0: Split-Brain detected, dropping connection!"), kmsg.Printf(h.FQDN, kmsg.Info, "second"))
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "drbd0: Split-Brain detected, dropping connection!\nsecond\n"
	if r := run(h, Dmesg, "dmesg"); r.exit != 0 || r.stdout != want {
		t.Errorf("dmesg: %+v", r)
	}
	if r := run(h, Dmesg, "dmesg", "-n", "1"); r.exit != 0 || r.stdout != "" {
		t.Errorf("dmesg -n: %+v", r)
	}
	if r := run(h, Dmesg, "dmesg", "-x"); r.exit != 1 || r.stderr != "dmesg: invalid option -- x\nUsage: dmesg [-c] [-n level] [-s bufsize]\n" {
		t.Errorf("a bad option: %+v", r)
	}
	if r := run(h, Dmesg, "/bin/dmesg", "a", "b"); r.exit != 1 || r.stderr != "Usage: /bin/dmesg [-c] [-n level] [-s bufsize]\n" {
		t.Errorf("two operands: %+v", r)
	}
	if r := run(h, Dmesg, "dmesg", "-c"); r.exit != 0 || r.stdout != want {
		t.Errorf("dmesg -c: %+v", r)
	}
	if r := run(h, Dmesg, "dmesg"); r.exit != 0 || r.stdout != "" {
		t.Errorf("after -c: %+v", r)
	}
}
