package gnbd

import (
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/kmod"
)

// hostOf is another host of c's lab.
func hostOf(c host.Host, fqdn string) host.Host {
	return host.Host{Lab: c.Lab, FQDN: fqdn, Root: host.Root(c.Lab, fqdn)}
}

// imported is storage0a exporting gnbd0a, storage0b gnbd0b, and client0
// importing both.
func imported(t *testing.T) (a, b, c host.Host) {
	t.Helper()
	hs := newLab(t, sa, sb, c0)
	a, b, c = hs[sa], hs[sb], hs[c0]
	storage(t, a)
	storage(t, b)
	want(t, a, ExportCmd, []string{"gnbd_export", "-d", "/dev/drbd0", "-e", "gnbd0a", "-u0"}, 0, "gnbd_export: created GNBD gnbd0a serving file /dev/drbd0\n", "")
	want(t, b, ExportCmd, []string{"gnbd_export", "-d", "/dev/drbd0", "-e", "gnbd0b", "-u0"}, 0, "gnbd_export: created GNBD gnbd0b serving file /dev/drbd0\n", "")
	startCman(t, c)
	if err := kmod.Load(c, "gnbd", 48416); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{sa, sb} {
		if r := run(c, ImportCmd(nil), "gnbd_import", "-i", s); r.exit != 0 {
			t.Fatalf("import %s: %+v", s, r)
		}
	}
	return a, b, c
}

func TestServDies(t *testing.T) {
	a, _, c := imported(t)
	exports, err := ServDies(a.Lab, sa)
	if err != nil || len(exports) != 1 || exports[0] != "gnbd0a" {
		t.Fatalf("ServDies: %v, %v", exports, err)
	}
	if _, err := ServDies(a.Lab, sa); err == nil {
		t.Error("a second death")
	}
	want(t, a, ExportCmd, []string{"gnbd_export", "-l"}, 1, "", "gnbd_export: ERROR error connecting to gnbd_serv: Connection refused\n")
	if r := run(c, ImportCmd(nil), "gnbd_import", "-l"); !strings.HasPrefix(r.stdout, "Device name : gnbd0a\n") || !strings.Contains(r.stdout, "      State : Close Disconnected Clear\n") || strings.Count(r.stdout, " Connected ") != 1 {
		t.Errorf("gnbd_import -l after gnbd_serv died:\n%s", r.stdout)
	}
	// The repair: gnbd_serv, the export again; gnbd_recvd reconnects.
	want(t, a, ServCmd, []string{"gnbd_serv"}, 0, "gnbd_serv: startup succeeded\n", "")
	want(t, a, ExportCmd, []string{"gnbd_export", "-d", "/dev/drbd0", "-e", "gnbd0a", "-u0"}, 0, "gnbd_export: created GNBD gnbd0a serving file /dev/drbd0\n", "")
	if r := run(c, ImportCmd(nil), "gnbd_import", "-l"); strings.Count(r.stdout, "      State : Close Connected Clear\n") != 2 {
		t.Errorf("gnbd_import -l after the repair:\n%s", r.stdout)
	}
}

func TestDropImport(t *testing.T) {
	_, _, c := imported(t)
	imp, err := DropImport(c.Lab, c0, "")
	if err != nil || imp.Name != "gnbd0a" || imp.Minor != 0 {
		t.Fatalf("DropImport: %+v, %v", imp, err)
	}
	if _, err := DropImport(c.Lab, c0, "gnbd0a"); err == nil {
		t.Error("dropped a disconnected import")
	}
	if _, err := DropImport(c.Lab, c0, "nosuch"); err == nil {
		t.Error("dropped an import that is not there")
	}
	r := run(c, ImportCmd(nil), "gnbd_import", "-l")
	if !strings.HasPrefix(r.stdout, "Device name : gnbd0a\n----------------------\n    Minor # : 0\n sysfs name : /block/gnbd0\n     Server : storage0a.example.org\n       Port : 14567\n      State : Close Disconnected Clear\n") ||
		!strings.Contains(r.stdout, "Device name : gnbd0b\n----------------------\n    Minor # : 1\n sysfs name : /block/gnbd1\n     Server : storage0b.example.org\n       Port : 14567\n      State : Close Connected Clear\n") {
		t.Errorf("gnbd_import -l:\n%s", r.stdout)
	}
	devs, _ := Imports(c.Lab, c0)
	if devs[0].Connected || devs[0].UID != "" || !devs[1].Connected {
		t.Errorf("imports: %+v", devs)
	}
	// storage0a's server no longer serves the client.
	want(t, hostOf(c, sa), ExportCmd, []string{"gnbd_export", "-L"}, 0, "no server processes\n", "")

	// The repair: importing from the server again restarts gnbd_recvd
	// for the device it has; a quiet import says only gnbd_recvd's line.
	want(t, c, ImportCmd(nil), []string{"gnbd_import", "-i", sa}, 0, "gnbd_recvd: gnbd_recvd started\ngnbd_import: restarted gnbd_recvd for gnbd device gnbd0a\n", "")
	want(t, c, ImportCmd(nil), []string{"gnbd_import", "-i", sa}, 0, "", "")
	if _, err := DropImport(c.Lab, c0, "gnbd0b"); err != nil {
		t.Fatal(err)
	}
	want(t, c, ImportCmd(nil), []string{"gnbd_import", "-q", "-i", sb}, 0, "gnbd_recvd: gnbd_recvd started\n", "")
	// -a restarts every gnbd_recvd that is gone.
	if _, err := DropImport(c.Lab, c0, "gnbd0b"); err != nil {
		t.Fatal(err)
	}
	want(t, c, ImportCmd(nil), []string{"gnbd_import", "-a"}, 0, "gnbd_recvd: gnbd_recvd started\ngnbd_import: restarted gnbd_recvd for gnbd device gnbd0b\n", "")
	want(t, c, ImportCmd(nil), []string{"gnbd_import", "-a"}, 0, "", "")
	if r := run(c, ImportCmd(nil), "gnbd_import", "-l"); strings.Count(r.stdout, "      State : Close Connected Clear\n") != 2 {
		t.Errorf("gnbd_import -l after the repair:\n%s", r.stdout)
	}
}
