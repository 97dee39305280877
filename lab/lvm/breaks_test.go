package lvm_test

import (
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/labtest"
	"github.com/tetsuzuki/tetsuzuki/lab/lvm"
)

func TestClvmdDies(t *testing.T) {
	lab := labtest.New(t, node)
	if err := lvm.ClvmdDies(lab.Dir, node); err == nil {
		t.Error("a clvmd that never ran died")
	}
	run(t, lab, "", 0, "yum", "-y", "install", "cman", "lvm2-cluster")
	lab.WriteFile(t, node, "/etc/cluster/cluster.conf", `<?xml version="1.0"?>
<cluster name="client" config_version="1">
    <clusternodes>
        <clusternode name="client0.example.org" nodeid="1" votes="1"/>
    </clusternodes>
</cluster>
`)
	run(t, lab, "", 0, "/etc/init.d/cman", "start")
	run(t, lab, "", 0, "/etc/init.d/clvmd", "start")
	if err := lvm.ClvmdDies(lab.Dir, node); err != nil {
		t.Fatal(err)
	}
	if r := run(t, lab, "", 2, "/etc/init.d/clvmd", "status"); r.Stdout != "clvmd dead but subsys locked\nactive volumes: (none)\n" {
		t.Errorf("status: %q", r.Stdout)
	}
	if r := run(t, lab, "", 0, "/etc/init.d/clvmd", "start"); !strings.HasPrefix(r.Stdout, "Starting clvmd: [  OK  ]\n") {
		t.Errorf("start: %q", r.Stdout)
	}
	if up, _ := lvm.ClvmdRunning(lab.Dir, node); !up {
		t.Error("clvmd does not run after start")
	}
}

func TestDeactivate(t *testing.T) {
	lab := labtest.New(t, node)
	run(t, lab, "", 0, "pvcreate", "/dev/xvdb")
	run(t, lab, "", 0, "vgcreate", "VGL", "/dev/xvdb")
	run(t, lab, "", 0, "lvcreate", "-L", "100M", "-n", "lv", "VGL")
	open := 1
	opener := func(h host.Host, dev string) (int, error) {
		if h.FQDN != node || dev != "/dev/mapper/VGL-lv" {
			t.Errorf("asked for %s on %s", dev, h.FQDN)
		}
		return open, nil
	}
	if _, err := lvm.Deactivate(lab.Dir, node, "", opener); err == nil || !strings.Contains(err.Error(), "open") {
		t.Errorf("an open LV: %v", err)
	}
	open = 0
	name, err := lvm.Deactivate(lab.Dir, node, "", opener)
	if err != nil || name != "VGL/lv" {
		t.Fatalf("Deactivate: %q, %v", name, err)
	}
	if r := run(t, lab, "", 0, "lvs", "--noheadings", "-o", "lv_name,lv_attr"); r.Stdout != "  lv   -wi---\n" {
		t.Errorf("lvs: %q", r.Stdout)
	}
	if _, err := lvm.Deactivate(lab.Dir, node, "VGL/lv", nil); err == nil {
		t.Error("deactivated an inactive LV")
	}
	if lab.ReadFile(t, node, "/dev/mapper/VGL-lv") != "" {
		t.Error("the device outlived the deactivation")
	}
	run(t, lab, "", 0, "lvchange", "-ay", "VGL/lv")
	if r := run(t, lab, "", 0, "lvs", "--noheadings", "-o", "lv_name,lv_attr"); r.Stdout != "  lv   -wi-a-\n" {
		t.Errorf("lvs after lvchange -ay: %q", r.Stdout)
	}
}
