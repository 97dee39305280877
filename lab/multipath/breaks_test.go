package multipath_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/gnbd"
	"github.com/tetsuzuki/tetsuzuki/lab/labtest"
	"github.com/tetsuzuki/tetsuzuki/lab/multipath"
)

// blogListLong is `multipath -ll` of the healthy maps: the checkers ran.
var blogListLong = strings.NewReplacer("[prio=0]", "[prio=2]", "[undef]", "[ready]").Replace(blogList)

// withMaps is part #4 done on client0.
func withMaps(t *testing.T) *labtest.Lab {
	t.Helper()
	lab := labtest.New(t, append(slices.Clone(storages), clients...)...)
	exportAll(t, lab)
	importAll(t, lab)
	must(t, lab, c0, 0, "yum", "-y", "install", "device-mapper-multipath")
	lab.WriteFile(t, c0, "/etc/multipath.conf", multipathConf(t, lab, c0))
	must(t, lab, c0, 0, "/etc/init.d/multipathd", "start")
	if r := must(t, lab, c0, 0, "multipath", "-l"); r.Stdout != blogList {
		t.Fatalf("multipath -l:\n%s", r.Stdout)
	}
	return lab
}

func TestFailedPath(t *testing.T) {
	lab := withMaps(t)
	m, p, err := multipath.FailPath(lab.Dir, c0, "", "")
	if err != nil || m != "mpath0" || p != "gnbd0" {
		t.Fatalf("FailPath: %s %s %v", m, p, err)
	}
	// The kernel failed it; the checker finds the device answering.
	failedList := strings.Replace(blogList, "gnbd0 252:0 [active][undef]", "gnbd0 252:0 [failed][undef]", 1)
	if r := must(t, lab, c0, 0, "multipath", "-l"); r.Stdout != failedList {
		t.Errorf("multipath -l with a failed path:\n%s", r.Stdout)
	}
	if r := must(t, lab, c0, 0, "multipath", "-ll"); r.Stdout != strings.Replace(blogListLong, "gnbd0 252:0 [active][ready]", "gnbd0 252:0 [failed][ready]", 1) {
		t.Errorf("multipath -ll with a failed path:\n%s", r.Stdout)
	}
	if _, _, err := multipath.FailPath(lab.Dir, c0, "mpath0", "gnbd0"); err == nil {
		t.Error("failed a failed path")
	}
	if _, _, err := multipath.FailPath(lab.Dir, c0, "mpath9", ""); err == nil {
		t.Error("failed a path of no map")
	}
	// Building the maps again changes nothing: no path is new.
	if r := must(t, lab, c0, 0, "multipath"); r.Stdout != "" {
		t.Errorf("multipath said %q", r.Stdout)
	}
	if r := must(t, lab, c0, 0, "multipath", "-l"); r.Stdout != failedList {
		t.Errorf("multipath -l after multipath:\n%s", r.Stdout)
	}
	// multipathd's checker reinstates it when the daemon reloads or
	// restarts.
	must(t, lab, c0, 0, "/etc/init.d/multipathd", "reload")
	if r := must(t, lab, c0, 0, "multipath", "-l"); r.Stdout != blogList {
		t.Errorf("multipath -l after reload:\n%s", r.Stdout)
	}
	if _, _, err := multipath.FailPath(lab.Dir, c0, "mpath1", "gnbd3"); err != nil {
		t.Fatal(err)
	}
	must(t, lab, c0, 0, "/etc/init.d/multipathd", "restart")
	if r := must(t, lab, c0, 0, "multipath", "-ll"); r.Stdout != blogListLong {
		t.Errorf("multipath -ll after restart:\n%s", r.Stdout)
	}
}

func TestDisconnectedImportFailsItsPath(t *testing.T) {
	lab := withMaps(t)
	if _, err := gnbd.DropImport(lab.Dir, c0, "gnbd1b"); err != nil {
		t.Fatal(err)
	}
	if r := must(t, lab, c0, 0, "multipath", "-l"); r.Stdout != strings.Replace(blogList, "gnbd3 252:3 [active][undef]", "gnbd3 252:3 [failed][undef]", 1) {
		t.Errorf("multipath -l:\n%s", r.Stdout)
	}
	want := strings.Replace(blogListLong, "gnbd3 252:3 [active][ready]", "gnbd3 252:3 [failed][faulty]", 1)
	want = strings.Replace(want, "[prio=2]", "[prio=1]", 1) // mpath1 comes first
	if r := must(t, lab, c0, 0, "multipath", "-ll"); r.Stdout != want {
		t.Errorf("multipath -ll:\n%s\nwant\n%s", r.Stdout, want)
	}
	if r := must(t, lab, c0, 0, "gnbd_import", "-l"); !strings.Contains(r.Stdout, "Device name : gnbd1b\n----------------------\n    Minor # : 3\n sysfs name : /block/gnbd3\n     Server : storage1b.example.org\n       Port : 14567\n      State : Open Disconnected Pending\n") {
		t.Errorf("gnbd_import -l:\n%s", r.Stdout)
	}
	r := must(t, lab, c0, 0, "gnbd_import", "-i", s1b)
	if r.Stdout != "gnbd_recvd: gnbd_recvd started\ngnbd_import: restarted gnbd_recvd for gnbd device gnbd1b\n" {
		t.Errorf("gnbd_import -i said %q", r.Stdout)
	}
	if r := must(t, lab, c0, 0, "multipath", "-l"); r.Stdout != blogList {
		t.Errorf("multipath -l after the repair:\n%s", r.Stdout)
	}
}

func TestDaemonDies(t *testing.T) {
	lab := withMaps(t)
	if err := multipath.DaemonDies(lab.Dir, c0); err != nil {
		t.Fatal(err)
	}
	if err := multipath.DaemonDies(lab.Dir, c0); err == nil {
		t.Error("a dead daemon died again")
	}
	if r := must(t, lab, c0, 2, "/etc/init.d/multipathd", "status"); r.Stdout != "multipathd dead but subsys locked\n" {
		t.Errorf("status: %q", r.Stdout)
	}
	if r := must(t, lab, c0, 0, "multipath", "-l"); r.Stdout != blogList {
		t.Errorf("the maps went with the daemon:\n%s", r.Stdout)
	}
	if r := must(t, lab, c0, 0, "/etc/init.d/multipathd", "restart"); r.Stdout != "Stopping multipathd daemon: [FAILED]\nStarting multipathd daemon: [  OK  ]\n" {
		t.Errorf("restart: %q", r.Stdout)
	}
	if r := must(t, lab, c0, 0, "/etc/init.d/multipathd", "status"); !strings.HasSuffix(r.Stdout, ") is running...\n") {
		t.Errorf("status after restart: %q", r.Stdout)
	}
}
