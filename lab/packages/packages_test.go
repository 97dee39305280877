package packages

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// newHost makes a one-host lab in a temporary directory.
func newHost(t *testing.T) host.Host {
	t.Helper()
	lab := t.TempDir()
	h := host.Host{Lab: lab, FQDN: "storage0a.example.org", Root: host.Root(lab, "storage0a.example.org")}
	if err := os.MkdirAll(h.Root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := host.Mark(lab, h.FQDN); err != nil {
		t.Fatal(err)
	}
	return h
}

type result struct {
	stdout, stderr string
	exit           int
}

func run(h host.Host, tool func(*host.Proc) int, stdin string, args ...string) result {
	var out, errs bytes.Buffer
	p := &host.Proc{Host: h, Name: "tool", Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errs, Cwd: "/", Binary: "/lab/bin/lab"}
	exit := tool(p)
	return result{out.String(), errs.String(), exit}
}

const installCman = `Loaded plugins: fastestmirror
Setting up Install Process
Parsing package install arguments
Resolving Dependencies
--> Running transaction check
---> Package cman.i386 0:2.0.84-2.el5 set to be updated
--> Processing Dependency: openais for package: cman
--> Running transaction check
---> Package openais.i386 0:0.80.3-15.el5 set to be updated
--> Finished Dependency Resolution

Dependencies Resolved

=============================================================================
 Package                 Arch       Version          Repository        Size 
=============================================================================
Installing:
 cman                    i386       2.0.84-2.el5     base              648 k
Installing for dependencies:
 openais                 i386       0.80.3-15.el5    base              359 k

Transaction Summary
=============================================================================
Install      2 Package(s)         
Update       0 Package(s)         
Remove       0 Package(s)         

Total download size: 1.0 M
Downloading Packages:
Running rpm_check_debug
Running Transaction Test
Finished Transaction Test
Transaction Test Succeeded
Running Transaction
  Installing: openais                      ######################### [1/2] 
  Installing: cman                         ######################### [2/2] 

Installed: cman.i386 0:2.0.84-2.el5
Dependency Installed: openais.i386 0:0.80.3-15.el5
Complete!
`

func TestInstallCman(t *testing.T) {
	h := newHost(t)
	r := run(h, Yum, "", "-y", "install", "cman")
	if r.exit != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.exit, r.stderr)
	}
	if r.stdout != installCman {
		t.Errorf("got\n%s\nwant\n%s", r.stdout, installCman)
	}
	for _, l := range []string{"/sbin/ccs_tool", "/sbin/cman_tool", "/etc/init.d/cman"} {
		if target, err := os.Readlink(h.Path(l)); err != nil || target != "/lab/bin/lab" {
			t.Errorf("%s: link to %q, %v", l, target, err)
		}
	}
	if fi, err := os.Stat(h.Path("/etc/cluster")); err != nil || !fi.IsDir() {
		t.Errorf("/etc/cluster: %v", err)
	}
	r = run(h, Rpm, "", "-q", "cman", "openais")
	if r.exit != 0 || r.stdout != "cman-2.0.84-2.el5\nopenais-0.80.3-15.el5\n" {
		t.Errorf("rpm -q: %+v", r)
	}
}

func TestInstallAgainAndUnknown(t *testing.T) {
	h := newHost(t)
	run(h, Yum, "", "-y", "install", "gnbd")
	r := run(h, Yum, "", "-y", "install", "gnbd", "nosuchpkg")
	if r.exit != 0 {
		t.Errorf("exit %d", r.exit)
	}
	if !strings.Contains(r.stdout, "Package gnbd-1.1.5-1.el5.i386 already installed and latest version\nNothing to do\n") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	// yum 3.2 exits 0 for a package nobody carries; rpm tells the truth.
	if r.stderr != "No package nosuchpkg available.\n" {
		t.Errorf("stderr: %q", r.stderr)
	}
	r = run(h, Rpm, "", "-q", "nosuchpkg", "gnbd", "cman")
	if r.exit != 2 || r.stdout != "package nosuchpkg is not installed\ngnbd-1.1.5-1.el5\npackage cman is not installed\n" {
		t.Errorf("rpm -q: %+v", r)
	}
}

func TestInstallNeedsConfirmation(t *testing.T) {
	h := newHost(t)
	r := run(h, Yum, "", "install", "gnbd")
	if r.exit != 1 || !strings.HasSuffix(r.stdout, "Is this ok [y/N]: \nExiting on user Command\n") {
		t.Errorf("without -y and no input: exit %d\n%s", r.exit, r.stdout)
	}
	if ok, _ := Installed(h, "gnbd"); ok {
		t.Error("installed without confirmation")
	}
	r = run(h, Yum, "y\n", "install", "gnbd")
	if ok, _ := Installed(h, "gnbd"); r.exit != 0 || !ok {
		t.Errorf("answered y: exit %d, installed %v", r.exit, ok)
	}
}

func TestRemove(t *testing.T) {
	h := newHost(t)
	run(h, Yum, "", "-y", "install", "cman")
	r := run(h, Yum, "", "-y", "remove", "openais")
	if r.exit != 0 {
		t.Fatalf("exit %d: %s", r.exit, r.stderr)
	}
	for _, want := range []string{
		"---> Package openais.i386 0:0.80.3-15.el5 set to be erased\n--> Processing Dependency: openais for package: cman\n",
		"Removing:\n openais                 i386       0.80.3-15.el5    installed         359 k\nRemoving for dependencies:\n cman ",
		"Remove       2 Package(s)",
		"\nRemoved: openais.i386 0:0.80.3-15.el5\nDependency Removed: cman.i386 0:2.0.84-2.el5\nComplete!\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("missing %q in\n%s", want, r.stdout)
		}
	}
	if _, err := os.Lstat(h.Path("/sbin/ccs_tool")); !os.IsNotExist(err) {
		t.Errorf("ccs_tool survived the removal of cman: %v", err)
	}
	r = run(h, Yum, "", "-y", "remove", "cman")
	if r.exit != 0 || !strings.HasSuffix(r.stdout, "No Packages marked for removal\n") || r.stderr != "No Match for argument: cman\n" {
		t.Errorf("removing a missing package: %+v", r)
	}
}

func TestYumUsageErrors(t *testing.T) {
	h := newHost(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "You need to give some command\n"},
		{[]string{"-y", "frobnicate"}, "No such command: frobnicate. Please use /usr/bin/yum --help\n"},
		{[]string{"--bogus", "install", "cman"}, "Command line error: no such option: --bogus\n"},
		{[]string{"-y", "install"}, "Error: Need to pass a list of pkgs to install\n"},
	} {
		if r := run(h, Yum, "", tc.args...); r.exit != 1 || r.stderr != tc.want {
			t.Errorf("yum %v: %+v", tc.args, r)
		}
	}
}

func TestRelink(t *testing.T) {
	h := newHost(t)
	run(h, Yum, "", "-y", "install", "cman")
	if err := Relink(h, "/new/lab"); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"/usr/bin/yum", "/bin/rpm", "/sbin/cman_tool"} {
		if target, _ := os.Readlink(h.Path(l)); target != "/new/lab" {
			t.Errorf("%s -> %q", l, target)
		}
	}
	if _, err := os.Lstat(filepath.Join(h.Root, "sbin", "cman_tool.lab-new")); !os.IsNotExist(err) {
		t.Error("a temporary link was left behind")
	}
}

func TestFormatNumber(t *testing.T) {
	for n, want := range map[float64]string{663552: "648 k", 1000000: "977 k", 1031168: "1.0 M", 1100000: "1.0 M", 17825792: "17 M", 512: "512  ", 5: "5.0  "} {
		if got := formatNumber(n); got != want {
			t.Errorf("formatNumber(%v) = %q, want %q", n, got, want)
		}
	}
}

func TestNameOf(t *testing.T) {
	for nvr, want := range map[string]string{"cman-2.0.84-2.el5": "cman", "kmod-drbd82-xen-8.2.6-2": "kmod-drbd82-xen", "device-mapper-multipath-0.4.7-17.el5": "device-mapper-multipath"} {
		if got := nameOf(nvr); got != want {
			t.Errorf("nameOf(%s) = %s", nvr, got)
		}
	}
}
