package gnbd

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/cman"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/kmod"
)

const (
	sa = "storage0a.example.org"
	sb = "storage0b.example.org"
	c0 = "client0.example.org"
)

// blogSectors is the size of the blog's /dev/drbd0.
const blogSectors = 2096944

// newLab makes hosts with cman and gnbd installed; the tools are called
// in-process.
func newLab(t testing.TB, fqdns ...string) map[string]host.Host {
	t.Helper()
	lab := t.TempDir()
	hosts := map[string]host.Host{}
	for _, f := range fqdns {
		h := host.Host{Lab: lab, FQDN: f, Root: host.Root(lab, f)}
		for _, d := range []string{"/etc/cluster", "/var/lib/rpm", "/var/lock/subsys", "/dev"} {
			if err := os.MkdirAll(h.Path(d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := host.Mark(lab, f); err != nil {
			t.Fatal(err)
		}
		db := "openais-0.80.3-15.el5\ncman-2.0.84-2.el5\ngnbd-1.1.5-1.el5\n"
		if err := os.WriteFile(h.Path("/var/lib/rpm/lab-installed"), []byte(db), 0o644); err != nil {
			t.Fatal(err)
		}
		hosts[f] = h
	}
	return hosts
}

// startCman starts cman on a host, in a one-node cluster of its own.
func startCman(t testing.TB, h host.Host) {
	t.Helper()
	conf := fmt.Sprintf("<?xml version=\"1.0\"?>\n<cluster name=%q config_version=\"1\">\n  <clusternodes>\n    <clusternode name=%q nodeid=\"1\" votes=\"1\"/>\n  </clusternodes>\n</cluster>\n", host.Short(h.FQDN), h.FQDN)
	if err := os.WriteFile(h.Path(cman.ClusterConfPath), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(h, cman.InitScript, "/etc/init.d/cman", "start"); r.exit != 0 {
		t.Fatalf("cman start on %s: %+v", h.FQDN, r)
	}
}

// drbd0 gives a storage host the blog's /dev/drbd0.
func drbd0(t *testing.T, h host.Host) {
	t.Helper()
	if err := blockdev.Create(h, "/dev/drbd0", blockdev.Device{Sectors: blogSectors, Major: 147, Minor: 0}); err != nil {
		t.Fatal(err)
	}
}

type result struct {
	stdout, stderr string
	exit           int
}

func run(h host.Host, tool func(*host.Proc) int, name string, args ...string) result {
	var out, errs bytes.Buffer
	p := &host.Proc{Host: h, Name: name, Args: args, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errs, Cwd: "/", Now: time.Now}
	exit := tool(p)
	return result{out.String(), errs.String(), exit}
}

// want runs a tool and checks all it did.
func want(t *testing.T, h host.Host, tool func(*host.Proc) int, argv []string, exit int, stdout, stderr string) {
	t.Helper()
	r := run(h, tool, argv[0], argv[1:]...)
	if r.exit != exit || r.stdout != stdout || r.stderr != stderr {
		t.Errorf("%s on %s:\n got exit %d, stdout %q, stderr %q\nwant exit %d, stdout %q, stderr %q", strings.Join(argv, " "), h.FQDN, r.exit, r.stdout, r.stderr, exit, stdout, stderr)
	}
}

// storage starts cman and gnbd_serv on a host with /dev/drbd0.
func storage(t *testing.T, h host.Host) {
	t.Helper()
	drbd0(t, h)
	startCman(t, h)
	want(t, h, ServCmd, []string{"gnbd_serv"}, 0, "gnbd_serv: startup succeeded\n", "")
}

func TestExportListIsTheBlogs(t *testing.T) {
	// PROCEDURES.md, part #3. gnbd_export prints "Server[%d] : %s %s\n"
	// with an empty flag for a valid export, so the real line ends in a
	// space the blog's copy lost; the rest is byte for byte.
	got := exportList([]Export{{Name: "gnbd0a", File: "/dev/drbd0", Sectors: blogSectors, Timeout: 60, UID: "0"}})
	const blog = `Server[1] : gnbd0a
--------------------------
      file : /dev/drbd0
   sectors : 2096944
  readonly : no
    cached : no
   timeout : 60
       uid : 0
`
	if want := strings.Replace(blog, "gnbd0a\n", "gnbd0a \n", 1) + "\n"; got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	got = exportList([]Export{{Name: "b", File: "/srv/f", Sectors: 8, Readonly: true}, {Name: "a", File: "/dev/drbd0", Sectors: 16, Timeout: 5}})
	want := "Server[1] : b \n--------------------------\n      file : /srv/f\n   sectors : 8\n  readonly : yes\n    cached : yes\n   timeout : no\n\n" +
		"Server[2] : a \n--------------------------\n      file : /dev/drbd0\n   sectors : 16\n  readonly : no\n    cached : no\n   timeout : 5\n\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestImportListIsTheBlogs(t *testing.T) {
	// PROCEDURES.md, part #3, byte for byte, and a blank line after each
	// block.
	const blog = `Device name : gnbd0a
----------------------
    Minor # : 0
 sysfs name : /block/gnbd0
     Server : storage0a.example.org
       Port : 14567
      State : Close Connected Clear
   Readonly : No
    Sectors : 2096944
`
	imp := Import{Name: "gnbd0a", Minor: 0, Server: sa, Port: DefaultPort, Sectors: blogSectors}
	if got := importList([]importRow{{Import: imp, connected: true}}); got != blog+"\n" {
		t.Errorf("got\n%q\nwant\n%q", got, blog+"\n")
	}
	for _, tc := range []struct {
		open, connected bool
		state           string
	}{
		{true, true, "Open Connected Clear"},
		{false, false, "Close Disconnected Clear"},
		{true, false, "Open Disconnected Pending"},
	} {
		got := importList([]importRow{{Import: imp, open: tc.open, connected: tc.connected}})
		if !strings.Contains(got, "      State : "+tc.state+"\n") {
			t.Errorf("open %v, connected %v:\n%s", tc.open, tc.connected, got)
		}
	}
}

func TestServ(t *testing.T) {
	hs := newLab(t, sa)
	h := hs[sa]
	drbd0(t, h)
	want(t, h, ServCmd, []string{"gnbd_serv"}, 1, "",
		"gnbd_serv: ERROR cannot get node name : Connection refused\ngnbd_serv: ERROR If you are not planning to use a cluster manager, use -n\n")
	// Before the first start there is no socket; after a stop, a dead one.
	want(t, h, ExportCmd, []string{"gnbd_export", "-l"}, 1, "", "gnbd_export: ERROR error connecting to gnbd_serv: No such file or directory\n")
	startCman(t, h)
	want(t, h, ServCmd, []string{"gnbd_serv"}, 0, "gnbd_serv: startup succeeded\n", "")
	want(t, h, ServCmd, []string{"gnbd_serv"}, 1, "", "gnbd_serv: ERROR gnbd_serv already running\n")
	want(t, h, ExportCmd, []string{"gnbd_export"}, 0, "no exported GNBDs\n", "")
	want(t, h, ExportCmd, []string{"gnbd_export", "-d", "/dev/drbd0", "-e", "gnbd0a", "-u0"}, 0, "gnbd_export: created GNBD gnbd0a serving file /dev/drbd0\n", "")
	want(t, h, ServCmd, []string{"gnbd_serv", "-k"}, 1, "", "gnbd_serv: ERROR shutdown request failed : Device or resource busy\n")
	want(t, h, ServCmd, []string{"gnbd_serv", "-K"}, 0, "gnbd_serv: gnbd_serv killed\n", "")
	want(t, h, ServCmd, []string{"gnbd_serv", "-k"}, 0, "gnbd_serv: gnbd_serv not running\n", "")
	want(t, h, ExportCmd, []string{"gnbd_export", "-l"}, 1, "", "gnbd_export: ERROR error connecting to gnbd_serv: Connection refused\n")
	// The exports died with the daemon.
	want(t, h, ServCmd, []string{"gnbd_serv", "-q"}, 0, "", "")
	want(t, h, ExportCmd, []string{"gnbd_export", "-l"}, 0, "no exported GNBDs\n", "")
	want(t, h, ServCmd, []string{"gnbd_serv", "-k"}, 0, "gnbd_serv: gnbd_serv shutting down\n", "")
	want(t, h, ServCmd, []string{"gnbd_serv", "-x"}, 1, "", "gnbd_serv: invalid option -- x\nPlease use '-h' for usage.\n")
}

func TestExport(t *testing.T) {
	hs := newLab(t, sa)
	h := hs[sa]
	storage(t, h)
	export := []string{"gnbd_export", "-d", "/dev/drbd0", "-e", "gnbd0a", "-u", "0"}
	want(t, h, ExportCmd, export, 0, "gnbd_export: created GNBD gnbd0a serving file /dev/drbd0\n", "")
	want(t, h, ExportCmd, export, 1, "", "gnbd_export: ERROR create request failed : Device or resource busy\n")
	want(t, h, ExportCmd, []string{"gnbd_export", "-d", "/dev/drbd1", "-e", "gnbd1a", "-u1"}, 1, "", "gnbd_export: ERROR create request failed : No such file or directory\n")
	want(t, h, ExportCmd, []string{"gnbd_export", "-e", "x"}, 1, "", "gnbd_export: ERROR The -d option must be specified with -e.\nPlease see man page for details.\n")
	want(t, h, ExportCmd, []string{"gnbd_export", "-l", "-r", "x"}, 1, "", "gnbd_export: ERROR flags -l and -r are not compatible\nPlease see man page for details.\n")
	want(t, h, ExportCmd, []string{"gnbd_export", "-l", "-u0"}, 1, "", "gnbd_export: ERROR the -c, -t, -d , -u and -U flags may only be used with -e\nPlease see man page for details.\n")
	want(t, h, ExportCmd, []string{"gnbd_export", "-e", "a/b", "-d", "/dev/drbd0"}, 1, "", "gnbd_export: ERROR server name a/b is invalid. Names cannot contain a '/'\n")
	want(t, h, ExportCmd, []string{"gnbd_export", "-r"}, 1, "", "gnbd_export: ERROR missing operand for remove action\nplease use '-h' for usage.\n")
	want(t, h, ExportCmd, []string{"gnbd_export", "-r", "nosuch"}, 1, "", "gnbd_export: ERROR remove request failed : No such device\n")
	// A cached export of the same device, listed first as the newest.
	want(t, h, ExportCmd, []string{"gnbd_export", "-c", "-d", "/dev/drbd0", "-e", "cached"}, 0, "gnbd_export: created GNBD cached serving file /dev/drbd0\n", "")
	r := run(h, ExportCmd, "gnbd_export", "-l")
	if !strings.HasPrefix(r.stdout, "Server[1] : cached \n") || !strings.Contains(r.stdout, "Server[2] : gnbd0a \n") || !strings.Contains(r.stdout, "    cached : yes\n   timeout : no\n\n") {
		t.Errorf("list:\n%s", r.stdout)
	}
	want(t, h, ExportCmd, []string{"gnbd_export", "-R"}, 0, "gnbd_export: removed GNBD cached\ngnbd_export: removed GNBD gnbd0a\n", "")
	if exports, err := Exports(h.Lab, sa); err != nil || len(exports) != 0 {
		t.Errorf("exports after -R: %v, %v", exports, err)
	}
}

func TestExportWithoutCluster(t *testing.T) {
	hs := newLab(t, sa)
	h := hs[sa]
	drbd0(t, h)
	want(t, h, ServCmd, []string{"gnbd_serv", "-n"}, 0, "gnbd_serv: startup succeeded\n", "")
	want(t, h, ExportCmd, []string{"gnbd_export", "-d", "/dev/drbd0", "-e", "gnbd0a", "-u0"}, 1, "", "gnbd_export: ERROR create request failed : Operation not supported\n")
	want(t, h, ExportCmd, []string{"gnbd_export", "-c", "-d", "/dev/drbd0", "-e", "gnbd0a"}, 0, "gnbd_export: created GNBD gnbd0a serving file /dev/drbd0\n", "")
}

func TestImport(t *testing.T) {
	hs := newLab(t, sa, sb, c0)
	a, b, c := hs[sa], hs[sb], hs[c0]
	storage(t, a)
	storage(t, b)
	want(t, a, ExportCmd, []string{"gnbd_export", "-d", "/dev/drbd0", "-e", "gnbd0a", "-u0"}, 0, "gnbd_export: created GNBD gnbd0a serving file /dev/drbd0\n", "")
	want(t, b, ExportCmd, []string{"gnbd_export", "-d", "/dev/drbd0", "-e", "gnbd0b", "-u0"}, 0, "gnbd_export: created GNBD gnbd0b serving file /dev/drbd0\n", "")

	importA := []string{"gnbd_import", "-i", sa}
	want(t, c, ImportCmd(nil), importA, 1, "",
		"gnbd_import: ERROR cannot get node name : Connection refused\ngnbd_import: ERROR If you are not planning to use a cluster manager, use -n\n")
	startCman(t, c)
	want(t, c, ImportCmd(nil), importA, 1, "", "gnbd_import: ERROR could not find gnbd registered in /proc/devices.  This\nprobably means that you have not loaded the gnbd module.\n")
	if err := kmod.Load(c, "gnbd", 48416); err != nil {
		t.Fatal(err)
	}
	want(t, c, ImportCmd(nil), importA, 0,
		"gnbd_import: created directory /dev/gnbd\ngnbd_import: created gnbd device gnbd0a\ngnbd_monitor: gnbd_monitor started. Monitoring device #0\ngnbd_recvd: gnbd_recvd started\n", "")
	// Again: nothing new, nothing said.
	want(t, c, ImportCmd(nil), importA, 0, "", "")
	want(t, c, ImportCmd(nil), []string{"gnbd_import", "-i", "storage0b"}, 0, "gnbd_import: created gnbd device gnbd0b\ngnbd_recvd: gnbd_recvd started\n", "")
	want(t, c, ImportCmd(nil), []string{"gnbd_import", "-i", "storage9z.example.org"}, 1, "", "gnbd_import: ERROR cannot connect to server storage9z.example.org (-1) : No route to host\n")
	want(t, c, ImportCmd(nil), []string{"gnbd_import", "-i", c0}, 1, "", "gnbd_import: ERROR cannot connect to server client0.example.org (-1) : Connection refused\n")

	for path, minor := range map[string]int{"/dev/gnbd0": 0, "/dev/gnbd/gnbd0a": 0, "/dev/gnbd1": 1, "/dev/gnbd/gnbd0b": 1} {
		d, ok, err := blockdev.Get(c, path)
		if err != nil || !ok || d.Sectors != blogSectors || d.Major != Major || d.Minor != minor {
			t.Errorf("%s: %+v %v %v", path, d, ok, err)
		}
	}
	r := run(c, ImportCmd(nil), "gnbd_import", "-l")
	if !strings.HasPrefix(r.stdout, "Device name : gnbd0a\n") || !strings.Contains(r.stdout, "Device name : gnbd0b\n----------------------\n    Minor # : 1\n sysfs name : /block/gnbd1\n     Server : storage0b\n") {
		t.Errorf("list:\n%s", r.stdout)
	}
	want(t, c, ImportCmd(nil), []string{"gnbd_import", "-q", "-U", "/block/gnbd1"}, 0, "0\n", "")
	want(t, c, ImportCmd(nil), []string{"gnbd_import", "-e", sa}, 0, "gnbd0a\n\n", "")

	// Unexporting a device a client uses needs -O; the client is then
	// disconnected.
	want(t, a, ExportCmd, []string{"gnbd_export", "-r", "gnbd0a"}, 1, "", "gnbd_export: ERROR remove request failed : Device or resource busy\n")
	want(t, a, ExportCmd, []string{"gnbd_export", "-L"}, 0, fmt.Sprintf("  pid       client      device\n--------------------------------\n%5d  client0.example.org  gnbd0a\n", serverPID(t, a)+1), "")
	want(t, a, ExportCmd, []string{"gnbd_export", "-O", "-r", "gnbd0a"}, 0, "gnbd_export: removed GNBD gnbd0a\n", "")
	r = run(c, ImportCmd(nil), "gnbd_import", "-l")
	if !strings.Contains(r.stdout, "      State : Close Disconnected Clear\n") {
		t.Errorf("after unexport:\n%s", r.stdout)
	}
	want(t, c, ImportCmd(nil), []string{"gnbd_import", "-U", "gnbd0a"}, 1, "", "gnbd_import: ERROR request to storage0a.example.org failed : No such device\n")

	// A device-mapper device on gnbd0 holds it open.
	if err := blockdev.Create(c, "/dev/mapper/mpath0", blockdev.Device{Sectors: blogSectors, Major: 253, Minor: 0, Backing: "/dev/gnbd0 /dev/gnbd1"}); err != nil {
		t.Fatal(err)
	}
	r = run(c, ImportCmd(nil), "gnbd_import", "-l")
	if !strings.Contains(r.stdout, "      State : Open Disconnected Pending\n") || !strings.Contains(r.stdout, "      State : Open Connected Clear\n") {
		t.Errorf("held open:\n%s", r.stdout)
	}
	want(t, c, ImportCmd(nil), []string{"gnbd_import", "-r", "gnbd0a"}, 1, "", "gnbd_import: ERROR cannot disconnect device #0 : Device or resource busy\n")
	want(t, c, ImportCmd(nil), []string{"gnbd_import", "-r", "nosuch"}, 1, "", "gnbd_import: ERROR cannot find device 'nosuch'\n")
	if err := blockdev.Remove(c, "/dev/mapper/mpath0"); err != nil {
		t.Fatal(err)
	}
	want(t, c, ImportCmd(nil), []string{"gnbd_import", "-r", "gnbd0a"}, 0, "gnbd_import: removed gnbd device gnbd0a\n", "")
	if _, ok, _ := blockdev.Get(c, "/dev/gnbd0"); ok {
		t.Error("/dev/gnbd0 outlived its import")
	}
	// The freed minor is the next one taken.
	want(t, a, ExportCmd, []string{"gnbd_export", "-d", "/dev/drbd0", "-e", "gnbd0a", "-u0"}, 0, "gnbd_export: created GNBD gnbd0a serving file /dev/drbd0\n", "")
	want(t, c, ImportCmd(nil), importA, 0, "gnbd_import: created gnbd device gnbd0a\ngnbd_recvd: gnbd_recvd started\n", "")
	devs, err := Imports(c.Lab, c0)
	if err != nil || len(devs) != 2 || devs[0].Name != "gnbd0a" || devs[0].Minor != 0 || !devs[0].Connected || devs[0].UID != "0" {
		t.Errorf("imports: %+v, %v", devs, err)
	}
	want(t, c, ImportCmd(nil), []string{"gnbd_import", "-R"}, 0, "gnbd_import: removed gnbd device gnbd0a\ngnbd_import: removed gnbd device gnbd0b\n", "")
	entries, _ := os.ReadDir(c.Path("/dev/gnbd"))
	if len(entries) != 0 {
		t.Errorf("/dev/gnbd after -R: %v", entries)
	}
}

func serverPID(t *testing.T, h host.Host) int {
	t.Helper()
	s, err := load(h.Lab, h.FQDN)
	if err != nil {
		t.Fatal(err)
	}
	return s.Servers[h.FQDN].PID
}

func TestImportUncachedWithoutCluster(t *testing.T) {
	hs := newLab(t, sa, c0)
	storage(t, hs[sa])
	want(t, hs[sa], ExportCmd, []string{"gnbd_export", "-d", "/dev/drbd0", "-e", "gnbd0a", "-u0"}, 0, "gnbd_export: created GNBD gnbd0a serving file /dev/drbd0\n", "")
	if err := kmod.Load(hs[c0], "gnbd", 48416); err != nil {
		t.Fatal(err)
	}
	want(t, hs[c0], ImportCmd(nil), []string{"gnbd_import", "-n", "-i", sa}, 1, "gnbd_import: created directory /dev/gnbd\n",
		"gnbd_import: ERROR cannot import uncached devices while using the -n option\nPlease see man page for details.\n")
}

func TestToolsAbsentWithoutPackage(t *testing.T) {
	hs := newLab(t, sa)
	h := hs[sa]
	os.WriteFile(h.Path("/var/lib/rpm/lab-installed"), nil, 0o644)
	for _, tool := range []func(*host.Proc) int{ServCmd, ExportCmd, ImportCmd(nil)} {
		if r := run(h, tool, "gnbd_serv"); r.exit != 127 || r.stderr != "gnbd_serv: command not found\n" {
			t.Errorf("%+v", r)
		}
	}
}
